/**
 * The MCP server through the SDK's own client, over both transports people use: stdio against
 * `npm run mcp`'s entry in a separate Node process, and Streamable HTTP against the local server's `/mcp`.
 * Every tool is listed with the registry's name, schemas and annotations, called, and its structured
 * result checked against its own output schema; bad arguments come back as a tool error and the
 * connection keeps working. Over HTTP the results are compared with the REST routes of the same server.
 */
import { resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import Ajv from 'ajv';
import { logger } from '../../functions/shared/logger';
import { operations } from '../../openapi/operations';
import { startTestApi, type TestApi } from '../support/local-api';

const ROOT = resolve(__dirname, '../..');

/** One call per tool that succeeds on the default sandbox scenario (changes as dry runs, so both transports see the same account). */
const CALLS: Record<string, { arguments: Record<string, unknown>; rest: [string, string, unknown?] }> = {
  findS3BucketsWithPublicAccess: {
    arguments: { prefix: 'acme-', limit: 50 },
    rest: ['GET', '/s3/public-buckets?prefix=acme-&limit=50'],
  },
  removePublicAccessFromS3Bucket: {
    arguments: { bucketName: 'acme-public-acl', dryRun: true },
    rest: ['POST', '/s3/buckets/acme-public-acl/block-public-access', { dryRun: true }],
  },
  previewRemovePublicAccessFromS3Bucket: {
    arguments: { bucketName: 'acme-public-acl' },
    rest: ['GET', '/s3/buckets/acme-public-acl/block-public-access/preview'],
  },
  previewCloseUnwantedPortForEc2Instance: {
    arguments: { instanceId: 'i-0b8bfaa60ede5b648', port: 22 },
    rest: ['GET', '/ec2/instances/i-0b8bfaa60ede5b648/close-port/preview?port=22'],
  },
  findEc2InstancesWithOpenPort: {
    arguments: { port: 22 },
    rest: ['GET', '/ec2/instances-with-open-port?port=22'],
  },
  closeUnwantedPortForEc2Instance: {
    arguments: { instanceId: 'i-0b8bfaa60ede5b648', port: 22, dryRun: true },
    rest: ['POST', '/ec2/instances/i-0b8bfaa60ede5b648/close-port', { port: 22, dryRun: true }],
  },
  listChanges: { arguments: {}, rest: ['GET', '/changes'] },
  // The undo tools need a recorded change: CHANGE_ID stands for the one madeChange() makes first.
  previewUndoOfChange: {
    arguments: { changeId: 'CHANGE_ID' },
    rest: ['GET', '/changes/CHANGE_ID/undo'],
  },
  applyUndoOfChange: {
    arguments: { changeId: 'CHANGE_ID', dryRun: true },
    rest: ['POST', '/changes/CHANGE_ID/undo', { dryRun: true }],
  },
};

/** The sample call with CHANGE_ID replaced by a real recorded change's id. */
function withChangeId<T>(value: T, changeId: string): T {
  return JSON.parse(JSON.stringify(value).replaceAll('CHANGE_ID', changeId)) as T;
}

function textOf(result: CallToolResult, index = 0): string {
  const block = result.content[index];
  if (block?.type !== 'text') throw new Error(`content[${index}] is not text`);
  return block.text;
}

interface Connected {
  client: Client;
  api?: TestApi;
  close: () => Promise<void>;
}

const TRANSPORTS: Array<[string, () => Promise<Connected>]> = [
  [
    'stdio (npm run mcp)',
    async () => {
      // Exactly the client configuration docs/mcp.md gives (--silent keeps npm's banner off the protocol stream).
      const transport = new StdioClientTransport({
        command: 'npm',
        args: ['run', '--silent', '--prefix', ROOT, 'mcp'],
        cwd: ROOT,
        env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'SILENT' } as Record<string, string>,
        stderr: 'pipe',
      });
      const client = new Client({ name: 'jest', version: '1.0.0' });
      await client.connect(transport);
      return { client, close: () => client.close() };
    },
  ],
  [
    'Streamable HTTP (local server /mcp)',
    async () => {
      const api = await startTestApi();
      const client = new Client({ name: 'jest', version: '1.0.0' });
      await client.connect(new StreamableHTTPClientTransport(new URL(`${api.url}/mcp`)));
      return {
        client,
        api,
        close: async () => {
          await client.close();
          await api.close();
        },
      };
    },
  ],
];

