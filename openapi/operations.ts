/**
 * The operation registry: the one place that defines each operation (path,
 * method, operationId, schemas, descriptions). The Lambda routers, the local
 * server, request validation, the OpenAPI document and the API Gateway routes
 * are all derived from it.
 */
import type { ZodMiniObject } from 'zod/mini';
import {
  accountBlockSchemas,
  blockPublicAccessSchemas,
  closePortSchemas,
  findBucketsSchemas,
  findInstancesSchemas,
  listChangesSchemas,
  onFirstUse,
  undoChangeSchemas,
} from './schemas';

export type HttpMethod = 'get' | 'post';
/** OAuth scope a caller needs: reads need `read`, writes need `remediate`. */
export type OperationScope = 'read' | 'remediate';

export interface OperationDefinition<
  Q extends ZodMiniObject | undefined = ZodMiniObject | undefined,
  P extends ZodMiniObject | undefined = ZodMiniObject | undefined,
  B extends ZodMiniObject | undefined = ZodMiniObject | undefined,
  R extends ZodMiniObject = ZodMiniObject,
> {
  operationId: string;
  method: HttpMethod;
  /** OpenAPI path template, e.g. `/s3/buckets/{bucketName}/block-public-access`. */
  path: string;
  summary: string;
  description: string;
  scope: OperationScope;
  /** Short name of the Lambda function that serves it: its entry file is `functions/<functionName>.ts`. */
  functionName: string;
  /**
   * Every IAM action the function calls, and nothing else (least privilege). The stack grants exactly these;
   * a test checks them against the AWS calls the handler makes on the sandbox.
   */
  iamActions: readonly string[];
  /** Signs (a preview) or checks (a write) planIds: its function reads the stack's plan key. */
  usesPlanKey?: true;
  /**
   * DynamoDB actions on the scan snapshot table, which holds nothing but copies of scans for a few minutes:
   * the finds store and read their scans there (paging, reuse); the writes mark them out of date. Granted on
   * that table only, apart from `iamActions` (the account's resources and the change journal).
   */
  snapshotActions?: readonly string[];
  request: { query: Q; params: P; body: B };
  response: R;
  /** Error statuses documented for this operation besides the shared ones. */
  errorStatuses: readonly number[];
}

/** An operation as written below: its schemas come from a function, called the first time they are read. */
type OperationSpec<
  Q extends ZodMiniObject | undefined,
  P extends ZodMiniObject | undefined,
  B extends ZodMiniObject | undefined,
  R extends ZodMiniObject,
> = Omit<OperationDefinition<Q, P, B, R>, 'request' | 'response'> & {
  schemas: () => Pick<OperationDefinition<Q, P, B, R>, 'request' | 'response'>;
};

/**
 * An operation whose `request` and `response` schemas are built the first time either is read: a Lambda
 * reads only its own operation's, so it never builds the other operations' schemas at cold start.
 */
function defineOperation<
  Q extends ZodMiniObject | undefined,
  P extends ZodMiniObject | undefined,
  B extends ZodMiniObject | undefined,
  R extends ZodMiniObject,
>(spec: OperationSpec<Q, P, B, R>): OperationDefinition<Q, P, B, R> {
  const { schemas, ...definition } = spec;
  const built = onFirstUse(schemas);
  return {
    ...definition,
    get request() {
      return built().request;
    },
    get response() {
      return built().response;
    },
  };
}

