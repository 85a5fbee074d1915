/**
 * `npm start`: serves the API on http://127.0.0.1:3000 against the sandbox
 * account (default) or a real one (`--aws`).
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { REQUEST_DEADLINE_MS } from '../../openapi/limits';
import { exposureIntentOf } from '../domain/exposure-intent';
import { awsBackend, type LocalBackend, sandboxBackend } from './local-backend';
import { startLocalServer } from './local-server';
import { loadScenarioFile, type Scenario, type ScenarioRule } from './sandbox/scenario';

type ScenarioInstance = Scenario['ec2'][string]['instances'][number];

export const DEFAULT_SCENARIO = resolve(__dirname, 'scenarios/default.json');

const USAGE = `Usage: npm start -- [--port N] [--scenario FILE | --aws [--journal-table NAME] [--snapshot-table NAME]]
                    [--deadline-ms N]

  --port N         listen on 127.0.0.1:N (default 3000, or $PORT)
  --scenario FILE  sandbox account to simulate (default: functions/local/scenarios/default.json)
  --aws            use the real AWS account of the default credential chain and Region;
                   AWS_ENDPOINT_URL (or AWS_ENDPOINT_URL_S3, _S3_CONTROL, _EC2, _STS, _DYNAMODB) points it at LocalStack or moto
  --journal-table NAME  with --aws: the DynamoDB table of the change journal (or $CHANGE_JOURNAL_TABLE; the
                   stack output ChangeJournalTableName); without --aws the sandbox keeps the journal in memory
  --snapshot-table NAME  with --aws: the DynamoDB table the finds keep their scans in for paging (or
                   $SCAN_SNAPSHOT_TABLE); without it this process keeps them in memory
  --deadline-ms N  time limit of one request, like Lambda's timeout (default ${REQUEST_DEADLINE_MS})`;

function fail(message: string): never {
  process.stderr.write(`${message}\n\n${USAGE}\n`);
  process.exit(2);
}

/**
 * Curl lines to try, naming the served scenario's own resources: a bucket with a public-looking ACL or
 * policy that is not tagged as public on purpose (else the first bucket), and the first instance, not exposed
 * on purpose, with an internet-wide rule in an untagged group, preferring one that admits SSH (the port the
 * lines close; else that rule's port). Without a scenario (`--aws`), the lines use placeholders to replace.
 */
export function curlExamples(url: string, scenario?: Scenario): string[] {
  const buckets = scenario?.s3.buckets ?? [];
  const bucket =
    buckets.find((b) => (b.acl.length > 0 || b.policy !== null) && exposureIntentOf(b.tags) === undefined)
      ?.name ??
    buckets[0]?.name ??
    'BUCKET-NAME';
  const regions = Object.values(scenario?.ec2 ?? {});
  const internetRules = new Map(
    regions.flatMap((region) =>
      region.securityGroups
        .filter((g) => exposureIntentOf(g.tags) === undefined)
        .map(
          (g) =>
            [
              g.groupId,
              g.rules.filter((r) => !r.egress && (r.cidrIpv4 === '0.0.0.0/0' || r.cidrIpv6 === '::/0')),
            ] as const,
        ),
    ),
  );
  const openRules = (instance: ScenarioInstance) =>
    exposureIntentOf(instance.tags) === undefined
      ? instance.networkInterfaces.flatMap((eni) => eni.groupIds.flatMap((g) => internetRules.get(g) ?? []))
      : [];
  const admitsSsh = (rule: ScenarioRule) =>
    rule.ipProtocol === '-1' || (rule.ipProtocol === 'tcp' && rule.fromPort <= 22 && rule.toPort >= 22);
  const instances = regions.flatMap((region) => region.instances);
  const instance =
    instances.find((i) => openRules(i).some(admitsSsh)) ??
    instances.find((i) => openRules(i).length > 0) ??
    instances[0];
  const instanceId = instance?.instanceId ?? 'INSTANCE-ID';
  const rules = instance === undefined ? [] : openRules(instance);
  const port = rules.length === 0 || rules.some(admitsSsh) ? 22 : Math.max(0, rules[0]?.fromPort ?? 22);
  return [
    `curl -s '${url}/s3/public-buckets'`,
    `curl -s --json '{"dryRun": true}' '${url}/s3/buckets/${bucket}/block-public-access'`,
    `curl -s --json '{}' '${url}/s3/buckets/${bucket}/block-public-access'`,
    `curl -s '${url}/ec2/instances-with-open-port'`,
    `curl -s '${url}/ec2/instances-with-open-port?port=${port}'`,
    `curl -s --json '{"port": ${port}, "dryRun": true}' '${url}/ec2/instances/${instanceId}/close-port'`,
    `curl -s --json '{"port": ${port}}' '${url}/ec2/instances/${instanceId}/close-port'`,
  ];
}