describe.each(TRANSPORTS)('MCP over %s', (_name, connect) => {
  let connected: Connected;

  beforeAll(async () => {
    connected = await connect();
  }, 30_000);
  afterAll(() => connected.close());

  // One real change per transport (each has its own sandbox), made after the dry-run samples ran.
  let change: Promise<string> | undefined;
  const madeChange = () => {
    change ??= connected.client
      .callTool({ name: 'removePublicAccessFromS3Bucket', arguments: { bucketName: 'acme-public-acl' } })
      .then((result) => {
        const changeId = (result.structuredContent as { changeId?: unknown }).changeId;
        if (typeof changeId !== 'string') throw new Error(`no change recorded: ${JSON.stringify(result)}`);
        return changeId;
      });
    return change;
  };

  it('lists one tool per registry operation, with its title, description, schemas and annotations', async () => {
    // Act
    const { tools } = await connected.client.listTools();

    // Assert
    expect(tools.map((tool) => tool.name)).toEqual(operations.map((operation) => operation.operationId));
    for (const operation of operations) {
      const tool = tools.find((candidate) => candidate.name === operation.operationId);
      expect(tool).toMatchObject({
        title: operation.summary,
        description: expect.stringContaining(operation.description),
        inputSchema: { type: 'object', additionalProperties: false },
        outputSchema: { type: 'object', required: expect.arrayContaining(['summary']) },
        annotations: {
          readOnlyHint: operation.scope === 'read',
          destructiveHint: operation.scope !== 'read',
          idempotentHint: true,
        },
      });
    }
  });

  it.each(operations.map((operation) => [operation.operationId]))(
    'calls %s and gets structured content that its output schema accepts',
    async (name) => {
      // Arrange
      const sample = CALLS[name];
      if (!sample) throw new Error(`no sample call for ${name}`);
      const call = JSON.stringify(sample).includes('CHANGE_ID')
        ? withChangeId(sample, await madeChange())
        : sample;
      const { tools } = await connected.client.listTools();
      const tool = tools.find((candidate) => candidate.name === name);
      if (!tool?.outputSchema) throw new Error(`${name} has no output schema`);
      const validate = new Ajv({ strict: true, allErrors: true }).compile(tool.outputSchema);

      // Act
      const result = (await connected.client.callTool({ name, arguments: call.arguments })) as CallToolResult;

      // Assert
      expect(result.isError).toBeFalsy();
      expect(validate(result.structuredContent)).toBe(true);
      expect(validate.errors ?? []).toEqual([]);
      expect(JSON.parse(textOf(result))).toEqual(result.structuredContent);
      expect(result.structuredContent).toMatchObject({ summary: expect.stringMatching(/\S/) });
      if (connected.api) {
        // The same handler answers the REST route with the same body.
        const [method, path, body] = call.rest;
        const reply = await connected.api.call(method, path, body);
        expect(reply.status).toBe(200);
        // A preview's planId and expiry are signed at the time of each call; the rest is the same answer.
        // A find's REST call reuses the scan the tool call stored: the same answer, saying when it was taken.
        const {
          planId: _a,
          expiresAt: _b,
          cached: _e,
          summary: toolSummary,
          ...tool
        } = result.structuredContent as Record<string, unknown>;
        const {
          planId: _c,
          expiresAt: _d,
          cached,
          summary: restSummary,
          ...rest
        } = reply.body as Record<string, unknown>;
        expect(tool).toEqual(rest);
        if (cached === undefined) expect(restSummary).toEqual(toolSummary);
        else {
          expect(cached).toBe(true);
          expect(String(restSummary)).toContain(
            `${String(toolSummary)} These results come from a scan taken at ${String(rest.scannedAt)} (`,
          );
        }
      }
    },
  );

  it.each([
    [
      'a port out of range',
      'findEc2InstancesWithOpenPort',
      { port: 70000 },
      'Invalid arguments: port must be from 0 to 65535.',
    ],
    [
      'a missing required argument',
      'closeUnwantedPortForEc2Instance',
      { port: 22 },
      'Invalid arguments: instanceId is required in the arguments.',
    ],
    [
      // The argument schema is rebuilt from the fields, so the handler itself refuses a close that names nothing.
      'a close-port call that says neither port nor allPorts (nothing is closed)',
      'closeUnwantedPortForEc2Instance',
      { instanceId: 'i-0b8bfaa60ede5b648' },
      'Invalid request: say what to close: port (one port, e.g. 22), or allPorts: true to close every port open to the internet (keep: "80,443" leaves those open).',
    ],
    [
      'an unknown argument',
      'findS3BucketsWithPublicAccess',
      { prefix: 'acme-', force: true },
      'Invalid arguments: unknown arguments field "force": remove it.',
    ],
    [
      'a bucket name that cannot exist',
      'removePublicAccessFromS3Bucket',
      { bucketName: '-not-a-bucket', dryRun: true },
      expect.stringContaining('bucketName is not a valid S3 bucket name'),
    ],
  ])(
    'answers %s with a tool error in the API’s words, and keeps serving',
    async (_case, name, args, message) => {
      // Act
      const result = (await connected.client.callTool({ name, arguments: args })) as CallToolResult;
      const next = (await connected.client.callTool({
        name: 'findEc2InstancesWithOpenPort',
        arguments: { port: 3389 },
      })) as CallToolResult;

      // Assert
      expect(result.isError).toBe(true);
      expect(result.structuredContent).toBeUndefined();
      expect(textOf(result)).toEqual(message);
      expect(JSON.parse(textOf(result, 1))).toEqual({
        error: { code: 'ValidationError', message: textOf(result) },
      });
      expect(next.isError).toBeFalsy();
    },
  );

  it('answers a missing instance with the API’s NotFound sentence as a tool error', async () => {
    // Act
    const result = (await connected.client.callTool({
      name: 'closeUnwantedPortForEc2Instance',
      arguments: { instanceId: 'i-0123456789abcdef0', port: 22, dryRun: true },
    })) as CallToolResult;

    // Assert
    expect(result.isError).toBe(true);
    expect(JSON.parse(textOf(result, 1))).toMatchObject({
      error: { code: 'NotFound', message: textOf(result) },
    });
    expect(textOf(result)).toContain('i-0123456789abcdef0');
  });

  it('answers an unknown tool with a tool error that names the tools', async () => {
    const result = (await connected.client.callTool({
      name: 'deleteEverything',
      arguments: {},
    })) as CallToolResult;
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe(
      `No tool named "deleteEverything". The tools are: ${operations.map((o) => o.operationId).join(', ')}.`,
    );
  });
});

