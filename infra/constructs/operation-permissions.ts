/**
 * Turns an operation's `iamActions` (from the registry) into IAM statements
 * scoped as narrowly as each action allows, and acknowledges, with the reason,
 * each cdk-nag wildcard finding that scoping leaves. An action this table does
 * not know fails synth: a new AWS call must come with a decision on its scope.
 *
 * Reads go on the function's execution role. Writes go on a write role of
 * their own that only that execution role may assume, and only while setting
 * a source identity (the caller), so CloudTrail names who asked for each write.
 */
import { Aws, Duration, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';

/** Resources the stack creates that some actions are scoped to. */
export interface GrantContext {
  /** The change journal table's ARN (for dynamodb:* actions). */
  readonly journalTableArn: string;
}

interface ResourceScope {
  /** Short name, used as the statement id. */
  readonly sid: string;
  readonly matches: (action: string) => boolean;
  readonly resources: (context: GrantContext) => string[];
  /** The cdk-nag `AwsSolutions-IAM5` finding the resource raises (as cdk-nag renders it) and why it is needed. */
  readonly wildcard?: { readonly finding: string; readonly reason: string };
  /** The scope's actions change resources: they get the guard's Deny statements. */
  readonly writes?: boolean;
}

/** Limits on what the write actions may touch, beyond what the Allow statements name. */
export interface WriteGuard {
  /** Resources carrying this tag key (any value) are never changed by the API. */
  readonly protectedTagKey: string;
  /** When set, writes outside these Regions are denied. */
  readonly allowedRegions?: readonly string[];
}

const SCOPES: readonly ResourceScope[] = [
  {
    // Writes record changes (PutItem, UpdateItem); history reads them (GetItem, Query). One table, no wildcard.
    sid: 'ChangeJournal',
    matches: (action) => /^dynamodb:(GetItem|PutItem|UpdateItem|Query)$/.test(action),
    resources: (context) => [context.journalTableArn],
  },
  {
    sid: 'AccountLevelS3',
    matches: (action) => action === 's3:ListAllMyBuckets' || action === 's3:GetAccountPublicAccessBlock',
    resources: () => ['*'],
    wildcard: {
      finding: 'Resource::*',
      reason:
        's3:ListAllMyBuckets and s3:GetAccountPublicAccessBlock have no resource type in IAM: they only accept "*".',
    },
  },
  {
    sid: 'BucketLevelS3Reads',
    matches: (action) => /^s3:GetBucket[A-Za-z]+$/.test(action),
    resources: () => [`arn:${Aws.PARTITION}:s3:::*`],
    wildcard: {
      finding: 'Resource::arn:<AWS::Partition>:s3:::*',
      reason:
        'The operation checks or fixes any bucket of the account, named by the caller or found by ListBuckets, so ' +
        'bucket names are unknown at deploy time; the ARN pattern matches buckets only, never objects.',
    },
  },
  {
    sid: 'BucketLevelS3Writes',
    matches: (action) => /^s3:PutBucket[A-Za-z]+$/.test(action),
    resources: () => [`arn:${Aws.PARTITION}:s3:::*`],
    writes: true,
    wildcard: {
      finding: 'Resource::arn:<AWS::Partition>:s3:::*',
      reason:
        'The bucket to protect is named by the caller at run time, so bucket names are unknown at deploy time; ' +
        'the ARN pattern matches buckets only, never objects, and buckets tagged as protected are denied.',
    },
  },
  {
    sid: 'Ec2Reads',
    matches: (action) => /^ec2:(Describe[A-Za-z]+|GetManagedPrefixListEntries)$/.test(action),
    resources: () => ['*'],
    wildcard: {
      finding: 'Resource::*',
      reason:
        'EC2 Describe* calls support no resource-level permissions, and GetManagedPrefixListEntries must read ' +
        'AWS-managed prefix lists that other accounts own; all of them are read-only.',
    },
  },
  {
    sid: 'RulesPerGroupQuota',
    matches: (action) => action === 'servicequotas:GetServiceQuota',
    resources: () => [`arn:${Aws.PARTITION}:servicequotas:*:${Aws.ACCOUNT_ID}:vpc/L-0EA8095F`],
    wildcard: {
      finding: 'Resource::arn:<AWS::Partition>:servicequotas:*:<AWS::AccountId>:vpc/L-0EA8095F',
      reason:
        'Closing a port reads the "Inbound or outbound rules per security group" quota (vpc/L-0EA8095F) of the ' +
        'Region the instance is in, which can be any enabled Region; the ARN names that one quota only.',
    },
  },
  {
    sid: 'SecurityGroupIngressWrites',
    matches: (action) => /^ec2:(Authorize|Revoke)SecurityGroupIngress$/.test(action),
    resources: () => [`arn:${Aws.PARTITION}:ec2:*:${Aws.ACCOUNT_ID}:security-group/*`],
    writes: true,
    wildcard: {
      finding: 'Resource::arn:<AWS::Partition>:ec2:*:<AWS::AccountId>:security-group/*',
      reason:
        'The port to close can be on any instance of the account in any enabled Region, so any of its security ' +
        'groups may need a rule revoked (or re-added for the other ports); limited to security groups of this account.',
    },
  },
];

/**
 * Reads the write path itself makes with the write role's credentials: closing a port re-reads a group's
 * rules mid-write to find the ids of rules it just added or to tell a raced revoke from a failed one.
 */
const WRITE_PATH_READS: Record<string, readonly string[]> = {
  SecurityGroupIngressWrites: ['ec2:DescribeSecurityGroupRules'],
};

/** What a function must offer to be granted its operations' actions. */
export interface GrantedFunction extends Construct {
  readonly executionRole: iam.Role;
  writeRole?: iam.Role;
  addEnvironment(key: string, value: string): unknown;
}

/** The environment variable that hands a write function its write role. */
export const WRITE_ROLE_ENV = 'WRITE_ROLE_ARN';

function scopeOf(action: string): ResourceScope {
  const scope = SCOPES.find((candidate) => candidate.matches(action));
  if (!scope) {
    throw new Error(
      `No IAM resource scope is defined for ${action}. Add one to infra/constructs/operation-permissions.ts ` +
        '(as narrow as the action allows) before granting it to a function.',
    );
  }
  return scope;
}

/** Groups actions by resource scope (a scope's actions in the order first seen). */
function byResourceScope(actions: Iterable<string>): Map<ResourceScope, string[]> {
  const byScope = new Map<ResourceScope, string[]>();
  for (const action of new Set(actions)) {
    const scope = scopeOf(action);
    byScope.set(scope, [...(byScope.get(scope) ?? []), action]);
  }
  return byScope;
}

/** One statement per resource scope on `role`, and the cdk-nag wildcard findings acknowledged on it. */
function addScopedStatements(
  role: iam.Role,
  byScope: Map<ResourceScope, string[]>,
  context: GrantContext,
): void {
  const reasons = new Map<string, string[]>();
  for (const [scope, scopedActions] of byScope) {
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: scope.sid,
        actions: [...scopedActions].sort(),
        resources: scope.resources(context),
      }),
    );
    if (!scope.wildcard) continue;
    reasons.set(scope.wildcard.finding, [
      ...(reasons.get(scope.wildcard.finding) ?? []),
      scope.wildcard.reason,
    ]);
  }
  for (const [finding, why] of reasons) {
    Validations.of(role).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason: why.join(' ') });
  }
}

