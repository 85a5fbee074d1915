/**
 * One benchmark scenario in its own process (so peak RSS is its own): builds
 * the sandbox account, runs our handler or the reference algorithm through
 * real SDK clients, and prints one JSON line with wall time, calls and memory.
 */
import { EC2Client } from '@aws-sdk/client-ec2';
import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import type { MiddlewareStack } from '@smithy/types';
import { perRegion } from '../../functions/aws/client-config';
import { createFindOpenPortsHandler } from '../../functions/handlers/find-open-ports';
import { createFindPublicBucketsHandler } from '../../functions/handlers/find-public-buckets';
import { sandboxBackend } from '../../functions/local/local-backend';
import { parseScenario } from '../../functions/local/sandbox/scenario';
import type { InvocationContext } from '../../functions/shared/invocation';
import { BENCH_REGIONS, bucketScenario, instanceScenario } from './bench-scenarios';
import { referenceFindOpenPort, referenceFindPublicBuckets } from './reference-sample';

export interface WorkerTask {
  kind: 's3-ours' | 's3-reference' | 'ec2-ours' | 'ec2-reference';
  size: number;
  latencyMs: number;
  concurrency: number;
  accountFlagsOn?: boolean;
}

export interface WorkerResult {
  task: WorkerTask;
  wallMs: number;
  calls: number;
  callsByCommand: Record<string, number>;
  peakRssMb: number;
  /** Per-bucket (or per-instance) critical-path rounds, for the lower bound. */
  found: number;
  complete: boolean;
}

const context: InvocationContext = {
  requestId: 'bench',
  caller: { principal: 'bench' },
  remainingMs: () => 900_000,
  invokedFunctionArn: undefined,
};

async function run(task: WorkerTask): Promise<WorkerResult> {
  const scenarioInput = task.kind.startsWith('s3')
    ? bucketScenario(task.size, task.latencyMs, task.accountFlagsOn)
    : instanceScenario(task.size, task.latencyMs);
  const backend = sandboxBackend(parseScenario(scenarioInput), { concurrency: task.concurrency });
  const sandbox = backend.sandbox;
  if (!sandbox) throw new Error('no sandbox');
  const credentials = { accessKeyId: 'BENCH', secretAccessKey: 'bench' };
  const attach = (client: { middlewareStack: unknown }, service: 's3' | 'ec2', region: string) =>
    sandbox.attachment(client.middlewareStack as MiddlewareStack<object, object>, service, region);

  // Warm up as a Lambda container would be: account id resolved, SDK modules loaded, sockets open.
  await backend.s3.resolveAccountId(context);
  await backend.s3.clients.s3('us-east-1').send(new ListBucketsCommand({ MaxBuckets: 1 }));
  sandbox.calls.length = 0;

  let found = 0;
  let complete = true;
  const started = performance.now();
  if (task.kind === 's3-ours') {
    const handler = createFindPublicBucketsHandler(backend.s3);
    const result = await handler({ query: { limit: 1000 }, params: undefined, body: undefined }, context);
    found = result.publicCount;
    complete = result.complete;
  } else if (task.kind === 'ec2-ours') {
    const handler = createFindOpenPortsHandler(backend.ec2);
    const result = await handler(
      { query: { port: 22, limit: 1000 }, params: undefined, body: undefined },
      context,
    );
    found = result.instanceCount;
    complete = result.complete;
  } else if (task.kind === 's3-reference') {
    const s3 = new S3Client({ region: 'us-east-1', credentials, maxAttempts: 1 });
    attach(s3, 's3', 'us-east-1');
    found = (await referenceFindPublicBuckets(s3)).length;
  } else {
    const ec2 = perRegion((region) => {
      const client = new EC2Client({ region, credentials, maxAttempts: 1 });
      attach(client, 'ec2', region);
      return client;
    });
    found = new Set(await referenceFindOpenPort(ec2, BENCH_REGIONS, 22)).size;
  }
  const wallMs = performance.now() - started;
  const callsByCommand: Record<string, number> = {};
  for (const call of sandbox.calls) callsByCommand[call.command] = (callsByCommand[call.command] ?? 0) + 1;
  return {
    task,
    wallMs,
    calls: sandbox.calls.length,
    callsByCommand,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    found,
    complete,
  };
}

if (require.main === module) {
  const task = JSON.parse(process.argv[2] ?? '{}') as WorkerTask;
  run(task)
    .then((result) => process.stdout.write(`${JSON.stringify(result)}\n`))
    .catch((error: Error) => {
      process.stderr.write(`${error.stack ?? error.message}\n`);
      process.exit(1);
    });
}
