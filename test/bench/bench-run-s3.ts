/**
 * The S3 scenarios of the benchmark, shaped like the deployed function: only
 * S3 and S3 Control clients are loaded (the worker requires this module only
 * for S3 tasks, so the EC2 client never enters the process's memory).
 */

import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import type { MiddlewareStack } from '@smithy/types';
import { directWriteClients } from '../../functions/aws/assumed-write-role';
import { defaultClientSettings } from '../../functions/aws/client-config';
import { createS3Clients } from '../../functions/aws/s3-clients';
import { createFindPublicBucketsHandler } from '../../functions/handlers/find-public-buckets';
import { SandboxAccount } from '../../functions/local/sandbox/sandbox-account';
import { parseScenario } from '../../functions/local/sandbox/scenario';
import {
  DEFAULT_PROTECTED_TAG_KEY,
  DEFAULT_REMEDIATOR_GROUP,
  DEFAULT_TIME_RESERVE_MS,
} from '../../functions/shared/defaults';
import { inMemoryPlanSigning } from '../../functions/shared/plan-signing';
import { newPlanKey } from '../../functions/shared/plan-token';
import { benchSnapshots, runPaging } from './bench-paging';
import { bucketScenario } from './bench-scenarios';
import type { PreparedRun, WorkerTask } from './bench-worker';
import { BENCH_CONTEXT } from './bench-worker';
import { referenceFindPublicBuckets } from './reference-s3';

export async function prepare(task: WorkerTask): Promise<PreparedRun> {
  const sandbox = new SandboxAccount(
    parseScenario(bucketScenario(task.size, task.latencyMs, task.accountFlagsOn)),
  );
  const credentials = { accessKeyId: 'BENCH', secretAccessKey: 'bench' };
  if (task.kind === 's3-reference') {
    const s3 = new S3Client({ region: 'us-east-1', credentials, maxAttempts: 1 });
    sandbox.attachment(s3.middlewareStack as unknown as MiddlewareStack<object, object>, 's3', 'us-east-1');
    return {
      sandbox,
      go: async () => ({ found: (await referenceFindPublicBuckets(s3)).length, complete: true }),
    };
  }
  const settings = defaultClientSettings({
    concurrency: task.concurrency,
    credentials,
    endpoints: {},
    attachments: [sandbox.attachment],
  });
  const clients = createS3Clients(settings);
  const plans = inMemoryPlanSigning(newPlanKey());
  const handler = createFindPublicBucketsHandler({
    clients,
    writeS3: directWriteClients(clients.s3),
    protectedTagKey: DEFAULT_PROTECTED_TAG_KEY,
    remediatorGroup: DEFAULT_REMEDIATOR_GROUP,
    homeRegion: 'us-east-1',
    concurrency: task.concurrency,
    timeReserveMs: DEFAULT_TIME_RESERVE_MS,
    plans,
    snapshots: benchSnapshots(settings, plans, sandbox.scenario.accountId),
    resolveAccountId: async () => sandbox.scenario.accountId,
  });
  // Warm, as a Lambda container would be: SDK modules loaded, the client built.
  await clients.s3('us-east-1').send(new ListBucketsCommand({ MaxBuckets: 1 }));
  if (task.kind === 's3-pages')
    return {
      sandbox,
      go: async () => ({ found: 0, complete: true }),
      paging: (storeLatencyMs) =>
        runPaging(
          sandbox,
          async (request) => {
            const page = await handler({ query: request, params: undefined, body: undefined }, BENCH_CONTEXT);
            return { nextToken: page.nextToken, cached: page.cached, rows: page.publicBuckets.length };
          },
          storeLatencyMs,
        ),
    };
  return {
    sandbox,
    go: async () => {
      // fresh: every run scans (an identical find would otherwise reuse the stored scan).
      const result = await handler(
        { query: { limit: 1000, fresh: true }, params: undefined, body: undefined },
        BENCH_CONTEXT,
      );
      return {
        found: result.publicCount,
        complete: result.complete,
        publicNames: result.publicBuckets.map((bucket) => bucket.bucketName),
      };
    },
  };
}