export const findS3BucketsWithPublicAccess = defineOperation({
  operationId: 'findS3BucketsWithPublicAccess',
  method: 'get',
  path: '/s3/public-buckets',
  summary: 'Find S3 buckets that are publicly accessible',
  description: [
    'Use this to find which S3 buckets in the AWS account anyone on the internet can read or write,',
    'for example "Do I have any public S3 buckets?" or "Which buckets starting with prod- are public?".',
    'It checks every bucket (or those whose name starts with prefix) in every Region, combining account- and',
    'bucket-level Block Public Access, bucket ACLs and bucket policies the way AWS defines "public".',
    'It returns the public buckets with the reason (the ACL grant or the policy statement) and Region,',
    'buckets whose public grants are neutralised by Block Public Access today (latent), and buckets that could',
    'not be checked (unknown: never assume these are private). Read-only: it changes nothing.',
  ].join(' '),
  scope: 'read',
  functionName: 'find-public-buckets',
  iamActions: [
    's3:ListAllMyBuckets',
    's3:GetBucketLocation',
    's3:GetAccountPublicAccessBlock',
    's3:GetBucketPublicAccessBlock',
    's3:GetBucketAcl',
    's3:GetBucketPolicyStatus',
    's3:GetBucketPolicy',
    's3:GetBucketWebsite',
    // Asked only of public buckets, for the intended-exposure tags.
    's3:GetBucketTagging',
  ],
  // Signs nextTokens with a key derived from the plan key.
  usesPlanKey: true,
  snapshotActions: ['dynamodb:BatchGetItem', 'dynamodb:PutItem'],
  schemas: () => {
    const { query, response } = findBucketsSchemas();
    return { request: { query, params: undefined, body: undefined }, response };
  },
  errorStatuses: [400, 502],
});

/**
 * What blocking one bucket reads, in its preview and in the write alike, so that the preview shows exactly what
 * the write would do.
 */
const BUCKET_BLOCK_READS = [
  's3:ListAllMyBuckets',
  's3:GetAccountPublicAccessBlock',
  's3:GetBucketPublicAccessBlock',
  's3:GetBucketWebsite',
  's3:GetBucketTagging',
  // Whether the bucket is public before and what stays latent after: its ACL and policy.
  's3:GetBucketAcl',
  's3:GetBucketPolicyStatus',
  's3:GetBucketPolicy',
] as const;

export const removePublicAccessFromS3Bucket = defineOperation({
  operationId: 'removePublicAccessFromS3Bucket',
  method: 'post',
  path: '/s3/buckets/{bucketName}/block-public-access',
  summary: 'Block all public access to one S3 bucket',
  description: [
    'Use this when the user asks to make a bucket private, e.g. "Block public access on prod-assets".',
    'It turns on all four Block Public Access flags on that bucket (BlockPublicAcls, IgnorePublicAcls,',
    'BlockPublicPolicy, RestrictPublicBuckets); it does not edit the bucket policy or ACL.',
    'It returns the flags before and after, whether the bucket is still public, warnings (a static website',
    'on the bucket stops working) and the exact AWS CLI commands that undo the change.',
    'With an assistant: first call previewRemovePublicAccessFromS3Bucket, show the user its summary, and call this',
    'with its planId only after the user agrees; the call then applies exactly that preview or nothing.',
    'Without planId (scripts), set dryRun to true to see the change without making it. Calling it again changes nothing.',
  ].join(' '),
  scope: 'remediate',
  functionName: 'block-bucket-public-access',
  usesPlanKey: true,
  iamActions: [
    ...BUCKET_BLOCK_READS,
    's3:PutBucketPublicAccessBlock',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
  ],
  // Marks the stored scans of the changed service out of date, so no find serves what this changed.
  snapshotActions: ['dynamodb:PutItem'],
  schemas: () => {
    const { params, body, response } = blockPublicAccessSchemas();
    return { request: { query: undefined, params, body }, response };
  },
  errorStatuses: [400, 404, 409, 502],
});

export const previewRemovePublicAccessFromS3Bucket = defineOperation({
  operationId: 'previewRemovePublicAccessFromS3Bucket',
  method: 'get',
  path: '/s3/buckets/{bucketName}/block-public-access/preview',
  summary: 'Preview blocking public access to one S3 bucket (changes nothing)',
  description: [
    'Use this when the user asks to make a bucket private, e.g. "Block public access on prod-assets", before',
    'removePublicAccessFromS3Bucket.',
    'It changes nothing: it returns exactly what removePublicAccessFromS3Bucket would do (the flags before and after,',
    'whether the bucket stays public, a static website that would stop answering, the undo commands) and a planId.',
    'Show the user the summary; only if they agree, call removePublicAccessFromS3Bucket with this planId.',
  ].join(' '),
  scope: 'read',
  // Served by the read function: the preview runs without any permission to write.
  functionName: 'find-public-buckets',
  usesPlanKey: true,
  iamActions: BUCKET_BLOCK_READS,
  schemas: () => {
    const { params, previewResponse } = blockPublicAccessSchemas();
    return { request: { query: undefined, params, body: undefined }, response: previewResponse };
  },
  // 409: the bucket carries the protected tag.
  errorStatuses: [400, 404, 409, 502],
});