/**
 * Grants the registry's `snapshotActions` on the scan snapshot table only (one statement, no wildcard): a
 * find stores and reads its scans there, a write marks them out of date; nothing here reaches the journal.
 */
export function grantScanSnapshotActions(role: iam.Role, actions: readonly string[], tableArn: string): void {
  const unique = [...new Set(actions)].sort();
  if (unique.length === 0) return;
  const unknown = unique.filter((action) => !/^dynamodb:(BatchGetItem|GetItem|PutItem)$/.test(action));
  if (unknown.length > 0)
    throw new Error(
      `snapshotActions ${unknown.join(', ')} are not scan snapshot reads or writes; decide their scope in infra/constructs/operation-permissions.ts.`,
    );
  role.addToPolicy(new iam.PolicyStatement({ sid: 'ScanSnapshots', actions: unique, resources: [tableArn] }));
}

/**
 * Grants exactly `actions`: the reads to the function's execution role, the writes (with the reads the write
 * path makes) to a write role the function assumes per request with the caller as source identity, whose
 * ARN the function gets in `WRITE_ROLE_ARN`. Returns the write role, or undefined when nothing is written.
 */
export function grantOperationActions(
  fn: GrantedFunction,
  actions: readonly string[],
  context: GrantContext,
  guard: WriteGuard,
): iam.Role | undefined {
  const byScope = byResourceScope(actions);
  const reads = new Map([...byScope].filter(([scope]) => !scope.writes));
  const writes = new Map([...byScope].filter(([scope]) => scope.writes));
  if (reads.size > 0) addScopedStatements(fn.executionRole, reads, context);
  if (writes.size === 0) return undefined;

  const writeRole = writeRoleFor(fn);
  const writeActions = [...writes.values()].flat().sort();
  const writePathReads = [...writes.keys()].flatMap((scope) => WRITE_PATH_READS[scope.sid] ?? []);
  addScopedStatements(writeRole, byResourceScope([...writeActions, ...writePathReads]), context);
  addWriteGuard(writeRole, writeActions, guard);
  return writeRole;
}

