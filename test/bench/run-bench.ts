/**
 * `npm run bench`: our scans against the public sample's algorithm on the same
 * sandbox with an injected latency per AWS call, plus each function's bundle
 * size and load time against an SDK-clients-only floor. Every scenario runs in
 * its own Node process so its peak memory is its own.
 *
 *   npm run bench -- [--latency 40] [--concurrency 64] [--repeat 3] [--load-runs 21] [--node PATH]
 *                    [--instructions] [--quick]
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildSync } from 'esbuild';
import { callsInFlight } from '../../functions/aws/client-config';
import { BUNDLE_MAIN_FIELDS } from '../../infra/constructs/exposure-function';
import { operations } from '../../openapi/operations';
import type { WorkerResult, WorkerTask } from './bench-worker';

const ROOT = resolve(__dirname, '../..');
const OUT = resolve(ROOT, '.tmp/bench');

const { values } = parseArgs({
  options: {
    latency: { type: 'string', default: '40' },
    concurrency: { type: 'string', default: '64' },
    quick: { type: 'boolean', default: false },
    repeat: { type: 'string', default: '3' },
    'load-runs': { type: 'string', default: '21' },
    // Another Node binary for the scenarios and load times, e.g. Node 22 as Lambda's nodejs22.x runs:
    //   --node "$(npx -y -p node@22 -c 'command -v node')"
    node: { type: 'string', default: process.execPath },
    // Also count the instructions of each load under valgrind (callgrind): the same count on a busy machine,
    // where times swing by a third. About 2 minutes more.
    instructions: { type: 'boolean', default: false },
  },
});
const latencyMs = Number(values.latency);
const concurrency = Number(values.concurrency);
const loadRuns = Number(values['load-runs']);
const repeat = Number(values.repeat);
const nodeBinary = values.node;
if (!Number.isFinite(latencyMs) || latencyMs < 0)
  throw new Error('--latency must be a number of milliseconds');
if (!Number.isInteger(concurrency) || concurrency < 1)
  throw new Error('--concurrency must be a positive whole number');
if (!Number.isInteger(repeat) || repeat < 1) throw new Error('--repeat must be a positive whole number');
if (!Number.isInteger(loadRuns) || loadRuns < 1)
  throw new Error('--load-runs must be a positive whole number');

const ENV = {
  ...process.env,
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

function bundle(entry: string, outfile: string, minify: boolean): void {
  buildSync({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    mainFields: [...BUNDLE_MAIN_FIELDS],
    minify,
    sourcemap: minify,
    outfile,
    logLevel: 'error',
  });
}

function runWorker(task: WorkerTask): Promise<WorkerResult> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(nodeBinary, [resolve(OUT, 'bench-worker.js'), JSON.stringify(task)], {
      env: ENV,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`${task.kind} ${task.size} failed:\n${stderr}`));
      else resolveRun(JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as WorkerResult);
    });
  });
}

/**
 * Runs a scenario `times` times, each in a fresh process, and keeps the median times: on a shared machine a
 * single run can be a third slower than the next. Calls must not change between runs.
 */
async function runMedian(task: WorkerTask, times: number): Promise<WorkerResult> {
  const runs: WorkerResult[] = [];
  for (let i = 0; i < times; i++) runs.push(await runWorker(task));
  const first = runs[0] as WorkerResult;
  if (runs.some((run) => run.calls !== first.calls))
    throw new Error(`${task.kind} ${task.size}: the number of AWS calls changed between runs.`);
  return {
    ...first,
    wallMs: median(runs.map((run) => run.wallMs)),
    warmWallMs: median(runs.map((run) => run.warmWallMs ?? Number.NaN)),
    peakRssMb: Math.max(...runs.map((run) => run.peakRssMb)),
  };
}

