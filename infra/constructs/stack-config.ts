/**
 * The stack's settings, read from CDK context (`-c name=value` or cdk.json),
 * checked once with messages that say what to set.
 */
import type { Node } from 'constructs';

export type AuthMode = 'oauth' | 'none';

export type AutomationMode = 'none' | 'iam' | 'client';
const AUTOMATION_MODES: readonly AutomationMode[] = ['none', 'iam', 'client'];

export interface StackConfig {
  /** `oauth` (default): Cognito tokens with scopes. `none`: an open API, for demos only. */
  readonly auth: AuthMode;
  /** IAM Identity Center instance for Q Business; without it the stack is the API alone. */
  readonly identityCenterInstanceArn?: string;
  /** Keep the Cognito user pool (and its users) when the stack is destroyed. */
  readonly retainUserPool: boolean;
  /**
   * How scripts reach the API without a person: `none` (default), `iam` (a second API whose methods need an IAM
   * permission made for it, granted by attaching the stack's managed policies) or `client` (a Cognito
   * client-credentials client, whose secret anyone with cognito-idp:DescribeUserPoolClient can read).
   */
  readonly automation: AutomationMode;
  /** Let automation call the POST (remediate) operations too. */
  readonly automationRemediate: boolean;
  /** Amazon Quick's OAuth redirect URL, added to the interactive client's callback URLs. */
  readonly quickRedirectUrl?: string;
  /** IAM Identity Center SAML application metadata URL: federates the Cognito user pool. */
  readonly samlMetadataUrl?: string;
  /** The user pool group whose members may remediate (default `remediators`). */
  readonly remediatorGroupName: string;
  /** With SAML federation: the SAML attribute that carries the user's group names (mapped to custom:groups). */
  readonly samlGroupsAttribute?: string;
  /** Cognito domain prefix; default `<stack name>-<8 hex digits of the stack id>`, lower case. */
  readonly cognitoDomainPrefix?: string;
  /** Reserve (and cap) each function's concurrency; off only for accounts whose Lambda limit is too low. */
  readonly reservedConcurrency: boolean;
  /** Tag key that marks resources the API must never change (explicit IAM Deny on the write roles). */
  readonly protectedTagKey: string;
  /** When set, the write roles may change resources in these Regions only. */
  readonly allowedRegions?: readonly string[];
  /** Map logged stack traces to the TypeScript sources (Node's --enable-source-maps); slows every cold start. */
  readonly sourceMapStackTraces: boolean;
  /** Keep the change journal table and the functions' audit log groups on `cdk destroy` (default: keep). */
  readonly retainAuditRecords: boolean;
  /** Days the functions' log groups (the audit records) keep their events; default a year. */
  readonly auditLogRetentionDays: number;
  /** Seconds a find's scan is kept for its later pages and for identical finds; default 300. */
  readonly scanSnapshotTtlSeconds: number;
}

/** Bounds of scanSnapshotTtlSeconds: at least a minute to page through; at most an hour, to stay current. */
export const SCAN_SNAPSHOT_TTL_SECONDS = { default: 300, min: 60, max: 3600 } as const;

/** Retention periods CloudWatch Logs accepts, in days. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** Every context key the app reads, with what it does (the README documents the same list). */
export const CONTEXT_KEYS = {
  stackName: 'stackName',
  auth: 'auth',
  identityCenterInstanceArn: 'identityCenterInstanceArn',
  retainUserPool: 'retainUserPool',
  automation: 'automation',
  automationRemediate: 'automationRemediate',
  quickRedirectUrl: 'quickRedirectUrl',
  samlMetadataUrl: 'samlMetadataUrl',
  remediatorGroup: 'remediatorGroup',
  samlGroupsAttribute: 'samlGroupsAttribute',
  cognitoDomainPrefix: 'cognitoDomainPrefix',
  sourceMapStackTraces: 'sourceMapStackTraces',
  protectedTagKey: 'protectedTagKey',
  reservedConcurrency: 'reservedConcurrency',
  allowedRegions: 'allowedRegions',
  auditRecordsRemovalPolicy: 'auditRecordsRemovalPolicy',
  auditLogRetentionDays: 'auditLogRetentionDays',
  scanSnapshotTtlSeconds: 'scanSnapshotTtlSeconds',
} as const;

