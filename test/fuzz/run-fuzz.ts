/**
 * `npm run fuzz -- --runs N [--seed S] [--path P]`: the properties of
 * http-fuzz.test.ts with N runs, outside jest, against one local server on
 * the default scenario. Prints a one-line summary (and fast-check's report,
 * with the seed and path to replay, when a property fails); exits 1 then.
 */
import { parseArgs } from 'node:util';

const USAGE = 'Usage: npm run fuzz -- [--runs N] [--seed S] [--path P]';

async function main(): Promise<number> {
  // Before the logger and the SDK load: keep the output to the summary.
  process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
  process.env.AWS_SDK_JS_SUPPRESS_NODE_DEPRECATION_WARNING ??= '1';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  let values: { runs?: string; seed?: string; path?: string };
  try {
    ({ values } = parseArgs({
      options: { runs: { type: 'string' }, seed: { type: 'string' }, path: { type: 'string' } },
    }));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const runs = Number(values.runs ?? process.env.FUZZ_RUNS ?? 1_000);
  if (!Number.isInteger(runs) || runs < 1) {
    process.stderr.write(`--runs must be a positive whole number, got "${values.runs}".\n${USAGE}\n`);
    return 2;
  }
  if (values.seed !== undefined) process.env.FUZZ_SEED = values.seed;
  if (values.path !== undefined) process.env.FUZZ_PATH = values.path;

  const { runFuzz, startFuzzTarget, summaryLine } = await import('./fuzz-properties.js');
  const target = await startFuzzTarget();
  try {
    const { outcome, report } = await runFuzz(target, runs);
    process.stdout.write(`${summaryLine(target.stats, outcome)}\n`);
    if (report !== undefined) process.stdout.write(`${report}\n`);
    return outcome.failed ? 1 : 0;
  } finally {
    await target.close();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
