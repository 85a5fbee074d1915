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
import { BENCH_REGIONS, instanceScenario } from './bench-scenarios';
import type { PreparedRun, WorkerTask } from './bench-worker';
import { BENCH_CONTEXT } from './bench-worker';
import { referenceFindOpenPort } from './reference-ec2';

export async function prepare(task: WorkerTask): Promise<PreparedRun> {
  const sandbox = new SandboxAccount(parseScenario(instanceScenario(task.size, task.latencyMs)));
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
  const ec2 = createEc2Clients(
    defaultClientSettings({
      concurrency: task.concurrency,
      credentials,
      endpoints: {},
      attachments: [sandbox.attachment],
    }),
  );
  const handler = createFindOpenPortsHandler({
    ec2,
    writeEc2: directWriteClients(ec2),
    remediatorGroup: DEFAULT_REMEDIATOR_GROUP,
    homeRegion: 'us-east-1',
    concurrency: task.concurrency,
    timeReserveMs: DEFAULT_TIME_RESERVE_MS,
    // The scans sign nothing; a key keeps the deps complete.
    plans: inMemoryPlanSigning(newPlanKey()),
  });
  await ec2('us-east-1').send(new DescribeRegionsCommand({}));
  return {
    sandbox,
    go: async () => {
      const result = await handler(
        {
          query: task.allPorts ? { limit: 1000 } : { port: 22, limit: 1000 },
          params: undefined,
          body: undefined,
        },
        BENCH_CONTEXT,
      );
      return { found: result.instanceCount, complete: result.complete };
    },
  };
}