export const DEFAULT_PROTECTED_TAG_KEY = 'aiops-protected';
/** The group whose members get the remediate scope, unless context remediatorGroup names another. */
export const DEFAULT_REMEDIATOR_GROUP = 'remediators';
const TAG_KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

const IDENTITY_CENTER_ARN = /^arn:aws[a-z-]*:sso:::instance\/(sso)?ins-[a-zA-Z0-9-.]{16}$/;
const DOMAIN_PREFIX = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const DOMAIN_PREFIX_MAX = 63;
/** Cognito refuses prefixes that contain these. */
const RESERVED_IN_DOMAIN_PREFIX = ['aws', 'amazon', 'cognito'] as const;

/** Length of the stack-specific suffix of the default domain prefix (see `defaultDomainPrefixStem`). */
export const DOMAIN_SUFFIX_LENGTH = 8;

/** What Cognito would refuse in a domain prefix, as the end of a sentence; undefined when it is valid. */
export function domainPrefixProblem(prefix: string): string | undefined {
  if (prefix.length > DOMAIN_PREFIX_MAX)
    return `must be at most ${DOMAIN_PREFIX_MAX} characters (it has ${prefix.length})`;
  if (!DOMAIN_PREFIX.test(prefix))
    return 'must be lower-case letters, digits and hyphens, starting and ending with a letter or digit';
  const reserved = RESERVED_IN_DOMAIN_PREFIX.find((word) => prefix.includes(word));
  if (reserved) return `must not contain "${reserved}" (Cognito reserves "aws", "amazon" and "cognito")`;
  return undefined;
}

/**
 * The part of the default Cognito domain prefix known at synth: the lower-case stack name, cut so that
 * `<stem>-<8 hex digits>` fits in 63 characters. The whole default is checked as an explicit prefix would be,
 * with a placeholder for the deploy-time suffix (hex digits cannot form a reserved word).
 */
export function defaultDomainPrefixStem(stackName: string): string {
  const stem = stackName
    .toLowerCase()
    .slice(0, DOMAIN_PREFIX_MAX - 1 - DOMAIN_SUFFIX_LENGTH)
    .replace(/-+$/, '');
  const problem = domainPrefixProblem(`${stem}-${'0'.repeat(DOMAIN_SUFFIX_LENGTH)}`);
  if (problem) {
    throw new Error(
      `The default Cognito domain prefix "${stem}-<${DOMAIN_SUFFIX_LENGTH} hex digits>", made from stack name ` +
        `"${stackName}", ${problem}. Set -c cognitoDomainPrefix=<prefix> or choose another -c stackName.`,
    );
  }
  return stem;
}

function optionalString(node: Node, key: string): string | undefined {
  const value: unknown = node.tryGetContext(key);
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string')
    throw new Error(`Context ${key} must be a string, got ${JSON.stringify(value)}.`);
  return value.trim();
}

/** Accepts true/false from cdk.json and "true"/"false" from `-c key=value`. */
function flag(node: Node, key: string): boolean {
  const value: unknown = node.tryGetContext(key);
  if (value === undefined || value === null || value === '' || value === false || value === 'false')
    return false;
  if (value === true || value === 'true') return true;
  throw new Error(`Context ${key} must be true or false, got ${JSON.stringify(value)}.`);
}

function httpsUrl(key: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`Context ${key} must be an https URL, got "${value}".`);
  }
  if (url.protocol !== 'https:') throw new Error(`Context ${key} must be an https URL, got "${value}".`);
  return value;
}

