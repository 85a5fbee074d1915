/**
 * A scripted run of the MCP Inspector's CLI (@modelcontextprotocol/inspector-cli) against the stdio server
 * `npm run mcp` starts: a second, independent client that lists the tools and calls one.
 */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { operations } from '../../openapi/operations';

const ROOT = resolve(__dirname, '../..');
const INSPECTOR = resolve(ROOT, 'node_modules/@modelcontextprotocol/inspector-cli/build');
const SERVER = [
  process.execPath,
  resolve(ROOT, 'node_modules/tsx/dist/cli.mjs'),
  resolve(ROOT, 'functions/local/mcp-stdio.ts'),
];

// biome-ignore lint/suspicious/noExplicitAny: the inspector's JSON output is inspected field by field
async function inspect(...args: string[]): Promise<any> {
  // The inspector finds its own package.json through `../package.json` from the working directory, so it runs
  // from its build folder (from anywhere else it fails before connecting).
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [resolve(INSPECTOR, 'index.js'), ...SERVER, ...args],
    {
      cwd: INSPECTOR,
      env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'SILENT' },
      timeout: 60_000,
    },
  );
  return JSON.parse(stdout);
}

describe('the MCP Inspector CLI against npm run mcp', () => {
  it('lists every tool', async () => {
    const reply = await inspect('--method', 'tools/list');
    expect(reply.tools.map((tool: { name: string }) => tool.name)).toEqual(
      operations.map((o) => o.operationId),
    );
  }, 60_000);

  it('calls a tool and gets its structured result', async () => {
    const reply = await inspect(
      '--method',
      'tools/call',
      '--tool-name',
      'findEc2InstancesWithOpenPort',
      '--tool-arg',
      'port=22',
    );
    expect(reply.isError).toBeFalsy();
    expect(reply.structuredContent).toMatchObject({ port: 22, protocol: 'tcp', complete: true });
    expect(reply.structuredContent.instanceCount).toBeGreaterThan(0);
  }, 60_000);
});
