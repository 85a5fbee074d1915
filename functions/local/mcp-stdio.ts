import { createWriteStream } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { createMcpServer } from '../shared/mcp-server';
import { awsBackend, type LocalBackend, sandboxBackend } from './local-backend';
import { localBindings } from './local-bindings';
import { localInvocation } from './local-mcp';
import { loadScenarioFile } from './sandbox/scenario';

const DEFAULT_SCENARIO = resolve(__dirname, 'scenarios/default.json');

const USAGE = `Usage: npm run mcp -- [--scenario FILE | --aws] [--deadline-ms N]

Serves the API's operations as MCP tools over stdio (for an MCP client to start, not to type into).

  --scenario FILE  sandbox account to simulate (default: functions/local/scenarios/default.json)
  --aws            use the real AWS account of the default credential chain and Region;
                   AWS_ENDPOINT_URL points it at LocalStack or moto
  --deadline-ms N  time limit of one tool call, like Lambda's timeout (default 28000)`;

function fail(message: string): never {
  process.stderr.write(`${message}\n\n${USAGE}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  // The protocol's own stream on fd 1, then every other write to stdout (loggers hold process.stdout) to stderr.
  const protocolOut = createWriteStream('', { fd: 1, autoClose: false });
  process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;

  let values: { scenario?: string; aws?: boolean; 'deadline-ms'?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: {
        scenario: { type: 'string' },
        aws: { type: 'boolean' },
        'deadline-ms': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    fail((error as Error).message);
  }
  if (values.help) {
    process.stderr.write(`${USAGE}\n`);
    return;
  }
  if (values.aws && values.scenario) fail('Give either --aws or --scenario, not both.');
  const deadlineMs = Number(values['deadline-ms'] ?? 28_000);
  if (!Number.isInteger(deadlineMs) || deadlineMs <= 0)
    fail('--deadline-ms must be a positive whole number.');

  let backend: LocalBackend;
  if (values.aws) {
    backend = awsBackend();
  } else {
    try {
      backend = sandboxBackend(
        loadScenarioFile(values.scenario ? resolve(values.scenario) : DEFAULT_SCENARIO),
      );
    } catch (error) {
      fail((error as Error).message);
    }
  }

  const server = createMcpServer({
    bindings: localBindings(backend),
    grantedScopes: new Set(['read', 'remediate']),
    invocation: localInvocation(deadlineMs),
  });
  const transport = new StdioServerTransport(process.stdin, protocolOut);
  transport.onclose = () => process.exit(0);
  process.stdin.on('end', () => {
    void server.close().then(() => process.exit(0));
  });
  await server.connect(transport);
  process.stderr.write(
    `AIOps exposure MCP server on stdio, serving ${
      backend.kind === 'aws'
        ? `the AWS account of your default credentials (home Region ${backend.homeRegion})`
        : `the sandbox account ${backend.sandbox?.scenario.accountId} (changes last until the client stops it)`
    }.\n`,
  );
}

if (require.main === module) void main();
