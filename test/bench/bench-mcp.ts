/**
 * The MCP part of `npm run bench` (also alone: `npm run bench -- --mcp-only`): the MCP function's cold start
 * next to the REST function serving the same operation, and a tool call next to the same REST call on the
 * local server. Issue 16 asks for the first at most 1.2x and the second at most 5 ms more (medians).
 */
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { buildSync } from 'esbuild';
import { sandboxBackend } from '../../functions/local/local-backend';
import { startLocalServer } from '../../functions/local/local-server';
import { DEFAULT_SCENARIO } from '../../functions/local/main';
import { loadScenarioFile } from '../../functions/local/sandbox/scenario';
import { BUNDLE_MAIN_FIELDS, BUNDLE_TARGET, PROJECT_ROOT } from '../../infra/constructs/exposure-function';
import { MCP_BUNDLE } from '../../infra/constructs/mcp';
import { SPLIT_BUNDLE_ENTRY_FILE, splitBundleBuildOptions } from '../../infra/constructs/split-bundle';
import { apiGatewayEvent } from '../support/api-gateway-event';
import { startAwsHttpStub } from '../support/aws-http-stub';

const ROOT = resolve(__dirname, '../..');

export interface McpBenchOptions {
  node: string;
  outDir: string;
  /** Fresh processes per cold-start measure. */
  coldRounds: number;
  /** Calls per warm measure (after a few unmeasured ones). */
  warmCalls: number;
  env: NodeJS.ProcessEnv;
}

function median(numbers: number[]): number {
  const sorted = [...numbers].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** A REST function's bundle, one CommonJS file as `cdk synth` builds it. */
function bundleEntry(name: string, outDir: string): string {
  const outfile = resolve(outDir, `${name}.js`);
  buildSync({
    entryPoints: [resolve(ROOT, `functions/${name}.ts`)],
    bundle: true,
    platform: 'node',
    target: BUNDLE_TARGET,
    format: 'cjs',
    mainFields: [...BUNDLE_MAIN_FIELDS],
    minify: true,
    outfile,
    logLevel: 'error',
  });
  return outfile;
}

/** The MCP function's bundle, split ES modules as `cdk synth` builds it (infra/constructs/split-bundle.ts). */
function bundleMcp(outDir: string): string {
  const outdir = resolve(outDir, 'mcp');
  rmSync(outdir, { recursive: true, force: true });
  buildSync({
    ...splitBundleBuildOptions(PROJECT_ROOT, resolve(ROOT, 'functions/mcp.ts'), outdir, {
      ...MCP_BUNDLE,
      mainFields: BUNDLE_MAIN_FIELDS,
      target: BUNDLE_TARGET,
    }),
    logLevel: 'error',
  });
  return resolve(outdir, SPLIT_BUNDLE_ENTRY_FILE);
}

/**
 * Milliseconds for one fresh Node process to load a bundle (require a CommonJS one, import an ES module, as
 * Lambda's runtime does) and, when an event is given, answer it: what a new Lambda container spends before
 * its first reply (less the runtime's own start, the same for both).
 */
async function coldMs(
  options: McpBenchOptions,
  bundlePath: string,
  event: unknown,
  env: NodeJS.ProcessEnv,
): Promise<number> {
  const load = bundlePath.endsWith('.mjs')
    ? `import(${JSON.stringify(pathToFileURL(bundlePath).href)})`
    : `Promise.resolve(require(${JSON.stringify(bundlePath)}))`;
  const script = [
    'const t=process.hrtime.bigint();',
    `${load}.then(({ handler }) => {`,
    'const context = { awsRequestId: "bench", invokedFunctionArn: "arn:aws:lambda:us-east-1:111122223333:function:bench", getRemainingTimeInMillis: () => 20000 };',
    `return ${event === undefined ? 'undefined' : `handler(${JSON.stringify(event)}, context)`};`,
    // A tool call that failed still answers 200: its result says isError.
    '}).then((reply) => { if (reply && (reply.statusCode !== 200 || reply.body.includes(\'"isError":true\'))) throw new Error(reply.body);',
    'process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6)); });',
  ].join('');
  // Asynchronous: the stub AWS answering the child runs in this process.
  const { stdout } = await promisify(execFile)(options.node, ['-e', script], { env, encoding: 'utf8' });
  return Number(stdout);
}

function mcpEvent(name: string, args: Record<string, unknown>) {
  const event = apiGatewayEvent('POST', '/mcp', {
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name, arguments: args } }),
  });
  event.headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
  return event;
}

