/**
 * Turns an operation's `iamActions` (from the registry) into IAM statements
 * scoped as narrowly as each action allows, and acknowledges, with the reason,
 * each cdk-nag wildcard finding that scoping leaves. An action this table does
 * not know fails synth: a new AWS call must come with a decision on its scope.
 */
import { Aws, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';

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

/**
 * Grants exactly `actions` to `role`, one statement per resource scope, and acknowledges the cdk-nag
 * wildcard findings those scopes raise on that role only.
 */
export function grantOperationActions(
  role: iam.Role,
  actions: readonly string[],
  context: GrantContext,
  guard: WriteGuard,
): void {
  const byScope = new Map<ResourceScope, string[]>();
  for (const action of new Set(actions)) {
    const scope = scopeOf(action);
    byScope.set(scope, [...(byScope.get(scope) ?? []), action]);
  }
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
  const writes = [...byScope]
    .filter(([scope]) => scope.writes)
    .flatMap(([, scoped]) => scoped)
    .sort();
  if (writes.length > 0) addWriteGuard(role, writes, guard);
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