async function main(): Promise<void> {
  let values: {
    port?: string;
    scenario?: string;
    aws?: boolean;
    'journal-table'?: string;
    'snapshot-table'?: string;
    'deadline-ms'?: string;
    help?: boolean;
  };
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string' },
        scenario: { type: 'string' },
        aws: { type: 'boolean' },
        'journal-table': { type: 'string' },
        'snapshot-table': { type: 'string' },
        'deadline-ms': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    fail((error as Error).message);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const port = Number(values.port ?? process.env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    fail(`--port must be a number from 0 to 65535, got "${values.port ?? process.env.PORT}".`);
  const deadlineMs = Number(values['deadline-ms'] ?? REQUEST_DEADLINE_MS);
  if (!Number.isInteger(deadlineMs) || deadlineMs <= 0)
    fail('--deadline-ms must be a positive whole number.');
  if (values.aws && values.scenario) fail('Give either --aws or --scenario, not both.');
  const journalTable = values['journal-table'] ?? process.env.CHANGE_JOURNAL_TABLE;
  if (values['journal-table'] !== undefined && !values.aws)
    fail(
      '--journal-table names a real DynamoDB table: give it with --aws (the sandbox keeps its own journal).',
    );
  if (values.aws && !journalTable)
    fail(
      'With --aws, changes are recorded in a DynamoDB table: give --journal-table NAME or set CHANGE_JOURNAL_TABLE (the stack output ChangeJournalTableName).',
    );

  let backend: LocalBackend;
  let source: string;
  if (values.aws) {
    const snapshotTable = values['snapshot-table'] ?? process.env.SCAN_SNAPSHOT_TABLE;
    backend = awsBackend({
      ...(journalTable ? { journalTable } : {}),
      ...(snapshotTable ? { snapshotTable } : {}),
    });
    source = `the AWS account of your default credentials (home Region ${backend.homeRegion}${
      process.env.AWS_ENDPOINT_URL ? `, endpoint ${process.env.AWS_ENDPOINT_URL}` : ''
    })`;
  } else {
    const file = values.scenario ? resolve(values.scenario) : DEFAULT_SCENARIO;
    try {
      backend = sandboxBackend(loadScenarioFile(file));
    } catch (error) {
      fail((error as Error).message);
    }
    source = `the sandbox account ${backend.sandbox?.scenario.accountId} from ${file} (changes last until you stop the server)`;
  }

  let running: Awaited<ReturnType<typeof startLocalServer>>;
  try {
    running = await startLocalServer({ backend, port, deadlineMs });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    fail(
      code === 'EADDRINUSE' ? `Port ${port} is in use; pick another with --port.` : (error as Error).message,
    );
  }
  process.stdout.write(
    [
      `AIOps exposure API listening on ${running.url}`,
      `Serving ${source}.`,
      '',
      'Try:',
      ...curlExamples(running.url, backend.sandbox?.scenario).map((line) => `  ${line}`),
      '',
      'Press Ctrl+C to stop.',
      '',
    ].join('\n'),
  );
  const stop = () => {
    void running.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (require.main === module) void main();
