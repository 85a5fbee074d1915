/**
 * The one test that really bundles: esbuild from node_modules (never Docker)
 * builds every function as `cdk synth` does, so a broken entry or import
 * fails `npm test`. Each bundle is minified, has a source map, loads, and
 * serves requests: esbuild keeps only the SDK code a function uses (the SDK's
 * ES modules, tree-shaken), so the bundles themselves answer real HTTP here.
 * The MCP function's bundle is split ES modules (infra/constructs/split-bundle.ts):
 * what its cold start reads is checked file by file.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { Template } from 'aws-cdk-lib/assertions';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import cdkJson from '../../cdk.json';
import { createApp } from '../../infra/app';
import { operations } from '../../openapi/operations';
import { apiGatewayEvent } from '../support/api-gateway-event';
import { type AwsHttpStub, startAwsHttpStub } from '../support/aws-http-stub';

jest.setTimeout(120_000);

const execFileAsync = promisify(execFile);

let stub: AwsHttpStub;
/** Each function's staged bundle directory, by function name. */
const bundles = new Map<string, string>();

beforeAll(async () => {
  stub = await startAwsHttpStub();
  const previousRegion = process.env.AWS_REGION;
  process.env.AWS_REGION = 'us-east-1';
  const { app, stack } = createApp({ context: cdkJson.context });
  const assembly = app.synth();
  if (previousRegion === undefined) delete process.env.AWS_REGION;
  else process.env.AWS_REGION = previousRegion;
  const resources = Template.fromStack(stack).toJSON().Resources as Record<string, { Properties: Json }>;
  for (const operation of operations) {
    const fn = stack.functions.get(operation.functionName);
    if (!fn) throw new Error(`no function ${operation.functionName}`);
    const code = resources[stack.getLogicalId(fn.node.defaultChild as never)]?.Properties.Code as {
      S3Key: string;
    };
    // The staged bundle of an S3Key `<hash>.zip` is the assembly's `asset.<hash>` directory.
    bundles.set(
      operation.functionName,
      join(assembly.directory, `asset.${code.S3Key.replace(/\.zip$/, '')}`),
    );
  }
  const mcpCode = resources[stack.getLogicalId(stack.mcp.function.node.defaultChild as never)]?.Properties
    .Code as { S3Key: string };
  bundles.set('mcp', join(assembly.directory, `asset.${mcpCode.S3Key.replace(/\.zip$/, '')}`));
});

afterAll(() => stub.close());

type Json = Record<string, unknown>;

/** The file Lambda loads for `index.handler`: index.js (CommonJS) or index.mjs (a split ES-module bundle). */
function entryFile(directory: string): string {
  return existsSync(join(directory, 'index.mjs'))
    ? join(directory, 'index.mjs')
    : join(directory, 'index.js');
}

/** The sources (from its source map) of one output file. */
function sourcesOf(file: string): string[] {
  return (JSON.parse(readFileSync(`${file}.map`, 'utf8')) as { sources: string[] }).sources;
}

/** An ES-module output file and every file it imports statically, transitively: what loading it reads. */
function staticGraph(file: string, seen = new Set<string>()): Set<string> {
  seen.add(file);
  for (const [, path] of readFileSync(file, 'utf8').matchAll(/(?:import|from)\s*"(\.\.?\/[^"]+\.mjs)"/g)) {
    const imported = join(dirname(file), path ?? '');
    if (!seen.has(imported)) staticGraph(imported, seen);
  }
  return seen;
}

/**
 * Loads a function's bundle in a fresh Node process, as Lambda does (not in Jest's sandbox, which refuses
 * the SDK's lazy `import('node:http')`), with AWS pointed at the stub, and invokes its handler once.
 */
