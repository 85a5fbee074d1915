/**
 * Our own reading of an S3 bucket policy, following AWS's "The meaning of public"
 * (S3 user guide, Blocking public access). AWS's `GetBucketPolicyStatus` is the
 * authority when it answers; this reading names the public statement(s) and decides
 * alone only when that status cannot be read.
 */
import { quoteUntrusted } from './untrusted-text';

/** The result of reading a bucket policy document. */
export interface PolicyEvaluation {
  /** True when at least one `Allow` statement is not limited to fixed values. */
  isPublic: boolean;
  /** One line per public statement, naming it by Sid (or 1-based index) and saying why. */
  publicStatements: string[];
  /** Set when the document could not be read; then `isPublic` is false and means nothing. */
  parseError?: string;
}

type JsonObject = Record<string, unknown>;

/**
 * Condition keys whose fixed value limits a statement to a known set of callers.
 * Lower-case because condition keys are case-insensitive.
 *
 * The list follows the S3 user guide, "Blocking public access to your Amazon S3 storage" →
 * "The meaning of public"
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status):
 * aws:SourceIp (a CIDR no broader than /8 IPv4 or /32 IPv6), aws:SourceArn, aws:SourceVpc,
 * aws:SourceVpce, aws:SourceOwner, aws:SourceAccount, s3:x-amz-server-side-encryption-aws-kms-key-id,
 * aws:userid outside the pattern "AROLEID:*", s3:DataAccessPointArn and s3:DataAccessPointAccount;
 * plus aws:PrincipalOrgID and aws:PrincipalAccount, which name a fixed set of principals
 * (semantics.md, rev. 2). aws:userid "AROLEID:*" is caught as a wildcard like every other.
 */
const LIMITING_CONDITION_KEYS: ReadonlySet<string> = new Set([
  'aws:sourcevpc',
  'aws:sourcevpce',
  'aws:sourcearn',
  'aws:sourceaccount',
  'aws:sourceowner',
  'aws:principalorgid',
  'aws:principalaccount',
  'aws:sourceip',
  'aws:userid',
  's3:x-amz-server-side-encryption-aws-kms-key-id',
  's3:dataaccesspointaccount',
  's3:dataaccesspointarn',
]);

const SOURCE_IP_KEY = 'aws:sourceip';
const DATA_ACCESS_POINT_ARN_KEY = 's3:dataaccesspointarn';

/**
 * An access point ARN whose partition, Region and account id are written out: the guide counts it fixed
 * even when the access point name is a wildcard (`arn:aws:s3:us-west-2:123456789012:accesspoint/*`),
 * because only that account can create access points there. A wildcard before the name (in the account
 * or the Region) could match another account's access points, so it is not fixed.
 */
const ACCESS_POINT_ARN_WITH_FIXED_ACCOUNT = /^arn:[a-z-]+:s3:[a-z0-9-]+:\d{12}:accesspoint\/./;

/** Operators that only match listed values; their negations (StringNotEquals...) admit everyone else. */
const EQUALITY_OPERATORS: ReadonlySet<string> = new Set([
  'stringequals',
  'stringequalsignorecase',
  'stringlike',
  'arnequals',
  'arnlike',
]);

/** AWS calls a CIDR public when it is broader than these prefix lengths. */
const MIN_IPV4_PREFIX = 8;
const MIN_IPV6_PREFIX = 32;

/**
 * Decide whether a bucket policy document grants public access.
 *
 * A policy is public unless every `Allow` statement is limited to fixed values: a fixed
 * principal (account, user, role, service; never `*` or a `Federated` identity provider)
 * or a condition with a fixed value on one of the limiting keys. `Deny` statements never
 * make a policy public, and the action does not matter.
 *
 * @param policyJson - the policy text as returned by `GetBucketPolicy`.
 * @returns the verdict and the public statements; `parseError` when the text is not a policy.
 */
export function evaluateBucketPolicy(policyJson: string): PolicyEvaluation {
  const parsed = parsePolicyStatements(policyJson);
  if ('error' in parsed) {
    return { isPublic: false, publicStatements: [], parseError: parsed.error };
  }
  const publicStatements: string[] = [];
  for (const [index, statement] of parsed.statements.entries()) {
    const finding = publicStatementFinding(statement, index);
    if (finding !== undefined) publicStatements.push(finding);
  }
  return { isPublic: publicStatements.length > 0, publicStatements };
}

/** Actions that change a bucket or its objects; a wildcard action matching any of them is a write. */
const WRITE_ACTIONS = [
  's3:putobject',
  's3:deleteobject',
  's3:putobjectacl',
  's3:putbucketpolicy',
  's3:putbucketacl',
  's3:deletebucket',
  's3:deletebucketpolicy',
  's3:abortmultipartupload',
  's3:restoreobject',
  's3:replicateobject',
];

