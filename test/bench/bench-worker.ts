/**
 * One benchmark scenario in its own process (so peak RSS is its own): builds
 * the sandbox account, runs our handler or the reference algorithm through
 * real SDK clients, and prints one JSON line with wall time, calls and memory.
 */
import type { SandboxAccount } from '../../functions/local/sandbox/sandbox-account';
import type { InvocationContext } from '../../functions/shared/invocation';

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

export const BENCH_CONTEXT: InvocationContext = {
  requestId: 'bench',
  caller: { principal: 'bench' },
  remainingMs: () => 900_000,
  invokedFunctionArn: undefined,
};

/** A scenario ready to time: the sandbox to count calls on, and the work. */
export interface PreparedRun {
  sandbox: SandboxAccount;
  go: () => Promise<{ found: number; complete: boolean }>;
}

async function run(task: WorkerTask): Promise<WorkerResult> {
  // Required, not imported: only the service's own module (and SDK client) is loaded, as in its Lambda.
  const module = (task.kind.startsWith('s3') ? require('./bench-run-s3') : require('./bench-run-ec2')) as {
    prepare: (task: WorkerTask) => Promise<PreparedRun>;
  };
  const { sandbox, go } = await module.prepare(task);
  sandbox.calls.length = 0;
  const started = performance.now();
  const { found, complete } = await go();
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
