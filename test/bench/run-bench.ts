/**
 * `npm run bench`: our scans against the public sample's algorithm on the same
 * sandbox with an injected latency per AWS call, plus each function's bundle
 * size and load time against an SDK-clients-only floor. Every scenario runs in
 * its own Node process so its peak memory is its own.
 *
 *   npm run bench -- [--latency 40] [--store-latency 5] [--concurrency 64] [--repeat 3] [--load-runs 21]
 *                    [--node PATH] [--instructions] [--quick] [--mcp-only] [--ports-only]
 *
 * `--ports-only` runs just the all-ports against single-port EC2 comparison (the issue-15 target).
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildSync, type Metafile } from 'esbuild';
import { callsInFlight } from '../../functions/aws/client-config';
import { DEFAULT_CONCURRENCY } from '../../functions/shared/defaults';
import { BUNDLE_MAIN_FIELDS } from '../../infra/constructs/exposure-function';
import { operations } from '../../openapi/operations';
import { runMcpBench } from './bench-mcp';
import type { WorkerResult, WorkerTask } from './bench-worker';

const ROOT = resolve(__dirname, '../..');
const OUT = resolve(ROOT, '.tmp/bench');

const { values } = parseArgs({
  options: {
    latency: { type: 'string', default: '40' },
    // Each call to the DynamoDB snapshot store in the paging rows (single-digit ms within a Region).
    'store-latency': { type: 'string', default: '5' },
    concurrency: { type: 'string', default: String(DEFAULT_CONCURRENCY) },
    quick: { type: 'boolean', default: false },
    repeat: { type: 'string', default: '3' },
    'load-runs': { type: 'string', default: '21' },
    // Another Node binary for the scenarios and load times, e.g. Node 22 as Lambda's nodejs22.x runs:
    //   --node "$(npx -y -p node@22 -c 'command -v node')"
    node: { type: 'string', default: process.execPath },
    // Also count the instructions of each load under valgrind (callgrind): the same count on a busy machine,
    // where times swing by a third. About 2 minutes more.
    instructions: { type: 'boolean', default: false },
    // Only the MCP tables (cold start next to the REST function, tool call next to the REST call).
    'mcp-only': { type: 'boolean', default: false },
    'ports-only': { type: 'boolean', default: false },
  },
});
const latencyMs = Number(values.latency);
const storeLatencyMs = Number(values['store-latency']);
const concurrency = Number(values.concurrency);
const loadRuns = Number(values['load-runs']);
const repeat = Number(values.repeat);
const nodeBinary = values.node;
if (!Number.isFinite(latencyMs) || latencyMs < 0)
  throw new Error('--latency must be a number of milliseconds');
if (!Number.isFinite(storeLatencyMs) || storeLatencyMs < 0)
  throw new Error('--store-latency must be a number of milliseconds');
if (!Number.isInteger(concurrency) || concurrency < 1)
  throw new Error('--concurrency must be a positive whole number');
if (!Number.isInteger(repeat) || repeat < 1) throw new Error('--repeat must be a positive whole number');
if (!Number.isInteger(loadRuns) || loadRuns < 1)
  throw new Error('--load-runs must be a positive whole number');

const ENV = {
  ...process.env,
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  // The functions that change things build their journal client at load (a table name, no call is made).
  CHANGE_JOURNAL_TABLE: 'bench-journal',
};

/** What a function's module scope reads, as the stack sets it: the write functions need their table names. */
const LOAD_ENV = {
  ...ENV,
  AWS_REGION: 'us-east-1',
  POWERTOOLS_SERVICE_NAME: 'bench',
  CHANGE_JOURNAL_TABLE: 'bench-journal',
  SCAN_SNAPSHOT_TABLE: 'bench-scan-snapshots',
};

function bundle(entry: string, outfile: string, minify: boolean): Metafile {
  const result = buildSync({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    mainFields: [...BUNDLE_MAIN_FIELDS],
    minify,
    sourcemap: minify,
    outfile,
    metafile: true,
    logLevel: 'error',
  });
  return result.metafile;
}