/**
 * The role a function's writes run under. Its trust policy names only that function's execution role, for
 * sts:AssumeRole together with sts:SetSourceIdentity: without a source identity there is no session. The
 * execution role may assume it, and nothing else may.
 */
function writeRoleFor(fn: GrantedFunction): iam.Role {
  const scope = fn.node.scope as Construct;
  const writeRole = new iam.Role(scope, `${fn.node.id}WriteRole`, {
    assumedBy: fn.executionRole,
    description: `Makes the AWS writes of ${fn.node.path}, assumed per request with the caller as source identity.`,
    // Role chaining caps sessions at an hour anyway; the function asks for the shortest one.
    maxSessionDuration: Duration.hours(1),
  });
  // One trust statement, both actions: CDK's principals add sts:AssumeRole only.
  (writeRole.node.defaultChild as iam.CfnRole).addPropertyOverride(
    'AssumeRolePolicyDocument.Statement.0.Action',
    ['sts:AssumeRole', 'sts:SetSourceIdentity'],
  );
  fn.executionRole.addToPolicy(
    new iam.PolicyStatement({
      sid: 'AssumeWriteRoleAsCaller',
      actions: ['sts:AssumeRole', 'sts:SetSourceIdentity'],
      resources: [writeRole.roleArn],
    }),
  );
  fn.addEnvironment(WRITE_ROLE_ENV, writeRole.roleArn);
  fn.writeRole = writeRole;
  return writeRole;
}

/**
 * Explicit Denies that win over the Allows above. IAM evaluates `aws:ResourceTag` on security groups always, and
 * on S3 general purpose buckets only once ABAC is enabled on the bucket (docs/deploy.md, "Write roles").
 */
function addWriteGuard(role: iam.Role, writes: readonly string[], guard: WriteGuard): void {
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: 'DenyWritesToProtectedResources',
      effect: iam.Effect.DENY,
      actions: [...writes],
      resources: ['*'],
      conditions: { Null: { [`aws:ResourceTag/${guard.protectedTagKey}`]: 'false' } },
    }),
  );
  if (guard.allowedRegions && guard.allowedRegions.length > 0) {
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'DenyWritesOutsideAllowedRegions',
        effect: iam.Effect.DENY,
        actions: [...writes],
        resources: ['*'],
        conditions: { StringNotEquals: { 'aws:RequestedRegion': [...guard.allowedRegions] } },
      }),
    );
  }
}
