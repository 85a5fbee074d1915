/**
 * The local server's backend: the sandbox account (default) or a real AWS
 * account through the default credential chain (`--aws`, honouring
 * AWS_ENDPOINT_URL for LocalStack or moto). Either way the handlers get the
 * same SDK clients and adapters as in Lambda.
 */
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentityProvider, DeserializeHandlerOutput } from '@smithy/types';
import {
  assumedWriteClients,
  createAssumedWriteRole,
  directWriteClients,
  type WriteClients,
} from '../aws/assumed-write-role';
import { createChangeJournal, createJournalClient } from '../aws/change-journal';
import { type AwsClientSettings, type ClientAttachment, defaultClientSettings } from '../aws/client-config';
import { createEc2Clients } from '../aws/ec2-clients';
import { createS3Clients } from '../aws/s3-clients';
import { createScanSnapshotStore, scopeOfTarget } from '../aws/scan-snapshot-store';
import { createServiceQuotasClients, readRulesPerGroupQuota } from '../aws/service-quotas';
import { createStsClient } from '../aws/sts-clients';
import type { JournalDeps, UndoDeps } from '../handlers/change-deps';
import type { Ec2OperationDeps } from '../handlers/ec2-deps';
import { DEFAULT_SNAPSHOT_TTL_MS, type ScanSnapshotDeps } from '../handlers/paged-scan';
import type { S3OperationDeps } from '../handlers/s3-deps';
import {
  DEFAULT_CONCURRENCY,
  DEFAULT_PROTECTED_TAG_KEY,
  DEFAULT_REMEDIATOR_GROUP,
  DEFAULT_TIME_RESERVE_MS,
} from '../shared/defaults';
import { inMemoryPlanSigning, type PlanSigning } from '../shared/plan-signing';
import { newPlanKey } from '../shared/plan-token';
import { SandboxAccount } from './sandbox/sandbox-account';
import { SandboxTables } from './sandbox/sandbox-dynamodb';
import type { Scenario } from './sandbox/scenario';

export interface LocalBackend {
  kind: 'sandbox' | 'aws';
  settings: AwsClientSettings;
  homeRegion: string;
  sandbox: SandboxAccount | undefined;
  s3: S3OperationDeps;
  ec2: Ec2OperationDeps;
  /** The change journal: the sandbox's embedded table, or a real table with --aws. */
  journal: JournalDeps;
  undo: UndoDeps;
}

/** The journal table the sandbox answers for (any name works there; this one shows in the records). */
export const SANDBOX_JOURNAL_TABLE = 'sandbox-change-journal';
/** The scan snapshot table the sandbox answers for. */
export const SANDBOX_SNAPSHOT_TABLE = 'sandbox-scan-snapshots';

export interface LocalBackendOptions {
  concurrency?: number;
  /** DynamoDB table of the change journal (`--aws`: required to make changes; the sandbox has its own). */
  journalTable?: string;
  /** DynamoDB table of the scan snapshots (`--aws`: defaults to SCAN_SNAPSHOT_TABLE; the sandbox has its own). */
  snapshotTable?: string;
  /** How long a scan is kept for paging and reuse (default 5 minutes). */
  snapshotTtlMs?: number;
  /** Milliseconds kept before the local deadline to answer. */
  timeReserveMs?: number;
  /** Signs and checks planIds; default: a key made for this backend, and the real clock. */
  plans?: PlanSigning;
  /**
   * The role writes assume with the caller as source identity, as in Lambda. The sandbox always has one (its
   * STS answers AssumeRole); with `--aws` it is WRITE_ROLE_ARN, and without it writes use your own credentials
   * (the documented local bypass: docs/deploy.md, "Write roles").
   */
  writeRoleArn?: string;
}

/** The role the sandbox account's writes must be made under (its STS issues sessions for it). */
export function sandboxWriteRoleArn(accountId: string): string {
  return `arn:aws:iam::${accountId}:role/aiops-sandbox-write`;
}

/** A DynamoDB client answered in memory by the sandbox's tables, with the SDK's own stack above them. */
function embeddedDynamoDb(settings: AwsClientSettings, region: string) {
  const tables = new SandboxTables();
  const attachment: ClientAttachment = (stack) => {
    stack.add(
      (_next, context) => async (args) => {
        const command = String(context.commandName ?? 'Unknown').replace(/Command$/, '');
        const output = structuredClone(tables.handle(command, args.input as Record<string, unknown>));
        return {
          output: { ...output, $metadata: { httpStatusCode: 200, requestId: 'embedded' } },
          response: { statusCode: 200, headers: {} },
        } as DeserializeHandlerOutput<object>;
      },
      { step: 'deserialize', priority: 'high', name: 'embeddedTables' },
    );
  };
  return createJournalClient({ ...settings, attachments: [...settings.attachments, attachment] }, region);
}

/** A backend bound to a simulated account. Its clients carry fake credentials and never open a socket. */
export function sandboxBackend(scenario: Scenario, options: LocalBackendOptions = {}): LocalBackend {
  const sandbox = new SandboxAccount(scenario);
  sandbox.writeRoleArn = sandboxWriteRoleArn(scenario.accountId);
  const settings = defaultClientSettings({
    concurrency: options.concurrency ?? DEFAULT_CONCURRENCY,
    credentials: { accessKeyId: 'SANDBOXACCESSKEY', secretAccessKey: 'sandbox-secret' },
    endpoints: {},
    attachments: [sandbox.attachment],
  });
  return buildBackend('sandbox', settings, scenario.homeRegion, sandbox, {
    writeRoleArn: sandboxWriteRoleArn(scenario.accountId),
    ...options,
    journalTable: options.journalTable ?? SANDBOX_JOURNAL_TABLE,
    snapshotTable: options.snapshotTable ?? SANDBOX_SNAPSHOT_TABLE,
  });
}