/** Rows of the MCP tables: [measure, REST, MCP, MCP / REST or MCP - REST]. */
export async function runMcpBench(options: McpBenchOptions): Promise<{ cold: string[][]; warm: string[][] }> {
  const mcp = bundleMcp(options.outDir);
  const findBuckets = bundleEntry('find-public-buckets', options.outDir);
  const closePort = bundleEntry('close-open-port', options.outDir);
  const stub = await startAwsHttpStub();
  const env = {
    ...options.env,
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL: stub.url,
    AWS_ACCESS_KEY_ID: 'AKIDBENCH',
    AWS_SECRET_ACCESS_KEY: 'bench',
  };
  const pairs: Array<[string, string, unknown, unknown]> = [
    ['load only vs find-public-buckets', findBuckets, undefined, undefined],
    ['load only vs close-open-port', closePort, undefined, undefined],
    [
      'load + first findS3BucketsWithPublicAccess (stub AWS over HTTP)',
      findBuckets,
      apiGatewayEvent('GET', '/s3/public-buckets'),
      mcpEvent('findS3BucketsWithPublicAccess', {}),
    ],
  ];
  const cold: string[][] = [['cold start', 'REST function', 'MCP function', 'MCP / REST (median of rounds)']];
  try {
    for (const [label, restBundle, restEvent, toolEvent] of pairs) {
      const rest: number[] = [];
      const tool: number[] = [];
      for (let round = 0; round < options.coldRounds; round++) {
        rest.push(await coldMs(options, restBundle, restEvent, env));
        tool.push(await coldMs(options, mcp, toolEvent, env));
      }
      const ratios = tool.map((ms, round) => ms / (rest[round] ?? Number.NaN));
      cold.push([
        label,
        `${median(rest).toFixed(0)} ms`,
        `${median(tool).toFixed(0)} ms`,
        `${median(ratios).toFixed(2)}x`,
      ]);
    }
  } finally {
    await stub.close();
  }

  // Warm: the local server on the sandbox, the SDK's client over Streamable HTTP against fetch of the REST route.
  const server = await startLocalServer({
    backend: sandboxBackend(loadScenarioFile(DEFAULT_SCENARIO)),
    port: 0,
  });
  const client = new Client({ name: 'bench', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`)));
  const calls: Array<[string, string, string, Record<string, unknown>]> = [
    [
      'findEc2InstancesWithOpenPort port 22',
      '/ec2/instances-with-open-port?port=22',
      'findEc2InstancesWithOpenPort',
      { port: 22 },
    ],
    ['findS3BucketsWithPublicAccess', '/s3/public-buckets', 'findS3BucketsWithPublicAccess', {}],
  ];
  const warm: string[][] = [
    ['local server, warm', 'REST call', 'MCP tool call', 'MCP - REST (median of pairs)'],
  ];
  try {
    for (const [label, path, name, args] of calls) {
      const rest: number[] = [];
      const tool: number[] = [];
      for (let call = 0; call < options.warmCalls + 5; call++) {
        let started = performance.now();
        const reply = await fetch(`${server.url}${path}`);
        await reply.text();
        const restMs = performance.now() - started;
        started = performance.now();
        const result = await client.callTool({ name, arguments: args });
        const toolMs = performance.now() - started;
        if (result.isError) throw new Error(JSON.stringify(result.content));
        if (call < 5) continue;
        rest.push(restMs);
        tool.push(toolMs);
      }
      const differences = tool.map((ms, index) => ms - (rest[index] ?? Number.NaN));
      warm.push([
        label,
        `${median(rest).toFixed(1)} ms`,
        `${median(tool).toFixed(1)} ms`,
        `${median(differences).toFixed(1)} ms`,
      ]);
    }
  } finally {
    await client.close();
    await server.close();
  }
  return { cold, warm };
}