/**
 * What blocking the account reads, in its preview and in the write alike (every bucket's exposure, to list the
 * buckets that stop being public), so that the preview shows exactly what the write would do.
 */
const ACCOUNT_BLOCK_READS = [
  's3:ListAllMyBuckets',
  's3:GetAccountPublicAccessBlock',
  's3:GetBucketPublicAccessBlock',
  's3:GetBucketAcl',
  's3:GetBucketPolicyStatus',
  's3:GetBucketPolicy',
  's3:GetBucketWebsite',
  's3:GetBucketTagging',
] as const;

export const previewBlockPublicAccessForS3Account = defineOperation({
  operationId: 'previewBlockPublicAccessForS3Account',
  method: 'get',
  path: '/s3/account/block-public-access/preview',
  summary: 'Preview blocking public access for every bucket of the account (changes nothing)',
  description: [
    'Use this when the user asks to make the whole account private, e.g. "Block public access for all buckets",',
    'before blockPublicAccessForS3Account. It changes nothing: it returns exactly what that call would do (the',
    'account’s four Block Public Access flags before and after, every bucket that stops being public with static',
    'websites first, buckets tagged as public on purpose, grants that become neutralised, the undo command) and a planId.',
    'Show the user the summary; only if they agree, call blockPublicAccessForS3Account with this planId.',
  ].join(' '),
  scope: 'read',
  // Served by the read function: the preview runs without any permission to write.
  functionName: 'find-public-buckets',
  usesPlanKey: true,
  iamActions: ACCOUNT_BLOCK_READS,
  schemas: () => {
    const { query, previewResponse } = accountBlockSchemas();
    return { request: { query, params: undefined, body: undefined }, response: previewResponse };
  },
  errorStatuses: [400, 502],
});

export const blockPublicAccessForS3Account = defineOperation({
  operationId: 'blockPublicAccessForS3Account',
  method: 'post',
  path: '/s3/account/block-public-access',
  summary: 'Block public access for every bucket of the account',
  description: [
    'Use this when the user asks to make every bucket of the account private at once, e.g. "Block public access',
    'for the whole account". It turns on the account’s four Block Public Access flags (S3 Control); bucket',
    'policies and ACLs stay as they are, neutralised. It returns the flags before and after, every bucket that',
    'stopped being public (static websites first: they stop answering), and the CLI command that undoes it.',
    'With an assistant: first call previewBlockPublicAccessForS3Account, show the user its summary, and call this',
    'with its planId only after the user agrees; the call then applies exactly that preview or nothing. Buckets',
    'tagged as public on purpose need force: true. Without planId (scripts), set dryRun to true to see the change',
    'without making it. Calling it again changes nothing.',
  ].join(' '),
  scope: 'remediate',
  functionName: 'block-bucket-public-access',
  usesPlanKey: true,
  iamActions: [
    ...ACCOUNT_BLOCK_READS,
    's3:PutAccountPublicAccessBlock',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
  ],
  // Marks the stored S3 scans stale, so no find serves the buckets as they were before this change.
  snapshotActions: ['dynamodb:PutItem'],
  schemas: () => {
    const { body, response } = accountBlockSchemas();
    return { request: { query: undefined, params: undefined, body }, response };
  },
  // 409: a stale planId, or buckets tagged as public on purpose without force.
  errorStatuses: [400, 409, 502],
});