/** A backend bound to the real default credential chain and Region (or an emulator via AWS_ENDPOINT_URL). */
export function awsBackend(
  options: LocalBackendOptions & { region?: string; settings?: Partial<AwsClientSettings> } = {},
) {
  const region = options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
  const settings = defaultClientSettings({
    concurrency: options.concurrency ?? DEFAULT_CONCURRENCY,
    ...options.settings,
  });
  const writeRoleArn = options.writeRoleArn ?? (process.env.WRITE_ROLE_ARN || undefined);
  return buildBackend('aws', settings, region, undefined, {
    ...options,
    ...(writeRoleArn ? { writeRoleArn } : {}),
  });
}

function buildBackend(
  kind: LocalBackend['kind'],
  settings: AwsClientSettings,
  homeRegion: string,
  sandbox: SandboxAccount | undefined,
  options: LocalBackendOptions,
): LocalBackend {
  const sts = createStsClient(settings, homeRegion);
  let accountId: Promise<string> | undefined;
  const resolveAccountId = () => {
    const fromEnv = process.env.AWS_ACCOUNT_ID;
    if (fromEnv && kind === 'aws') return Promise.resolve(fromEnv);
    accountId ??= sts.send(new GetCallerIdentityCommand({})).then((out) => {
      if (!out.Account) throw new Error('STS GetCallerIdentity returned no account id.');
      return out.Account;
    });
    // A failed look-up is retried on the next request instead of being cached.
    accountId.catch(() => {
      accountId = undefined;
    });
    return accountId;
  };
  const s3Clients = createS3Clients(settings);
  const ec2Clients = createEc2Clients(settings);
  const dynamodb = createJournalClient(settings, homeRegion);
  const snapshotTable = options.snapshotTable ?? process.env.SCAN_SNAPSHOT_TABLE;
  // Against a real account without a snapshot table, the scans are kept in this process (they only serve it).
  const snapshotStore =
    snapshotTable === undefined && kind === 'aws'
      ? createScanSnapshotStore(embeddedDynamoDb(settings, homeRegion), SANDBOX_SNAPSHOT_TABLE)
      : createScanSnapshotStore(dynamodb, snapshotTable ?? SANDBOX_SNAPSHOT_TABLE);
  const journal: JournalDeps = {
    journal: createChangeJournal(
      dynamodb,
      options.journalTable ?? process.env.CHANGE_JOURNAL_TABLE ?? SANDBOX_JOURNAL_TABLE,
    ),
    now: () => new Date(),
    invalidateScans: (target, at) => snapshotStore.markStale(scopeOfTarget(target), at),
    resolveAccountId,
  };
  const serviceQuotas = createServiceQuotasClients(settings);
  // A key per process: a planId from a previous run (or another server) is refused as not issued here.
  const plans = options.plans ?? inMemoryPlanSigning(newPlanKey());
  const snapshots: ScanSnapshotDeps = {
    store: snapshotStore,
    signing: plans,
    ttlMs: options.snapshotTtlMs ?? DEFAULT_SNAPSHOT_TTL_MS,
    resolveAccountId,
  };
  const role = options.writeRoleArn ? createAssumedWriteRole(sts, options.writeRoleArn) : undefined;
  // The same path as Lambda: clients with the assumed role's credentials, one per caller and Region.
  const writes = <T>(
    own: (region: string) => T,
    build: (credentials: AwsCredentialIdentityProvider) => (region: string) => T,
  ): WriteClients<T> => (role ? assumedWriteClients(role, build) : directWriteClients(own));
  const writeS3 = writes(s3Clients.s3, (credentials) => createS3Clients({ ...settings, credentials }).s3);
  const writeS3Control = writes(
    s3Clients.s3control,
    (credentials) => createS3Clients({ ...settings, credentials }).s3control,
  );
  const writeEc2 = writes(ec2Clients, (credentials) => createEc2Clients({ ...settings, credentials }));
  const protectedTagKey = process.env.PROTECTED_TAG_KEY || DEFAULT_PROTECTED_TAG_KEY;
  return {
    kind,
    settings,
    homeRegion,
    sandbox,
    journal,
    undo: {
      ...journal,
      s3: s3Clients.s3,
      s3control: s3Clients.s3control,
      ec2: ec2Clients,
      plans,
      writeS3,
      writeS3Control,
      writeEc2,
      protectedTagKey,
      remediatorGroup: DEFAULT_REMEDIATOR_GROUP,
    },
    s3: {
      clients: s3Clients,
      writeS3,
      writeS3Control,
      protectedTagKey,
      remediatorGroup: DEFAULT_REMEDIATOR_GROUP,
      homeRegion,
      concurrency: settings.concurrency,
      timeReserveMs: options.timeReserveMs ?? DEFAULT_TIME_RESERVE_MS,
      resolveAccountId,
      plans,
      snapshots,
    },
    ec2: {
      ec2: ec2Clients,
      writeEc2,
      remediatorGroup: DEFAULT_REMEDIATOR_GROUP,
      homeRegion,
      concurrency: settings.concurrency,
      timeReserveMs: options.timeReserveMs ?? DEFAULT_TIME_RESERVE_MS,
      rulesPerGroupQuota: (region) => readRulesPerGroupQuota(serviceQuotas(region)),
      plans,
      snapshots,
    },
  };
}