function actionAllowsWrite(action: string): boolean {
  const lower = action.trim().toLowerCase();
  if (!lower.includes('*') && !lower.includes('?')) {
    // Every S3 read is a Get* or List*; anything else changes something.
    return !/^s3:(get|list)/.test(lower);
  }
  const pattern = new RegExp(
    `^${lower
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
  return WRITE_ACTIONS.some((write) => pattern.test(write));
}

/**
 * Whether a public `Allow` statement of the policy lets anyone write (put, delete, change the ACL or
 * policy): used to rank the bucket, not to decide whether it is public. `NotAction` allows everything
 * it does not list, so it counts as a write. An unreadable policy answers false (the verdict already
 * says unknown or public for its own reasons).
 *
 * @param policyJson - the policy text as returned by `GetBucketPolicy`.
 */
export function publicPolicyAllowsWrite(policyJson: string): boolean {
  const parsed = parsePolicyStatements(policyJson);
  if ('error' in parsed) return false;
  return parsed.statements.some((statement, index) => {
    if (publicStatementFinding(statement, index) === undefined) return false;
    if (statement.NotAction !== undefined) return true;
    const actions = Array.isArray(statement.Action) ? statement.Action : [statement.Action];
    return actions.some((action) => typeof action === 'string' && actionAllowsWrite(action));
  });
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Malformed structure is a parse error, not "not public": the caller then reports unknown. */
function parsePolicyStatements(policyJson: string): { statements: JsonObject[] } | { error: string } {
  let document: unknown;
  try {
    document = JSON.parse(policyJson);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return { error: `the policy is not valid JSON (${detail})` };
  }
  if (!isObject(document)) return { error: 'the policy is not a JSON object' };
  const raw = document.Statement;
  if (raw === undefined) return { error: 'the policy has no Statement' };
  const list = Array.isArray(raw) ? raw : [raw];
  const statements: JsonObject[] = [];
  for (const [index, statement] of list.entries()) {
    if (!isObject(statement)) return { error: `statement #${index + 1} is not a JSON object` };
    if (statement.Effect !== 'Allow' && statement.Effect !== 'Deny') {
      return {
        error: `statement #${index + 1} has Effect ${JSON.stringify(statement.Effect)}, expected "Allow" or "Deny"`,
      };
    }
    statements.push(statement);
  }
  return { statements };
}

function statementLabel(statement: JsonObject, index: number): string {
  const sid = statement.Sid;
  // A Sid is written by whoever edits the policy: quoted and cleaned, it reads as data, never as our words.
  return typeof sid === 'string' && sid !== '' ? `Sid ${quoteUntrusted(sid)}` : `statement #${index + 1}`;
}

/** Undefined when the statement is not public; otherwise the sentence that names it and says why. */
function publicStatementFinding(statement: JsonObject, index: number): string | undefined {
  if (statement.Effect !== 'Allow') return undefined;
  const label = statementLabel(statement, index);
  if (statement.NotPrincipal !== undefined) {
    // Allow + NotPrincipal grants to every principal except the listed ones.
    return `${label} allows everyone except NotPrincipal ${JSON.stringify(statement.NotPrincipal)}`;
  }
  if (statement.Principal !== undefined && isFixedPrincipal(statement.Principal)) return undefined;
  const condition = evaluateCondition(statement.Condition);
  if (condition.limited) return undefined;
  const who =
    statement.Principal === undefined
      ? 'without a Principal'
      : `Principal ${JSON.stringify(statement.Principal)}`;
  const why = condition.notes.length > 0 ? ` (${condition.notes.join('; ')})` : '';
  return `${label} allows ${who} without a fixed-value condition${why}`;
}

function hasWildcardOrVariable(value: string): boolean {
  return value.includes('*') || value.includes('?') || value.includes('${');
}

/** A value list is fixed only when it is non-empty and every member is fixed. */
function everyValue(raw: unknown, isFixed: (value: string) => boolean): boolean {
  const values = Array.isArray(raw) ? raw : [raw];
  return values.length > 0 && values.every((value) => typeof value === 'string' && isFixed(value));
}

const isFixedName = (value: string): boolean => value !== '' && !hasWildcardOrVariable(value);

function isFixedPrincipal(principal: unknown): boolean {
  // A bare string principal is only valid as "*"; anything else is read as an AWS principal.
  if (typeof principal === 'string') return isFixedName(principal);
  if (!isObject(principal)) return false;
  const entries = Object.entries(principal);
  if (entries.length === 0) return false;
  return entries.every(([kind, values]) => {
    switch (kind.toLowerCase()) {
      case 'aws':
      case 'service':
      case 'canonicaluser':
        return everyValue(values, isFixedName);
      default:
        // Federated (web identity providers such as Cognito, Google, Facebook, Amazon) lets
        // anyone who signs in there assume access, so it is never a fixed principal.
        return false;
    }
  });
}