export function readStackConfig(node: Node): StackConfig {
  const auth = optionalString(node, CONTEXT_KEYS.auth) ?? 'oauth';
  if (auth !== 'oauth' && auth !== 'none') {
    throw new Error(`Context auth must be "oauth" (default) or "none", got "${auth}".`);
  }
  const identityCenterInstanceArn = optionalString(node, CONTEXT_KEYS.identityCenterInstanceArn);
  if (identityCenterInstanceArn !== undefined && !IDENTITY_CENTER_ARN.test(identityCenterInstanceArn)) {
    throw new Error(
      `Context identityCenterInstanceArn must be an IAM Identity Center instance ARN ` +
        `(arn:aws:sso:::instance/ssoins-...), got "${identityCenterInstanceArn}". ` +
        'Find it with: aws sso-admin list-instances',
    );
  }
  const cognitoDomainPrefix = optionalString(node, CONTEXT_KEYS.cognitoDomainPrefix);
  if (cognitoDomainPrefix !== undefined) {
    const problem = domainPrefixProblem(cognitoDomainPrefix);
    if (problem) throw new Error(`Context cognitoDomainPrefix ${problem}, got "${cognitoDomainPrefix}".`);
  }
  const protectedTagKey = optionalString(node, CONTEXT_KEYS.protectedTagKey) ?? DEFAULT_PROTECTED_TAG_KEY;
  if (!TAG_KEY.test(protectedTagKey) || protectedTagKey.toLowerCase().startsWith('aws:')) {
    throw new Error(
      `Context protectedTagKey must be a tag key (1-128 letters, digits, spaces and _ . : / = + - @, not starting ` +
        `with "aws:"), got "${protectedTagKey}".`,
    );
  }
  const remediatorGroupName = optionalString(node, CONTEXT_KEYS.remediatorGroup) ?? DEFAULT_REMEDIATOR_GROUP;
  // Cognito group names: 1-128 characters of \p{L}\p{M}\p{S}\p{N}\p{P} (no spaces or commas here either, so the
  // name reads the same in a mapped SAML group list).
  if (
    !/^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,128}$/u.test(remediatorGroupName) ||
    remediatorGroupName.includes(',')
  ) {
    throw new Error(
      `Context remediatorGroup must be a Cognito group name (1-128 letters, digits and punctuation, no spaces or ` +
        `commas), got "${remediatorGroupName}".`,
    );
  }
  const samlGroupsAttribute = optionalString(node, CONTEXT_KEYS.samlGroupsAttribute);
  const regionsText = optionalString(node, CONTEXT_KEYS.allowedRegions);
  const allowedRegions = regionsText?.split(',').map((region) => region.trim());
  const badRegion = allowedRegions?.find((region) => !REGION.test(region));
  if (badRegion !== undefined) {
    throw new Error(
      `Context allowedRegions must be Region codes separated by commas (us-east-1,eu-west-1), got "${badRegion}".`,
    );
  }
  const automation = optionalString(node, CONTEXT_KEYS.automation) ?? 'none';
  if (!(AUTOMATION_MODES as readonly string[]).includes(automation)) {
    throw new Error(
      `Context automation must be "none" (default), "iam" (an IAM-authorised API for scripts) or "client" ` +
        `(a Cognito client-credentials client), got "${automation}".`,
    );
  }
  const removal = optionalString(node, CONTEXT_KEYS.auditRecordsRemovalPolicy) ?? 'retain';
  if (removal !== 'retain' && removal !== 'destroy') {
    throw new Error(
      `Context auditRecordsRemovalPolicy must be "retain" (default: cdk destroy keeps the change journal and audit logs) or "destroy", got "${removal}".`,
    );
  }
  const retentionText: unknown = node.tryGetContext(CONTEXT_KEYS.auditLogRetentionDays) ?? 365;
  const auditLogRetentionDays = Number(retentionText);
  if (!(LOG_RETENTION_DAYS as readonly number[]).includes(auditLogRetentionDays)) {
    throw new Error(
      `Context auditLogRetentionDays must be a retention CloudWatch Logs accepts (${LOG_RETENTION_DAYS.join(', ')}), got ${JSON.stringify(retentionText)}.`,
    );
  }
  const ttlText: unknown =
    node.tryGetContext(CONTEXT_KEYS.scanSnapshotTtlSeconds) ?? SCAN_SNAPSHOT_TTL_SECONDS.default;
  const scanSnapshotTtlSeconds = Number(ttlText);
  if (
    !Number.isInteger(scanSnapshotTtlSeconds) ||
    scanSnapshotTtlSeconds < SCAN_SNAPSHOT_TTL_SECONDS.min ||
    scanSnapshotTtlSeconds > SCAN_SNAPSHOT_TTL_SECONDS.max
  ) {
    throw new Error(
      `Context scanSnapshotTtlSeconds must be a whole number of seconds from ${SCAN_SNAPSHOT_TTL_SECONDS.min} to ${SCAN_SNAPSHOT_TTL_SECONDS.max} (how long a find's scan is kept for paging and reuse), got ${JSON.stringify(ttlText)}.`,
    );
  }
  const config: StackConfig = {
    auth,
    scanSnapshotTtlSeconds,
    automation: automation as AutomationMode,
    protectedTagKey,
    remediatorGroupName,
    reservedConcurrency:
      node.tryGetContext(CONTEXT_KEYS.reservedConcurrency) === undefined ||
      flag(node, CONTEXT_KEYS.reservedConcurrency),
    ...(allowedRegions ? { allowedRegions } : {}),
    retainAuditRecords: removal === 'retain',
    auditLogRetentionDays,
    retainUserPool: flag(node, CONTEXT_KEYS.retainUserPool),
    automationRemediate: flag(node, CONTEXT_KEYS.automationRemediate),
    sourceMapStackTraces: flag(node, CONTEXT_KEYS.sourceMapStackTraces),
    ...(identityCenterInstanceArn ? { identityCenterInstanceArn } : {}),
    ...optionalEntry(
      'quickRedirectUrl',
      httpsUrl(CONTEXT_KEYS.quickRedirectUrl, optionalString(node, CONTEXT_KEYS.quickRedirectUrl)),
    ),
    ...optionalEntry(
      'samlMetadataUrl',
      httpsUrl(CONTEXT_KEYS.samlMetadataUrl, optionalString(node, CONTEXT_KEYS.samlMetadataUrl)),
    ),
    ...optionalEntry('cognitoDomainPrefix', cognitoDomainPrefix),
    ...optionalEntry('samlGroupsAttribute', samlGroupsAttribute),
  };
  if (samlGroupsAttribute !== undefined && config.samlMetadataUrl === undefined) {
    throw new Error(
      'Context samlGroupsAttribute needs samlMetadataUrl: only a SAML identity provider sends a group list to map.',
    );
  }
  if (auth === 'none' && identityCenterInstanceArn !== undefined) {
    throw new Error(
      'Context auth=none cannot be combined with identityCenterInstanceArn: the Q Business plugin would call an ' +
        'API that anyone on the internet can call to change S3 and security group settings. Deploy Q Business ' +
        'with auth=oauth (the default), or drop identityCenterInstanceArn for a short auth=none demo.',
    );
  }
  if (auth === 'none') {
    for (const key of ['quickRedirectUrl', 'samlMetadataUrl', 'cognitoDomainPrefix'] as const) {
      if (config[key] !== undefined)
        throw new Error(`Context ${key} needs auth=oauth: with auth=none there is no user pool.`);
    }
    if (config.retainUserPool || config.automation === 'client') {
      throw new Error(
        'Contexts retainUserPool and automation=client need auth=oauth: with auth=none there is no user pool.',
      );
    }
  }
  if (config.automationRemediate && config.automation === 'none') {
    throw new Error(
      'Context automationRemediate needs an automation path: add -c automation=iam (recommended) or ' +
        '-c automation=client.',
    );
  }
  return config;
}

function optionalEntry<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>);
}