export const findEc2InstancesWithOpenPort = defineOperation({
  operationId: 'findEc2InstancesWithOpenPort',
  method: 'get',
  path: '/ec2/instances-with-open-port',
  summary: 'Find EC2 instances with a port open to the internet',
  description: [
    'Use this to find which EC2 instances accept connections from the whole internet on a port,',
    'for example "Which EC2 instances have port 3389 open?" or "Is SSH open to the world anywhere?" (port 22).',
    'It checks the security groups of every network interface of every instance in every enabled Region',
    '(or one Region), including all-traffic rules, IPv6, prefix lists and CIDRs that together cover the internet.',
    'It returns each exposed instance with its name, Region, state, public IP and the exact rules that open the',
    'port, and any Region that could not be checked. Read-only: it changes nothing.',
  ].join(' '),
  scope: 'read',
  functionName: 'find-open-ports',
  iamActions: [
    'ec2:DescribeRegions',
    'ec2:DescribeInstances',
    'ec2:DescribeSecurityGroupRules',
    'ec2:GetManagedPrefixListEntries',
    // Security-group intended-exposure tags, read where something is open.
    'ec2:DescribeTags',
  ],
  // Signs nextTokens with a key derived from the plan key.
  usesPlanKey: true,
  snapshotActions: ['dynamodb:BatchGetItem', 'dynamodb:PutItem'],
  schemas: () => {
    const { query, response } = findInstancesSchemas();
    return { request: { query, params: undefined, body: undefined }, response };
  },
  errorStatuses: [400, 502],
});

/**
 * The EC2 reads of closing a port, in its preview and in the write alike, so that the preview shows exactly what
 * the write would do. Both also read the rule quota (servicequotas:GetServiceQuota), listed apart: the write
 * lists it after its writes, and the order in which a function's actions first appear orders its role's statements.
 */
const CLOSE_PORT_EC2_READS = [
  'ec2:DescribeRegions',
  'ec2:DescribeInstances',
  'ec2:DescribeSecurityGroupRules',
  'ec2:GetManagedPrefixListEntries',
  // The preview plans against the same quota as the write: list sizes and the account's rule quota.
  'ec2:DescribeManagedPrefixLists',
  'ec2:DescribeNetworkInterfaces',
  // The changed groups' intended-exposure tags.
  'ec2:DescribeTags',
] as const;

export const closeUnwantedPortForEc2Instance = defineOperation({
  operationId: 'closeUnwantedPortForEc2Instance',
  method: 'post',
  path: '/ec2/instances/{instanceId}/close-port',
  summary: 'Close one port (or every port but some) to the internet on one EC2 instance',
  description: [
    'Use this when the user asks to close a port on an instance, e.g. "Close port 22 on i-0123456789abcdef0",',
    'or everything open on it except some ports ("close everything but 80 and 443": allPorts with keep [80, 443]).',
    'It revokes only the security group rules that open that port to the internet; when a rule covers more',
    'ports (or all traffic) it first adds rules for the other ports from the same source, so nothing else closes.',
    'Rules from other sources stay. It returns every rule revoked and added, other instances that share a changed',
    'security group, whether the port is still open, and the AWS CLI commands that undo the change.',
    'With an assistant: first call previewCloseUnwantedPortForEc2Instance, show the user its summary, and call this',
    'with its planId only after the user agrees; the call then applies exactly that preview or nothing.',
    'Without planId (scripts), set dryRun to true to see the change without making it. Calling it again changes nothing.',
  ].join(' '),
  scope: 'remediate',
  functionName: 'close-open-port',
  usesPlanKey: true,
  iamActions: [
    ...CLOSE_PORT_EC2_READS,
    'ec2:AuthorizeSecurityGroupIngress',
    'ec2:RevokeSecurityGroupIngress',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'servicequotas:GetServiceQuota',
  ],
  // Marks the stored scans of the changed service out of date, so no find serves what this changed.
  snapshotActions: ['dynamodb:PutItem'],
  schemas: () => {
    const { params, body, response } = closePortSchemas();
    return { request: { query: undefined, params, body }, response };
  },
  errorStatuses: [400, 404, 409, 502],
});

