/**
 * The stack's settings, read from CDK context (`-c name=value` or cdk.json),
 * checked once with messages that say what to set.
 */
import type { Node } from 'constructs';

export type AuthMode = 'oauth' | 'none';

export interface StackConfig {
  /** `oauth` (default): Cognito tokens with scopes. `none`: an open API, for demos only. */
  readonly auth: AuthMode;
  /** IAM Identity Center instance for Q Business; without it the stack is the API alone. */
  readonly identityCenterInstanceArn?: string;
  /** Keep the Cognito user pool (and its users) when the stack is destroyed. */
  readonly retainUserPool: boolean;
  /** Let the automation (client-credentials) client use the `remediate` scope too. */
  readonly automationRemediate: boolean;
  /** Amazon Quick's OAuth redirect URL, added to the interactive client's callback URLs. */
  readonly quickRedirectUrl?: string;
  /** IAM Identity Center SAML application metadata URL: federates the Cognito user pool. */
  readonly samlMetadataUrl?: string;
  /** Cognito domain prefix; default `<stack name>-<account id>`, lower case. */
  readonly cognitoDomainPrefix?: string;
  /** Map logged stack traces to the TypeScript sources (Node's --enable-source-maps); slows every cold start. */
  readonly sourceMapStackTraces: boolean;
  /** Keep the change journal table and the functions' audit log groups on `cdk destroy` (default: keep). */
  readonly retainAuditRecords: boolean;
  /** Days the functions' log groups (the audit records) keep their events; default a year. */
  readonly auditLogRetentionDays: number;
}

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
  automationRemediate: 'automationRemediate',
  quickRedirectUrl: 'quickRedirectUrl',
  samlMetadataUrl: 'samlMetadataUrl',
  cognitoDomainPrefix: 'cognitoDomainPrefix',
  sourceMapStackTraces: 'sourceMapStackTraces',
  auditRecordsRemovalPolicy: 'auditRecordsRemovalPolicy',
  auditLogRetentionDays: 'auditLogRetentionDays',
} as const;

const IDENTITY_CENTER_ARN = /^arn:aws[a-z-]*:sso:::instance\/(sso)?ins-[a-zA-Z0-9-.]{16}$/;
const DOMAIN_PREFIX = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

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
  if (
    cognitoDomainPrefix !== undefined &&
    (!DOMAIN_PREFIX.test(cognitoDomainPrefix) || /aws|amazon|cognito/.test(cognitoDomainPrefix))
  ) {
    throw new Error(
      `Context cognitoDomainPrefix must be lower-case letters, digits and hyphens, without "aws", "amazon" ` +
        `or "cognito", got "${cognitoDomainPrefix}".`,
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
  const config: StackConfig = {
    auth,
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
  };
  if (auth === 'none') {
    for (const key of ['quickRedirectUrl', 'samlMetadataUrl', 'cognitoDomainPrefix'] as const) {
      if (config[key] !== undefined)
        throw new Error(`Context ${key} needs auth=oauth: with auth=none there is no user pool.`);
    }
    if (config.retainUserPool || config.automationRemediate) {
      throw new Error(
        'Contexts retainUserPool and automationRemediate need auth=oauth: with auth=none there is no user pool.',
      );
    }
  }
  return config;
}

function optionalEntry<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>);
}