async function invokeBundle(
  functionName: string,
  event: APIGatewayProxyEvent,
): Promise<APIGatewayProxyResult> {
  const directory = bundles.get(functionName);
  if (!directory) throw new Error(`no bundle for ${functionName}`);
  const context = {
    awsRequestId: 'bundle-aws-req',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:111122223333:function:bundle',
  };
  // Lambda's runtime requires a CommonJS entry and imports an ES-module one.
  const entry = entryFile(directory);
  const script = [
    `import(${JSON.stringify(pathToFileURL(entry).href)}).then(({ handler }) => {`,
    `const context = { ...${JSON.stringify(context)}, getRemainingTimeInMillis: () => 20000 };`,
    `return handler(${JSON.stringify(event)}, context);`,
    `}).then((reply) => process.stdout.write('\\nREPLY ' + JSON.stringify(reply)));`,
  ].join('\n');
  const { stdout } = await execFileAsync(process.execPath, ['-e', script], {
    env: {
      ...process.env,
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL: stub.url,
      AWS_ACCESS_KEY_ID: 'AKIDBUNDLETEST',
      AWS_SECRET_ACCESS_KEY: 'bundle-test',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      CHANGE_JOURNAL_TABLE: 'bundle-journal',
    },
  });
  const reply = stdout.split('\n').find((line) => line.startsWith('REPLY '));
  if (!reply) throw new Error(`${functionName} printed no reply:\n${stdout}`);
  return JSON.parse(reply.slice('REPLY '.length)) as APIGatewayProxyResult;
}

function event(method: string, path: string, query: Record<string, string> | null = null) {
  return apiGatewayEvent(method, path, { query, body: method === 'POST' ? '{"port": 70000}' : null });
}