describe('MCP over Streamable HTTP: a real change', () => {
  let api: TestApi;
  let client: Client;

  beforeAll(async () => {
    api = await startTestApi();
    client = new Client({ name: 'jest', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${api.url}/mcp`)));
  });
  afterAll(async () => {
    await client.close();
    await api.close();
  });
  afterEach(() => jest.restoreAllMocks());

  it('writes through the same handler: audited, visible to the REST API, and a repeat changes nothing', async () => {
    // Arrange
    const info = jest.spyOn(logger, 'info');
    const call = { name: 'removePublicAccessFromS3Bucket', arguments: { bucketName: 'acme-public-acl' } };

    // Act
    const first = (await client.callTool(call)) as CallToolResult;
    const again = (await client.callTool(call)) as CallToolResult;
    const scan = await api.call('GET', '/s3/public-buckets?prefix=acme-public-acl');

    // Assert
    expect(first.structuredContent).toMatchObject({ changed: true, dryRun: false, publicAfter: false });
    expect(again.structuredContent).toMatchObject({ changed: false, undo: [] });
    expect(scan.body.publicBuckets).toEqual([]);
    const audits = info.mock.calls.filter(([message]) => message === 'audit').map(([, extra]) => extra);
    expect(audits).toEqual([
      { audit: expect.objectContaining({ operation: 'removePublicAccessFromS3Bucket', outcome: 'changed' }) },
      {
        audit: expect.objectContaining({ operation: 'removePublicAccessFromS3Bucket', outcome: 'unchanged' }),
      },
    ]);
  });

  it('refuses a browser page from another origin, and answers GET with 405', async () => {
    // Act
    const foreign = await fetch(`${api.url}/mcp`, {
      method: 'POST',
      headers: {
        origin: 'https://evil.example',
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    const get = await fetch(`${api.url}/mcp`, { headers: { accept: 'text/event-stream' } });

    // Assert
    expect(foreign.status).toBe(403);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
  });
});
