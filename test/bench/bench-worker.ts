/**
 * One benchmark scenario in its own process (so peak RSS is its own): builds
 * the sandbox account, runs our handler or the reference algorithm through
 * real SDK clients, and prints one JSON line with wall time, calls and memory.
 */
import type { RecordedCall, SandboxAccount } from '../../functions/local/sandbox/sandbox-account';
import type { InvocationContext } from '../../functions/shared/invocation';
import { accountCalls, type PagingStats } from './bench-paging';

export interface WorkerTask {
  kind: 's3-ours' | 's3-reference' | 'ec2-ours' | 'ec2-reference' | 's3-pages' | 'ec2-pages';
  size: number;
  latencyMs: number;
  concurrency: number;
  accountFlagsOn?: boolean;
  /** Paging runs: the latency of each call to the DynamoDB snapshot store. */
  storeLatencyMs?: number;
  /** EC2 only: scan every port (no `port` asked) instead of port 22. */
  allPorts?: boolean;
  /** EC2: 443 open to the VPC only, so the every-port find finds the same instances as the port-22 one. */
  privateWeb?: boolean;
  /** Warm scans after the first (our scans only); `warmWallMs` is their median. Default 1. */
  warmRuns?: number;
}

export interface WorkerResult {
  task: WorkerTask;
  /** The first scan in this process: a Lambda container's first request after a cold start. */
  wallMs: number;
  /** The same scan again in the same process: a warm container (code compiled and optimised, caches full). */
  warmWallMs: number | undefined;
  calls: number;
  callsByCommand: Record<string, number>;
  peakRssMb: number;
  /** Per-bucket (or per-instance) critical-path rounds, for the lower bound. */
  found: number;
  complete: boolean;
  /** S3: AWS calls naming a bucket, averaged over the buckets found not public (target: at most 3). */
  callsPerNonPublicBucket?: number;
  /** Calls to the DynamoDB snapshot store (not counted in `calls`, which are the scanned account's). */
  storeCalls?: number;
  /** Paging runs only. */
  paging?: PagingStats;
}

export const BENCH_CONTEXT: InvocationContext = {
  requestId: 'bench',
  caller: { principal: 'bench' },
  remainingMs: () => 900_000,
  invokedFunctionArn: undefined,
};

/** A scenario ready to time: the sandbox to count calls on, and the work. */
export interface PreparedRun {
  sandbox: SandboxAccount;
  go: () => Promise<{ found: number; complete: boolean; publicNames?: string[] }>;
  /** Paging runs: a scan, each later page, and the same find again. */
  paging?: (storeLatencyMs: number) => Promise<PagingStats>;
}

/** Calls that name a bucket (`input.Bucket`), averaged over every listed bucket that is not public. */
function perBucketAverage(
  calls: readonly RecordedCall[],
  publicNames: Set<string>,
  bucketCount: number,
): number {
  let nonPublicCalls = 0;
  for (const call of calls) {
    const bucket = call.input.Bucket;
    if (typeof bucket === 'string' && !publicNames.has(bucket)) nonPublicCalls++;
  }
  return nonPublicCalls / (bucketCount - publicNames.size);
}

async function run(task: WorkerTask): Promise<WorkerResult> {
  // Required, not imported: only the service's own module (and SDK client) is loaded, as in its Lambda.
  const module = (task.kind.startsWith('s3') ? require('./bench-run-s3') : require('./bench-run-ec2')) as {
    prepare: (task: WorkerTask) => Promise<PreparedRun>;
  };
  const { sandbox, go, paging } = await module.prepare(task);
  sandbox.calls.length = 0;
  if (paging) {
    const stats = await paging(task.storeLatencyMs ?? 0);
    return {
      task,
      wallMs: stats.firstPageMs,
      warmWallMs: undefined,
      calls: accountCalls(sandbox.calls),
      callsByCommand: {},
      peakRssMb: process.resourceUsage().maxRSS / 1024,
      found: stats.rows,
      complete: true,
      paging: stats,
    };
  }
  const started = performance.now();
  const { found, complete, publicNames } = await go();
  const wallMs = performance.now() - started;
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  const callsByCommand: Record<string, number> = {};
  // The scanned account's calls; the snapshot store's are counted apart.
  const accountOnly = sandbox.calls.filter((call) => call.service !== 'dynamodb');
  for (const call of accountOnly) callsByCommand[call.command] = (callsByCommand[call.command] ?? 0) + 1;
  const calls = accountOnly.length;
  const storeCalls = sandbox.calls.length - calls;
  const callsPerNonPublicBucket =
    publicNames && perBucketAverage(sandbox.calls, new Set(publicNames), task.size);
  let warmWallMs: number | undefined;
  // Only our scans have a warm case: the reference is sequential, so it waits on AWS whether warm or not.
  if (task.kind.endsWith('-ours')) {
    const warmTimes: number[] = [];
    for (let run = 0; run < (task.warmRuns ?? 1); run++) {
      sandbox.calls.length = 0;
      const warmStarted = performance.now();
      const warm = await go();
      warmTimes.push(performance.now() - warmStarted);
      const warmCalls = accountCalls(sandbox.calls);
      if (warm.found !== found || warmCalls !== calls)
        throw new Error(
          `The warm scan found ${warm.found} with ${warmCalls} calls, the first ${found} with ${calls}.`,
        );
    }
    warmWallMs = [...warmTimes].sort((a, b) => a - b)[Math.floor(warmTimes.length / 2)];
  }
  return {
    task,
    wallMs,
    warmWallMs,
    calls,
    callsByCommand,
    peakRssMb,
    found,
    complete,
    storeCalls,
    ...(callsPerNonPublicBucket === undefined ? {} : { callsPerNonPublicBucket }),
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