it('bundles every function with esbuild into a minified handler with a source map', () => {
  // One per registry entry file, and the MCP function.
  expect(bundles.size).toBe(new Set(operations.map((o) => o.functionName)).size + 1);
  for (const [functionName, directory] of bundles) {
    const entry = entryFile(directory);
    expect(entry.endsWith(functionName === 'mcp' ? 'index.mjs' : 'index.js')).toBe(true);
    const files = [
      entry,
      ...(existsSync(join(directory, 'chunks'))
        ? readdirSync(join(directory, 'chunks'))
            .filter((name) => name.endsWith('.mjs'))
            .map((name) => join(directory, 'chunks', name))
        : []),
    ];
    const sources: string[] = [];
    for (const file of files) {
      expect(existsSync(`${file}.map`)).toBe(true);
      const source = readFileSync(file, 'utf8');
      // Minified: no indentation-driven line count.
      if (file === entry) expect(source.split('\n').length).toBeLessThan(statSync(file).size / 500);
      expect(source).toContain(`//# sourceMappingURL=${file.split('/').pop()}.map`);
      sources.push(...sourcesOf(file));
    }
    // The SDK clients' ES modules, which esbuild tree-shakes, never their CommonJS builds (BUNDLE_MAIN_FIELDS).
    expect(sources.filter((path) => /@aws-sdk\/client-[a-z0-9-]+\/dist-cjs\//.test(path))).toEqual([]);
    expect(sources.some((path) => /@aws-sdk\/client-[a-z0-9-]+\/dist-es\//.test(path))).toBe(true);
  }
});

it('splits the mcp bundle: loading it reads the MCP SDK and the tools, not the S3, EC2 or journal code, nor Ajv', () => {
  // Arrange
  const directory = bundles.get('mcp') ?? '';
  const everySource = (files: Iterable<string>) => [...files].flatMap(sourcesOf);

  // Act: what a cold start reads (the entry and its static imports), and what the whole bundle holds.
  const coldStart = everySource(staticGraph(entryFile(directory)));
  const chunks = readdirSync(join(directory, 'chunks')).filter((name) => name.endsWith('.mjs'));
  const whole = everySource([entryFile(directory), ...chunks.map((name) => join(directory, 'chunks', name))]);

  // Assert
  const sdkClient = (path: string) =>
    /@aws-sdk\/client-(s3|s3-control|ec2|service-quotas|dynamodb)\//.test(path);
  expect(coldStart.some((path) => path.includes('@modelcontextprotocol/sdk/'))).toBe(true);
  const has = (sources: string[], path: string) => sources.some((source) => source.endsWith(path));
  expect(has(coldStart, '/openapi/mcp-tools.ts')).toBe(true);
  expect(coldStart.filter(sdkClient)).toEqual([]);
  expect(coldStart.filter((path) => path.includes('functions/handlers/'))).toEqual([]);
  // The SDK imports Ajv for elicitation only; the bundle has this project's stand-in instead.
  expect(whole.filter((path) => /node_modules\/ajv(-formats)?\//.test(path))).toEqual([]);
  expect(has(coldStart, '/functions/shared/ajv-left-out.ts')).toBe(true);
  // The rest is there, in the chunks read on a tool's first call.
  expect(whole.filter(sdkClient).length).toBeGreaterThan(0);
  expect(has(whole, '/functions/handlers/mcp-s3-handlers.ts')).toBe(true);
  expect(has(whole, '/functions/handlers/mcp-ec2-handlers.ts')).toBe(true);
  expect(has(whole, '/functions/handlers/mcp-journal-handlers.ts')).toBe(true);
  // A first scan reads what the find-public-buckets function reads: the S3 clients and the DynamoDB client of the
  // scan snapshots (paging, reuse), not the change journal's code.
  const scanChunk = chunks
    .map((name) => join(directory, 'chunks', name))
    .find((file) => has(sourcesOf(file), '/functions/handlers/mcp-s3-handlers.ts'));
  const firstScan = everySource(staticGraph(scanChunk ?? ''));
  expect(firstScan.some((path) => path.includes('@aws-sdk/client-s3/'))).toBe(true);
  expect(firstScan.some((path) => path.includes('@aws-sdk/client-dynamodb/'))).toBe(true);
  expect(firstScan.filter((path) => path.endsWith('/functions/aws/change-journal.ts'))).toEqual([]);
});

it('the find-public-buckets bundle scans over real HTTP: lists, reads, parses AWS errors, finds the public bucket', async () => {
  // Arrange
  const calls = stub.recorded.length;

  // Act
  const reply = await invokeBundle('find-public-buckets', event('GET', '/s3/public-buckets'));

  // Assert
  expect(reply.statusCode).toBe(200);
  const body = JSON.parse(reply.body) as {
    publicCount: number;
    publicBuckets: unknown[];
    unknownBuckets: unknown[];
  };
  expect(body.publicBuckets).toEqual([
    {
      bucketName: 'stub-bucket',
      region: 'us-east-1',
      severity: 'high',
      access: 'read',
      reasons: [expect.stringContaining('AllUsers')],
      website: false,
    },
  ]);
  expect(body.unknownBuckets).toEqual([]);
  // The stub answered NoSuchBucketPolicy and NoSuchPublicAccessBlockConfiguration: parsed as "none", not failures.
  expect(stub.recorded.slice(calls).map((r) => r.url.split('&')[0])).toEqual(
    expect.arrayContaining(['/stub-bucket/?acl=', '/stub-bucket/?policyStatus=', '/stub-bucket/?website=']),
  );
});

it.each(operations.map((o) => [o.functionName, o] as const))(
  'the %s bundle validates its request and answers 400 with the API error shape',
  async (functionName, operation) => {
    // Arrange: a request each operation rejects before any AWS call (a port out of range, or a bad path value).
    const path = operation.path
      .replace('{bucketName}', 'Bad_Name!')
      .replace('{instanceId}', 'not-an-instance')
      .replace('{changeId}', 'not-a-change');
    const query = operation.method === 'get' ? { port: '70000', limit: '0' } : null;
    const calls = stub.recorded.length;

    // Act
    const reply = await invokeBundle(functionName, event(operation.method.toUpperCase(), path, query));

    // Assert
    expect(reply.statusCode).toBe(400);
    expect(JSON.parse(reply.body)).toEqual({
      error: { code: 'ValidationError', message: expect.stringMatching(/\w+ .+/) },
    });
    expect(stub.recorded.length).toBe(calls);
  },
);

it('the mcp bundle answers an MCP tool call over real HTTP with the same body as the REST function', async () => {
  // Arrange
  const message = {
    jsonrpc: '2.0',
    id: 1,
    method: 'tools/call',
    params: { name: 'findS3BucketsWithPublicAccess', arguments: {} },
  };
  const mcpEvent = apiGatewayEvent('POST', '/mcp', { body: JSON.stringify(message) });
  mcpEvent.headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

  // Act: the S3 clients and handlers load on this first call (functions/mcp.ts), inside the bundle.
  const reply = await invokeBundle('mcp', mcpEvent);
  const rest = await invokeBundle('find-public-buckets', event('GET', '/s3/public-buckets'));

  // Assert
  expect(reply.statusCode).toBe(200);
  const { result } = JSON.parse(reply.body) as { result: { isError?: boolean; structuredContent: unknown } };
  expect(result.isError).toBeFalsy();
  // Two processes, two scans (no snapshot table here): the same answer but for when each scan began.
  const { scannedAt: toolScannedAt, ...tool } = result.structuredContent as Record<string, unknown>;
  const { scannedAt: restScannedAt, ...restBody } = JSON.parse(rest.body) as Record<string, unknown>;
  expect(tool).toEqual(restBody);
  expect([typeof toolScannedAt, typeof restScannedAt]).toEqual(['string', 'string']);
  expect(result.structuredContent).toMatchObject({ publicCount: 1 });
});