/**
 * The floor of a function: a module that builds the same SDK clients and holds the same SDK commands (what
 * its bundle's metafile shows), and nothing else. Tree-shaken like the function, it is the least a function
 * sending those commands can load.
 */
function floorSource(metafile: Metafile): string {
  const clients = new Map<string, { client: string; commands: Set<string> }>();
  // What the bundle really holds: esbuild reads every command module, tree-shaking leaves the used ones.
  const kept = Object.values(metafile.outputs).flatMap((output) =>
    Object.entries(output.inputs)
      .filter(([, use]) => use.bytesInOutput > 0)
      .map(([input]) => input),
  );
  for (const input of kept) {
    const match =
      /node_modules\/@aws-sdk\/(client-[a-z0-9-]+)\/dist-es\/(?:commands\/(\w+Command)|(\w+Client))\.js$/.exec(
        input,
      );
    if (!match) continue;
    const [, pkg, command, client] = match as unknown as [
      string,
      string,
      string | undefined,
      string | undefined,
    ];
    const entry = clients.get(pkg) ?? { client: '', commands: new Set<string>() };
    if (client) entry.client = client;
    if (command) entry.commands.add(command);
    clients.set(pkg, entry);
  }
  const lines: string[] = [];
  const commandRefs: string[] = [];
  [...clients.entries()].forEach(([pkg, { client, commands }], index) => {
    lines.push(`import * as c${index} from '@aws-sdk/${pkg}';`);
    lines.push(`new c${index}.${client}({ region: process.env.AWS_REGION });`);
    for (const command of commands) commandRefs.push(`c${index}.${command}`);
  });
  // Kept reachable, so esbuild bundles each command (and the middleware it brings) as the function does.
  lines.push(`globalThis.floorCommands = [${commandRefs.join(', ')}];`);
  return lines.join('\n');
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
  // Regions run in parallel; inside one, each paged call waits for the one before it (the group tags are read
  // once the rules show something open).
  const regions = 17;
  const perRegion =
    (calls.DescribeInstances ?? 0) +
    (calls.DescribeSecurityGroupRules ?? 0) +
    (calls.GetManagedPrefixListEntries ?? 0) +
    (calls.DescribeTags ?? 0);
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
    env: LOAD_ENV,
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
    { env: LOAD_ENV, encoding: 'utf8' },
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

function table(data: string[][]): string {
  const widths = (data[0] ?? []).map((_, i) => Math.max(...data.map((row) => (row[i] ?? '').length)));
  return data
    .map((row, r) => {
      const line = `| ${row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | ')} |`;
      return r === 0 ? `${line}\n|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|` : line;
    })
    .join('\n');
}

/** The MCP tables (test/bench/bench-mcp.ts). */
async function printMcpBench(): Promise<void> {
  const { cold, warm } = await runMcpBench({
    node: nodeBinary,
    outDir: OUT,
    coldRounds: loadRuns,
    warmCalls: values.quick ? 20 : 60,
    env: ENV,
  });
  process.stdout.write(
    `\nMCP cold start (a fresh process requires the bundle, then answers the request if any; median of ${loadRuns} rounds)\n\n${table(cold)}\n` +
      `\nMCP tool call vs the same REST call on the local server (sandbox; median of the paired calls)\n\n${table(warm)}\n`,
  );
}

/**
 * An all-ports EC2 scan against a port-22 scan of the same account, in the same run: the calls must be
 * equal (the rules are read once either way) and the time ratio is the target (at most 1.2x).
 */
/** One every-port against one-port comparison, as table rows and the ratio line. */
async function comparePortScansOn(size: number, privateWeb: boolean): Promise<string> {
  // Warm: the median of five scans in each process. The two finds run in turns (one, every, one, every...) and
  // the ratios are taken per turn, so a machine that slows down or speeds up during the run shifts both alike.
  const base: WorkerTask = { kind: 'ec2-ours', size, latencyMs, concurrency, privateWeb, warmRuns: 5 };
  const singles: WorkerResult[] = [];
  const alls: WorkerResult[] = [];
  for (let turn = 0; turn < repeat; turn++) {
    singles.push(await runWorker(base));
    alls.push(await runWorker({ ...base, allPorts: true }));
  }
  for (const runs of [singles, alls])
    if (runs.some((run) => run.calls !== runs[0]?.calls))
      throw new Error('ec2-ours: the number of AWS calls changed between runs.');
  const medianOf = (runs: WorkerResult[]): WorkerResult => ({
    ...(runs[0] as WorkerResult),
    wallMs: median(runs.map((run) => run.wallMs)),
    warmWallMs: median(runs.map((run) => run.warmWallMs ?? Number.NaN)),
  });
  const single = medianOf(singles);
  const all = medianOf(alls);
  const turnRatio = (time: (run: WorkerResult) => number) =>
    median(alls.map((run, turn) => time(run) / time(singles[turn] as WorkerResult)));
  const firstRatio = turnRatio((run) => run.wallMs);
  const warmRatio = turnRatio((run) => run.warmWallMs ?? Number.NaN);
  const rows = [
    ['scan', 'first scan', 'warm', 'AWS calls', 'instances found'],
    ...[
      ['port 22', single],
      ['every port', all],
    ].map(([label, r]) => {
      const result = r as WorkerResult;
      return [
        label as string,
        seconds(result.wallMs),
        seconds(result.warmWallMs ?? Number.NaN),
        result.calls.toLocaleString('en-US'),
        String(result.found),
      ];
    }),
  ];
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length)));
  const lines = rows.map((row) => `| ${row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | ')} |`);
  lines.splice(1, 0, `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  const what = privateWeb
    ? '443 open to the VPC only: both finds list the same instances'
    : '443 open to the internet on 49 of 50 groups: the every-port find lists every instance';
  return (
    `\nEC2 every port vs one port (${size.toLocaleString('en-US')} instances / 17 Regions, ${what}; ${latencyMs} ms per call; median of ${repeat} turns, warm: median of 5 scans per process)\n\n` +
    `${lines.join('\n')}\n\ncalls equal: ${alls.every((run) => run.calls === single.calls) ? 'yes' : 'NO'}; time ratio (every / one, median of the ${repeat} turns): ` +
    `first ${firstRatio.toFixed(2)}x, warm ${warmRatio.toFixed(2)}x (target <= 1.2x)\n`
  );
}

/**
 * The issue-15 comparison twice: on a fleet where both finds list the same instances (the scan's own cost), and
 * on one where the every-port find lists twenty times the instances (the scan plus a twenty-times larger answer).
 */
async function comparePortScans(size: number): Promise<string> {
  return (await comparePortScansOn(size, true)) + (await comparePortScansOn(size, false));
}

async function main(): Promise<void> {
  if (values['ports-only']) {
    mkdirSync(OUT, { recursive: true });
    bundle(resolve(__dirname, 'bench-worker.ts'), resolve(OUT, 'bench-worker.js'), false);
    process.stdout.write(await comparePortScans(values.quick ? 2000 : 10_000));
    return;
  }
  mkdirSync(OUT, { recursive: true });
  const nodeVersion = execFileSync(nodeBinary, ['--version'], { encoding: 'utf8' }).trim();
  if (values['mcp-only']) {
    process.stdout.write(`Benchmark: MCP only, node ${nodeVersion}\n`);
    await printMcpBench();
    return;
  }
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
  // Paging: one scan, then every later page of its snapshot, then the same find again (no scan expected).
  const pagingRuns: WorkerResult[] = [];
  for (const kind of ['ec2-pages', 's3-pages'] as const)
    pagingRuns.push(await runWorker(task(kind, large, { storeLatencyMs })));

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
  // Each function next to its own floor: the same clients and commands, nothing else.
  const functionPaths: string[] = [];
  const floorPaths: string[] = [];
  for (const operation of operations) {
    const outfile = resolve(OUT, `${operation.functionName}.js`);
    const metafile = bundle(resolve(ROOT, `functions/${operation.functionName}.ts`), outfile, true);
    const floorEntry = resolve(OUT, `floor-${operation.functionName}.mjs`);
    writeFileSync(floorEntry, floorSource(metafile));
    const floorOut = resolve(OUT, `floor-${operation.functionName}.js`);
    bundle(floorEntry, floorOut, true);
    functionPaths.push(outfile);
    floorPaths.push(floorOut);
  }
  const allPaths = [...functionPaths, ...floorPaths];
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
  const count = operations.length;
  for (const [index, operation] of operations.entries()) {
    const own = samples[index] ?? [];
    const floor = samples[count + index] ?? [];
    const ratios = own.map((ms, round) => ms / (floor[round] ?? Number.NaN));
    coldRows.push([
      operation.functionName,
      `${(statSync(functionPaths[index] as string).size / 1024).toFixed(0)} KB`,
      `${median(own).toFixed(0)} ms`,
      `${(statSync(floorPaths[index] as string).size / 1024).toFixed(0)} KB`,
      `${median(floor).toFixed(0)} ms`,
      `${median(ratios).toFixed(2)}x`,
      ...(values.instructions ? instructionCells(instructions[index], instructions[count + index]) : []),
    ]);
  }

  process.stdout.write(
    `\nScans (${latencyMs} ms per AWS call; median of ${repeat} runs, each in a new process, the 10,000-bucket scan once)\n` +
      '"first scan": the first request a new Lambda container serves; "warm": the same scan again in that container.\n\n' +
      `${table(rows)}\n`,
  );
  const pagingRows: string[][] = [
    [
      'scenario',
      'rows listed',
      'first page (scan + store)',
      'pages 2..n: median / slowest',
      'S3/EC2 calls, pages 2..n',
      'store calls per page',
      'same find again',
      'S3/EC2 calls, same find again',
      'snapshot items (largest)',
    ],
  ];
  for (const run of pagingRuns) {
    const p = run.paging;
    if (!p) continue;
    const what =
      run.task.kind === 'ec2-pages' ? 'instances, all exposed on 22' : 'buckets, public ones listed';
    pagingRows.push([
      `${run.task.size.toLocaleString('en-US')} ${what}`,
      `${p.rows.toLocaleString('en-US')} in ${p.pages} pages of 20`,
      seconds(p.firstPageMs),
      `${p.pageMedianMs.toFixed(1)} ms / ${p.pageMaxMs.toFixed(1)} ms`,
      String(p.pageAccountCalls),
      p.storeCallsPerPage.toFixed(1),
      `${p.repeatMs.toFixed(1)} ms${p.repeatCached ? ' (cached)' : ''}`,
      String(p.repeatAccountCalls),
      `${p.snapshotItems} (${p.largestItemKb.toFixed(0)} KB)`,
    ]);
  }
  process.stdout.write(
    `\nPaging (${latencyMs} ms per S3/EC2 call, ${storeLatencyMs} ms per snapshot store call; default limit 20)\n` +
      'Later pages and a repeated identical find read the stored scan: no S3 or EC2 call.\n\n' +
      `${table(pagingRows)}\n`,
  );
  process.stdout.write(
    `\nCold start (require + client construction, median of ${loadRuns} rounds, each loading every bundle once in a fresh process)\n\n${table(coldRows)}\n`,
  );
  await printMcpBench();
  process.stdout.write(await comparePortScans(large));
  process.stdout.write(`\nBench finished in ${seconds(Date.now() - started)}.\n`);
}

main().catch((error: Error) => {
  process.stderr.write(`${error.stack ?? error.message}\n`);
  process.exit(1);
});