interface ConditionEvaluation {
  /** True when some condition pins a limiting key to fixed values (conditions are ANDed). */
  limited: boolean;
  /** Why conditions on limiting keys did not count, for the person reading the finding. */
  notes: string[];
}

function evaluateCondition(condition: unknown): ConditionEvaluation {
  const notes: string[] = [];
  if (!isObject(condition)) return { limited: false, notes };
  for (const [operator, keys] of Object.entries(condition)) {
    if (!isObject(keys)) continue;
    for (const [key, values] of Object.entries(keys)) {
      const normalizedKey = key.toLowerCase();
      if (!LIMITING_CONDITION_KEYS.has(normalizedKey)) continue;
      const problem = conditionProblem(operator, normalizedKey, values);
      if (problem === undefined) return { limited: true, notes: [] };
      notes.push(`${operator} on ${key}: ${problem}`);
    }
  }
  return { limited: false, notes };
}

/** Undefined when `operator` pins `key` to fixed values; otherwise why it does not. */
function conditionProblem(operator: string, key: string, values: unknown): string | undefined {
  let base = operator.toLowerCase();
  if (base.startsWith('forallvalues:')) {
    // ForAllValues is true when the request carries no value for the key, e.g. an anonymous
    // request from the internet has no aws:SourceVpc.
    return 'ForAllValues also matches requests without the key';
  }
  if (base.startsWith('foranyvalue:')) base = base.slice('foranyvalue:'.length);
  if (base.endsWith('ifexists')) return 'IfExists also matches requests without the key';
  const isSourceIp = key === SOURCE_IP_KEY;
  const restrictiveOperator = isSourceIp ? base === 'ipaddress' : EQUALITY_OPERATORS.has(base);
  if (!restrictiveOperator) return 'the operator does not limit the key to listed values';
  const valueList = Array.isArray(values) ? values : [values];
  if (valueList.length === 0) return 'no values';
  for (const value of valueList) {
    // Account ids are sometimes written as JSON numbers.
    const text = typeof value === 'number' ? String(value) : value;
    if (typeof text !== 'string') return `${JSON.stringify(value)} is not a string`;
    const fixedAccessPoint =
      key === DATA_ACCESS_POINT_ARN_KEY && ACCESS_POINT_ARN_WITH_FIXED_ACCOUNT.test(text);
    if (hasWildcardOrVariable(text) && !fixedAccessPoint) {
      return `${JSON.stringify(text)} has a wildcard or policy variable`;
    }
    if (text === '') return 'an empty value';
    if (isSourceIp && !isNarrowCidr(text)) {
      return `${JSON.stringify(text)} is not an IPv4 range of /${MIN_IPV4_PREFIX} or narrower or an IPv6 range of /${MIN_IPV6_PREFIX} or narrower`;
    }
  }
  return undefined;
}

/** True for an IPv4 address/CIDR no broader than /8 or an IPv6 one no broader than /32. */
function isNarrowCidr(text: string): boolean {
  const [address = '', prefixText, ...rest] = text.trim().split('/');
  if (rest.length > 0) return false;
  const isV4 = isIpv4(address);
  if (!isV4 && !isIpv6(address)) return false;
  const maxPrefix = isV4 ? 32 : 128;
  if (prefixText === undefined) return true;
  if (!/^\d{1,3}$/.test(prefixText)) return false;
  const prefix = Number(prefixText);
  return prefix <= maxPrefix && prefix >= (isV4 ? MIN_IPV4_PREFIX : MIN_IPV6_PREFIX);
}

function isIpv4(text: string): boolean {
  const octets = text.split('.');
  return octets.length === 4 && octets.every((octet) => /^\d{1,3}$/.test(octet) && Number(octet) <= 255);
}

function isIpv6(text: string): boolean {
  if (!text.includes(':')) return false;
  const halves = text.split('::');
  if (halves.length > 2) return false;
  const groups = halves.flatMap((half) => (half === '' ? [] : half.split(':')));
  // An embedded IPv4 address (::ffff:10.0.0.1) fills the last two groups.
  const last = groups.at(-1) ?? '';
  const embeddedV4 = last.includes('.');
  if (embeddedV4 && !isIpv4(last)) return false;
  const hexGroups = embeddedV4 ? groups.slice(0, -1) : groups;
  if (!hexGroups.every((group) => /^[0-9a-f]{1,4}$/i.test(group))) return false;
  const width = hexGroups.length + (embeddedV4 ? 2 : 0);
  return halves.length === 2 ? width <= 7 : width === 8;
}