export const previewCloseUnwantedPortForEc2Instance = defineOperation({
  operationId: 'previewCloseUnwantedPortForEc2Instance',
  method: 'get',
  path: '/ec2/instances/{instanceId}/close-port/preview',
  summary:
    'Preview closing one port (or every port but some) to the internet on one EC2 instance (changes nothing)',
  description: [
    'Use this when the user asks to close a port on an instance, e.g. "Close port 22 on i-0123456789abcdef0", or every',
    'port open on it except some ("everything but 80 and 443": allPorts=true&keep=80,443), before closeUnwantedPortForEc2Instance.',
    'It changes nothing: it returns exactly what closeUnwantedPortForEc2Instance would do (every rule revoked and',
    'added, other instances that share a changed security group, protocols lost, whether the port stays open, the',
    'undo commands) and a planId. Show the user the summary; only if they agree, call closeUnwantedPortForEc2Instance',
    'with the same port (or allPorts and keep) and protocol and this planId.',
  ].join(' '),
  scope: 'read',
  // Served by the read function: the preview runs without any permission to write.
  functionName: 'find-open-ports',
  usesPlanKey: true,
  iamActions: [...CLOSE_PORT_EC2_READS, 'servicequotas:GetServiceQuota'],
  schemas: () => {
    const { params, previewQuery, previewResponse } = closePortSchemas();
    return { request: { query: previewQuery, params, body: undefined }, response: previewResponse };
  },
  errorStatuses: [400, 404, 502],
});

export const listChanges = defineOperation({
  operationId: 'listChanges',
  method: 'get',
  path: '/changes',
  summary: 'List the changes made through this API (history)',
  description: [
    'Use this when the user asks what was changed, e.g. "What did you change yesterday?", "Who closed port 22',
    'on i-0123456789abcdef0?" or "Show the changes to prod-assets". Every applied change (not previews, not',
    'refusals) is recorded: who made it, when, the bucket or instance, before and after, the rules revoked and',
    'added, and whether it was undone. Newest first; filter by since (a UTC date or time), target (bucket,',
    'instance or security group id) and who (user name); pass nextToken back for the next page. It returns each',
    'change with a summary to quote; a change with outcome unknown began but recorded no result (cut off), and',
    'its summary says what to check. Read-only: it changes nothing.',
  ].join(' '),
  scope: 'read',
  functionName: 'change-history',
  iamActions: ['dynamodb:Query'],
  schemas: () => {
    const { query, response } = listChangesSchemas();
    return { request: { query, params: undefined, body: undefined }, response };
  },
  errorStatuses: [400, 502],
});

/**
 * What an undo reads, in its preview and in the apply alike: the recorded change, then the bucket or security
 * groups as they are now, to judge whether the target was changed again since.
 */
const UNDO_READS = [
  'dynamodb:GetItem',
  's3:GetBucketPublicAccessBlock',
  // An account-wide block's undo is judged against the account's flags now.
  's3:GetAccountPublicAccessBlock',
  // A bucket carrying the protected tag cannot be undone either.
  's3:GetBucketTagging',
  'ec2:DescribeSecurityGroupRules',
] as const;

export const previewUndoOfChange = defineOperation({
  operationId: 'previewUndoOfChange',
  method: 'get',
  path: '/changes/{changeId}/undo',
  summary: 'Preview putting back what one recorded change changed',
  description: [
    'Use this to preview an undo, e.g. "Put back what you changed on prod-assets yesterday": first find the',
    'change with listChanges, then call this with its changeId. It reads the bucket or security groups now and',
    'returns exactly what the undo would restore, or why it cannot (undoable false with the reason: the target',
    'was changed again since, so an undo would overwrite someone else’s later change; it was already undone; or',
    'the bucket now carries the protected tag).',
    'Read-only: it changes nothing. It returns a planId when the undo can be applied: show the user the summary;',
    'only if they agree, call applyUndoOfChange with the same changeId and this planId.',
  ].join(' '),
  scope: 'read',
  functionName: 'change-history',
  usesPlanKey: true,
  iamActions: UNDO_READS,
  schemas: () => {
    const { params, preview } = undoChangeSchemas();
    return { request: { query: undefined, params, body: undefined }, response: preview };
  },
  errorStatuses: [400, 404, 502],
});

