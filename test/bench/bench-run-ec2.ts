/**
 * The EC2 scenarios of the benchmark, shaped like the deployed function: only
 * the EC2 client is loaded (the worker requires this module only for EC2 tasks).
 */

import { DescribeRegionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import type { MiddlewareStack } from '@smithy/types';
import { directWriteClients } from '../../functions/aws/assumed-write-role';
import { defaultClientSettings, perRegion } from '../../functions/aws/client-config';
import { createEc2Clients } from '../../functions/aws/ec2-clients';
import { createFindOpenPortsHandler } from '../../functions/handlers/find-open-ports';
import { SandboxAccount } from '../../functions/local/sandbox/sandbox-account';
import { parseScenario } from '../../functions/local/sandbox/scenario';
import { DEFAULT_REMEDIATOR_GROUP, DEFAULT_TIME_RESERVE_MS } from '../../functions/shared/defaults';
import { inMemoryPlanSigning } from '../../functions/shared/plan-signing';
import { newPlanKey } from '../../functions/shared/plan-token';
import { benchSnapshots, runPaging } from './bench-paging';
import { BENCH_REGIONS, instanceScenario } from './bench-scenarios';
import type { PreparedRun, WorkerTask } from './bench-worker';
import { BENCH_CONTEXT } from './bench-worker';
import { referenceFindOpenPort } from './reference-ec2';

export async function prepare(task: WorkerTask): Promise<PreparedRun> {
  // The paging run lists every instance, so its snapshot is as large as the fleet.
  const sandbox = new SandboxAccount(
    parseScenario(
      instanceScenario(
        task.size,
        task.latencyMs,
        task.kind === 'ec2-pages' ? 1 : 20,
        task.privateWeb === true,
      ),
    ),
  );
  const credentials = { accessKeyId: 'BENCH', secretAccessKey: 'bench' };
  if (task.kind === 'ec2-reference') {
    const ec2 = perRegion((region) => {
      const client = new EC2Client({ region, credentials, maxAttempts: 1 });
      sandbox.attachment(client.middlewareStack as unknown as MiddlewareStack<object, object>, 'ec2', region);
      return client;
    });
    return {
      sandbox,
      go: async () => ({
        found: new Set(await referenceFindOpenPort(ec2, BENCH_REGIONS, 22)).size,
        complete: true,
      }),
    };
  }
  const settings = defaultClientSettings({
    concurrency: task.concurrency,
    credentials,
    endpoints: {},
    attachments: [sandbox.attachment],
  });
  const ec2 = createEc2Clients(settings);
  const plans = inMemoryPlanSigning(newPlanKey());
  const handler = createFindOpenPortsHandler({
    ec2,
    writeEc2: directWriteClients(ec2),
    remediatorGroup: DEFAULT_REMEDIATOR_GROUP,
    homeRegion: 'us-east-1',
    concurrency: task.concurrency,
    timeReserveMs: DEFAULT_TIME_RESERVE_MS,
    plans,
    snapshots: benchSnapshots(settings, plans, sandbox.scenario.accountId),
  });
  await ec2('us-east-1').send(new DescribeRegionsCommand({}));
  if (task.kind === 'ec2-pages')
    return {
      sandbox,
      go: async () => ({ found: 0, complete: true }),
      paging: (storeLatencyMs) =>
        runPaging(
          sandbox,
          async (request) => {
            const page = await handler(
              { query: { port: 22, ...request }, params: undefined, body: undefined },
              BENCH_CONTEXT,
            );
            return { nextToken: page.nextToken, cached: page.cached, rows: page.instances.length };
          },
          storeLatencyMs,
        ),
    };
  return {
    sandbox,
    go: async () => {
      // fresh: every run scans (an identical find would otherwise reuse the stored scan).
      const result = await handler(
        {
          query: task.allPorts ? { limit: 1000, fresh: true } : { port: 22, limit: 1000, fresh: true },
          params: undefined,
          body: undefined,
        },
        BENCH_CONTEXT,
      );
      return { found: result.instanceCount, complete: result.complete };
    },
  };
}