/** Calls that must happen one after another, and the rest, which run `width` at a time. */
function lowerBoundMs(result: WorkerResult): number {
  const calls = result.callsByCommand;
  if (result.task.kind.startsWith('s3')) {
    const sequential = (calls.ListBuckets ?? 0) + (calls.GetCallerIdentity ?? 0);
    const parallel = result.calls - sequential;
    // Each bucket in flight sends its first two reads (ACL, policy status) at once.
    return latencyMs * (sequential + Math.ceil(parallel / callsInFlight(concurrency)));
  }
  // Regions run in parallel; inside one, each paged call waits for the one before it.
  const regions = 17;
  const perRegion =
    (calls.DescribeInstances ?? 0) +
    (calls.DescribeSecurityGroupRules ?? 0) +
    (calls.GetManagedPrefixListEntries ?? 0);
  return latencyMs * (1 + Math.ceil(perRegion / regions));
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

function median(numbers: number[]): number {
  const sorted = [...numbers].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** One fresh Node process's time to require a bundle (which builds its SDK clients at module scope). */
function loadOnceMs(bundlePath: string): number {
  const script = `const t=process.hrtime.bigint();require(${JSON.stringify(bundlePath)});process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6));`;
  const out = execFileSync(nodeBinary, ['-e', script], {
    env: { ...ENV, AWS_REGION: 'us-east-1', POWERTOOLS_SERVICE_NAME: 'bench' },
    encoding: 'utf8',
  });
  return Number(out);
}

/**
 * Instructions one fresh Node process runs to require a bundle, counted by valgrind's callgrind, or
 * undefined when valgrind is not installed. Includes Node's own start; subtract an empty bundle's count.
 */
function loadInstructions(bundlePath: string): number | undefined {
  const run = spawnSync(
    'valgrind',
    [
      '--tool=callgrind',
      '--callgrind-out-file=/dev/null',
      nodeBinary,
      '-e',
      `require(${JSON.stringify(bundlePath)})`,
    ],
    { env: { ...ENV, AWS_REGION: 'us-east-1', POWERTOOLS_SERVICE_NAME: 'bench' }, encoding: 'utf8' },
  );
  const collected = /Collected : (\d+)/.exec(run.stderr ?? '');
  return collected ? Number(collected[1]) : undefined;
}

/**
 * Load times of several bundles, interleaved: each round loads every bundle once, so a slow spell of this
 * shared machine hits a function and its floor alike instead of whichever happened to run then.
 */
function interleavedLoadTimes(bundlePaths: string[]): number[][] {
  const samples = bundlePaths.map((): number[] => []);
  for (let round = 0; round < loadRuns; round++) {
    for (const [index, path] of bundlePaths.entries()) samples[index]?.push(loadOnceMs(path));
  }
  return samples;
}

/** The instruction columns of the cold-start table: millions, own / floor, and their ratio. */
function instructionCells(own: number | undefined, floor: number | undefined): string[] {
  if (own === undefined || floor === undefined) return ['-', '-'];
  return [`${(own / 1e6).toFixed(0)} M / ${(floor / 1e6).toFixed(0)} M`, `${(own / floor).toFixed(2)}x`];
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const nodeVersion = execFileSync(nodeBinary, ['--version'], { encoding: 'utf8' }).trim();
  bundle(resolve(__dirname, 'bench-worker.ts'), resolve(OUT, 'bench-worker.js'), false);
  const started = Date.now();
  const small = values.quick ? 200 : 1000;
  const large = values.quick ? 2000 : 10_000;
  const task = (kind: WorkerTask['kind'], size: number, extra: Partial<WorkerTask> = {}): WorkerTask => ({
    kind,
    size,
    latencyMs,
    concurrency,
    ...extra,
  });

  process.stdout.write(
    `Benchmark: ${latencyMs} ms per AWS call, concurrency ${concurrency}, node ${nodeVersion}\n`,
  );
  process.stdout.write('Running the reference algorithms (sequential; the slow part) alongside ours...\n');
  // The references are sequential and mostly wait on timers: they run in parallel with each other.
  const references = Promise.all([
    runWorker(task('s3-reference', small)),
    runWorker(task('ec2-reference', small)),
  ]);
  // Each short scenario runs `repeat` times (median); the 10,000-bucket scan, long enough to be steady, once.
  const scenarios: Array<[WorkerTask, number]> = [
    [task('s3-ours', small), repeat],
    [task('s3-ours', large), 1],
    [task('s3-ours', large, { accountFlagsOn: true }), repeat],
    [task('ec2-ours', small), repeat],
    [task('ec2-ours', large), repeat],
  ];
  const ours: WorkerResult[] = [];
  for (const [t, times] of scenarios) ours.push(await runMedian(t, times));
  // The same work with no latency at all: what is left is CPU (SDK serialisation, signing, parsing, the
  // sandbox). When it is close to our time with latency, the scan is CPU-bound, not waiting on AWS.
  const cpuFloors: WorkerResult[] = [];
  for (const [t, times] of scenarios) cpuFloors.push(await runMedian({ ...t, latencyMs: 0 }, times));
  const [s3Reference, ec2Reference] = await references;

  const rows: string[][] = [
    [
      'scenario',
      'ours: first scan',
      'ours: warm',
      'reference',
      'speed-up',
      'lower bound',
      'ours / bound (first, warm)',
      '0 ms latency (first, warm)',
      'AWS calls ours / ref',
      'calls per non-public bucket',
      'peak RSS',
    ],
  ];
  for (const [index, result] of ours.entries()) {
    const cpuFloor = cpuFloors[index];
    const isS3 = result.task.kind.startsWith('s3');
    const reference = isS3 ? s3Reference : ec2Reference;
    const unit = isS3 ? 'buckets' : 'instances / 17 Regions';
    const label = `${result.task.size.toLocaleString('en-US')} ${unit}${result.task.accountFlagsOn ? ' (account BPA on)' : ''}`;
    let refMs = reference.wallMs;
    let refCalls = reference.calls;
    let refNote = '';
    if (result.task.size !== reference.task.size || result.task.accountFlagsOn) {
      // Extrapolated: the reference is sequential, so its time is its calls times the latency.
      refCalls = Math.round((reference.calls * result.task.size) / reference.task.size);
      refMs = refCalls * latencyMs;
      refNote = ' (extrapolated)';
    }
    const bound = lowerBoundMs(result);
    const warm = result.warmWallMs ?? Number.NaN;
    rows.push([
      label,
      seconds(result.wallMs) + (result.complete ? '' : ' (incomplete)'),
      seconds(warm),
      seconds(refMs) + refNote,
      `${(refMs / result.wallMs).toFixed(0)}x`,
      seconds(bound),
      `${(result.wallMs / bound).toFixed(2)}x, ${(warm / bound).toFixed(2)}x`,
      `${seconds(cpuFloor?.wallMs ?? Number.NaN)}, ${seconds(cpuFloor?.warmWallMs ?? Number.NaN)}`,
      `${result.calls.toLocaleString('en-US')} / ${refCalls.toLocaleString('en-US')}`,
      result.callsPerNonPublicBucket === undefined ? '-' : result.callsPerNonPublicBucket.toFixed(2),
      `${result.peakRssMb.toFixed(0)} MB`,
    ]);
  }

  const coldRows: string[][] = [
    [
      'function',
      'bundle',
      'load (median)',
      'floor bundle',
      'floor load (median)',
      'ratio (median of rounds)',
      ...(values.instructions ? ['instructions own / floor (callgrind)', 'ratio (instructions)'] : []),
    ],
  ];
  const floorSources = {
    // Imported as the functions import them, and bundled the same way, so esbuild treats both alike.
    s3: "import {S3Client} from '@aws-sdk/client-s3';import {S3ControlClient} from '@aws-sdk/client-s3-control';new S3Client({region:process.env.AWS_REGION});new S3ControlClient({region:process.env.AWS_REGION});",
    ec2: "import {EC2Client} from '@aws-sdk/client-ec2';new EC2Client({region:process.env.AWS_REGION});",
  } as const;
  const floorPaths = { s3: '', ec2: '' };
  for (const name of ['s3', 'ec2'] as const) {
    const entry = resolve(OUT, `floor-${name}.js`);
    writeFileSync(entry, floorSources[name]);
    floorPaths[name] = resolve(OUT, `floor-${name}.bundle.js`);
    bundle(entry, floorPaths[name], true);
  }
  const functionPaths = operations.map((operation) => {
    const outfile = resolve(OUT, `${operation.functionName}.js`);
    bundle(resolve(ROOT, `functions/${operation.functionName}.ts`), outfile, true);
    return outfile;
  });
  const allPaths = [floorPaths.s3, floorPaths.ec2, ...functionPaths];
  const samples = interleavedLoadTimes(allPaths);
  // Instructions of each load beyond Node's own start (an empty bundle's count), when asked for.
  let instructions: Array<number | undefined> = [];
  if (values.instructions) {
    const emptyPath = resolve(OUT, 'empty.js');
    writeFileSync(emptyPath, '');
    const nodeStart = loadInstructions(emptyPath);
    if (nodeStart === undefined) process.stdout.write('valgrind is not installed: no instruction counts.\n');
    else instructions = allPaths.map((path) => (loadInstructions(path) ?? Number.NaN) - nodeStart);
  }
  for (const [index, operation] of operations.entries()) {
    const floorIndex = operation.path.startsWith('/s3') ? 0 : 1;
    const own = samples[index + 2] ?? [];
    const floor = samples[floorIndex] ?? [];
    const ratios = own.map((ms, round) => ms / (floor[round] ?? Number.NaN));
    coldRows.push([
      operation.functionName,
      `${(statSync(functionPaths[index] as string).size / 1024).toFixed(0)} KB`,
      `${median(own).toFixed(0)} ms`,
      `${(statSync(allPaths[floorIndex] as string).size / 1024).toFixed(0)} KB`,
      `${median(floor).toFixed(0)} ms`,
      `${median(ratios).toFixed(2)}x`,
      ...(values.instructions ? instructionCells(instructions[index + 2], instructions[floorIndex]) : []),
    ]);
  }

  const table = (data: string[][]) => {
    const widths = (data[0] ?? []).map((_, i) => Math.max(...data.map((row) => (row[i] ?? '').length)));
    return data
      .map((row, r) => {
        const line = `| ${row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | ')} |`;
        return r === 0 ? `${line}\n|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|` : line;
      })
      .join('\n');
  };
  process.stdout.write(
    `\nScans (${latencyMs} ms per AWS call; median of ${repeat} runs, each in a new process, the 10,000-bucket scan once)\n` +
      '"first scan": the first request a new Lambda container serves; "warm": the same scan again in that container.\n\n' +
      `${table(rows)}\n`,
  );
  process.stdout.write(
    `\nCold start (require + client construction, median of ${loadRuns} rounds, each loading every bundle once in a fresh process)\n\n${table(coldRows)}\n`,
  );
  process.stdout.write(`\nBench finished in ${seconds(Date.now() - started)}.\n`);
}

main().catch((error: Error) => {
  process.stderr.write(`${error.stack ?? error.message}\n`);
  process.exit(1);
});