export const applyUndoOfChange = defineOperation({
  operationId: 'applyUndoOfChange',
  method: 'post',
  path: '/changes/{changeId}/undo',
  summary: 'Undo one recorded change',
  description: [
    'Use this when the user asks to put back what a recorded change changed, e.g. "Undo change',
    'c-20261130T033600123Z-1a2b3c4d". It restores the exact previous',
    'Block Public Access flags, or re-adds the revoked security group rules and removes the ones the change',
    'added. It refuses, changing nothing, when the target was changed again since (it never overwrites a later',
    'change), the change was already undone, or the bucket now carries the protected tag. It returns the rules',
    'restored and removed and its own changeId:',
    'the undo is itself a recorded change, which can be undone in turn.',
    'With an assistant: first call previewUndoOfChange, show the user its summary, and call this with its planId',
    'only after the user agrees; the call then applies exactly that undo or nothing (the target changed since).',
    'Without planId (scripts), set dryRun to true to see the undo without making it.',
  ].join(' '),
  scope: 'remediate',
  functionName: 'undo-change',
  usesPlanKey: true,
  iamActions: [
    ...UNDO_READS,
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    's3:PutBucketPublicAccessBlock',
    // Undoing an account-wide block: put back (or delete, which IAM also names PutAccountPublicAccessBlock).
    's3:PutAccountPublicAccessBlock',
    'ec2:AuthorizeSecurityGroupIngress',
    'ec2:RevokeSecurityGroupIngress',
  ],
  // Marks the stored scans of the changed service out of date, so no find serves what this changed.
  snapshotActions: ['dynamodb:PutItem'],
  schemas: () => {
    const { params, body, applied } = undoChangeSchemas();
    return { request: { query: undefined, params, body }, response: applied };
  },
  errorStatuses: [400, 404, 409, 502],
});

/** Every operation, in the order the document lists them. */
export const operations = [
  findS3BucketsWithPublicAccess,
  previewRemovePublicAccessFromS3Bucket,
  removePublicAccessFromS3Bucket,
  previewBlockPublicAccessForS3Account,
  blockPublicAccessForS3Account,
  findEc2InstancesWithOpenPort,
  previewCloseUnwantedPortForEc2Instance,
  closeUnwantedPortForEc2Instance,
  listChanges,
  previewUndoOfChange,
  applyUndoOfChange,
] as const;

export type AnyOperation = (typeof operations)[number];

/** Converts an OpenAPI path template (`/a/{b}`) to the router's form (`/a/:b`). */
export function toRouterPath(path: string): `/${string}` {
  return path.replace(/\{(\w+)\}/g, ':$1') as `/${string}`;
}

/**
 * Whether a call must send a body: it must when the body schema refuses `{}` (some field is required).
 * The router answers a missing body with this rule, and the document marks `requestBody.required` by it.
 */
export function isBodyRequired(operation: OperationDefinition): boolean {
  const body = operation.request.body;
  return body !== undefined && !body.safeParse({}).success;
}

/** Whether a concrete request path (`/s3/buckets/b/block-public-access`) is this operation's path template. */
export function matchesPath(operation: OperationDefinition, path: string): boolean {
  const pattern = operation.path.replace(/\{\w+\}/g, '[^/]+');
  return new RegExp(`^${pattern}/?$`).test(path);
}

/** The HTTP methods (upper case, registry order) that some of `served` answers on `path`. */
export function methodsAllowedAt(served: readonly OperationDefinition[], path: string): string[] {
  const methods = served.filter((operation) => matchesPath(operation, path)).map((op) => op.method);
  return [...new Set(methods)].map((method) => method.toUpperCase());
}
