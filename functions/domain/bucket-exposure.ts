/**
 * Is an S3 bucket publicly accessible? The rules of AWS's "The meaning of public",
 * applied to facts the adapters read: account and bucket Block Public Access flags,
 * the bucket ACL, `GetBucketPolicyStatus` and the policy document.
 *
 * Facts can be missing (not read) or failed (the read was refused). The verdict uses
 * three-valued logic so that a missing fact only makes the bucket `unknown` when the
 * answer actually depends on it, and never lets it pass as not public.
 */
import { evaluateBucketPolicy } from './bucket-policy';

/** The four Block Public Access flags, in the order AWS documents and the CLI writes them. */
export const BLOCK_PUBLIC_ACCESS_FLAGS = [
  'BlockPublicAcls',
  'IgnorePublicAcls',
  'BlockPublicPolicy',
  'RestrictPublicBuckets',
] as const;

/** The name of one Block Public Access flag. */
export type BlockPublicAccessFlag = (typeof BLOCK_PUBLIC_ACCESS_FLAGS)[number];

/** The four Block Public Access flags of one level (account or bucket). */
export type PublicAccessBlockFlags = Record<BlockPublicAccessFlag, boolean>;

/** A record with one entry per Block Public Access flag, in {@link BLOCK_PUBLIC_ACCESS_FLAGS} order. */
export function eachFlag<T>(value: (flag: BlockPublicAccessFlag) => T): Record<BlockPublicAccessFlag, T> {
  return Object.fromEntries(BLOCK_PUBLIC_ACCESS_FLAGS.map((flag) => [flag, value(flag)])) as Record<
    BlockPublicAccessFlag,
    T
  >;
}

/**
 * A fact the verdict may need: read OK, or the read failed (the failed AWS call and error code are named).
 * A reply that lacks the field the call exists for is a failed read too (`errorCode` `IncompleteReply`,
 * `missing` names the field): an emulator that does not implement a call may answer 200 with another
 * document, which the SDK parses into an empty object.
 */
export type Fact<T> = { ok: true; value: T } | FailedRead;

/** A read that gave no answer: refused, failed, or answered without the field it exists for. */
export interface FailedRead {
  ok: false;
  call: string;
  errorCode: string;
  /** Set when the call answered but without this field (e.g. `PolicyStatus.IsPublic`). */
  missing?: string;
}

/** The error code of a reply that lacks the field its call exists for. */
export const INCOMPLETE_REPLY = 'IncompleteReply';

/** One phrase naming a failed read, e.g. `GetBucketAcl failed with AccessDenied`. */
export function describeFailedRead(fact: Omit<FailedRead, 'ok'>): string {
  return fact.missing === undefined
    ? `${fact.call} failed with ${fact.errorCode}`
    : `${fact.call} answered without ${fact.missing}`;
}

/** One grant of a bucket ACL, as `GetBucketAcl` returns it (flattened). */
export interface AclGrant {
  granteeType?: string;
  uri?: string;
  id?: string;
  displayName?: string;
  permission: string;
}

/** What is known about one bucket. */
export interface BucketFacts {
  bucketName: string;
  /** `null` = NoSuchPublicAccessBlockConfiguration (no flags at that level). */
  accountFlags: Fact<PublicAccessBlockFlags | null>;
  /** `undefined` = not read (not needed). */
  bucketFlags?: Fact<PublicAccessBlockFlags | null>;
  /** `undefined` = not read. */
  acl?: Fact<AclGrant[]>;
  /** AWS `GetBucketPolicyStatus`; `null` = no policy (NoSuchBucketPolicy). */
  policyStatus?: Fact<{ isPublic: boolean } | null>;
  /** The policy JSON text; `null` = no policy. */
  policy?: Fact<string | null>;
}

/** Kleene three-valued truth: `'unknown'` when a needed fact is missing. */
export type Tri = true | false | 'unknown';

/** The verdict on one bucket, with the reasons a person needs to find the grant or statement. */
export type BucketVerdict =
  | { verdict: 'public'; reasons: string[]; latentReasons: string[] }
  | { verdict: 'not-public'; latentReasons: string[] }
  | { verdict: 'unknown'; reason: string; latentReasons: string[] };

const PUBLIC_GROUPS: ReadonlyMap<string, string> = new Map([
  ['http://acs.amazonaws.com/groups/global/allusers', 'AllUsers (everyone)'],
  ['http://acs.amazonaws.com/groups/global/authenticatedusers', 'AuthenticatedUsers (any AWS account)'],
]);

const NO_FLAGS: PublicAccessBlockFlags = eachFlag(() => false);

/**
 * The flags in effect for a bucket: each flag is on when it is on at either level.
 *
 * @param account - account-level flags, `null` when the account has none.
 * @param bucket - bucket-level flags, `null` when the bucket has none.
 */
export function combineFlags(
  account: PublicAccessBlockFlags | null,
  bucket: PublicAccessBlockFlags | null,
): PublicAccessBlockFlags {
  const a = account ?? NO_FLAGS;
  const b = bucket ?? NO_FLAGS;
  return eachFlag((flag) => a[flag] || b[flag]);
}

/**
 * The ACL grants that make a bucket public: any permission to the AllUsers or
 * AuthenticatedUsers group. LogDelivery and canonical-user grants are not public.
 *
 * @returns one reason per public grant, e.g. `ACL grants READ to AllUsers (everyone)`; `[]` if none.
 */
export function publicAclGrants(grants: readonly AclGrant[]): string[] {
  const reasons: string[] = [];
  for (const grant of grants) {
    const group = grant.uri === undefined ? undefined : PUBLIC_GROUPS.get(grant.uri.trim().toLowerCase());
    if (group === undefined) continue;
    const reason = `ACL grants ${grant.permission} to ${group}`;
    if (!reasons.includes(reason)) reasons.push(reason);
  }
  return reasons;
}

const and = (a: Tri, b: Tri): Tri =>
  a === false || b === false ? false : a === true && b === true ? true : 'unknown';
const or = (a: Tri, b: Tri): Tri =>
  a === true || b === true ? true : a === false && b === false ? false : 'unknown';
const not = (a: Tri): Tri => (a === 'unknown' ? 'unknown' : !a);

type FlagName = 'IgnorePublicAcls' | 'RestrictPublicBuckets';

/** A flag at one level: unknown when that level was not read or its read failed. */
function flagAt(fact: Fact<PublicAccessBlockFlags | null> | undefined, flag: FlagName): Tri {
  if (fact === undefined || !fact.ok) return 'unknown';
  return fact.value?.[flag] ?? false;
}

/** What we know about the public part of one term of the verdict (`exposed AND NOT flag`). */
interface Exposure {
  exposed: Tri;
  /** Why `exposed` is true (names the grant or statement). */
  reasons: string[];
  /** Why `exposed` is unknown, naming the failed call(s). */
  unknownBecause: string[];
}

interface FlagReading {
  inEffect: Tri;
  /** Which level(s) turn the flag on, for latent reasons. */
  levels: string;
  unknownBecause: string[];
}

const failure = describeFailedRead;

function readFlag(facts: BucketFacts, flag: FlagName): FlagReading {
  const account = flagAt(facts.accountFlags, flag);
  const bucket = flagAt(facts.bucketFlags, flag);
  const unknownBecause: string[] = [];
  if (account === 'unknown' && !facts.accountFlags.ok) {
    unknownBecause.push(
      `${failure(facts.accountFlags)}, so the account-level Block Public Access flags could not be checked`,
    );
  }
  if (bucket === 'unknown') {
    unknownBecause.push(
      facts.bucketFlags === undefined || facts.bucketFlags.ok
        ? 'the bucket-level Block Public Access flags were not read'
        : `${failure(facts.bucketFlags)}, so the bucket-level Block Public Access flags could not be checked`,
    );
  }
  const levels =
    account === true && bucket === true
      ? 'account and bucket levels'
      : account === true
        ? 'account level'
        : 'bucket level';
  return { inEffect: or(account, bucket), levels, unknownBecause };
}

/*
 * Does GetBucketAcl show the stored ACL while IgnorePublicAcls is on, or only what S3 enforces? If it
 * showed the enforced ACL, a latent public grant could not be seen under that flag and "no latent ACL
 * grant" would claim a check that never happened. AWS's current references say the stored ACL stays and
 * is what GetBucketAcl returns: IgnorePublicAcls "doesn't affect the persistence of any existing ACLs"
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_PublicAccessBlockConfiguration.html), and the
 * GetBucketAcl reference (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketAcl.html) names
 * one case where the reply is not the stored grant list, Object Ownership "bucket owner enforced" (ACLs
 * disabled; it answers bucket-owner-full-control), and that setting cannot be applied while the bucket
 * ACL grants anyone else. So grants read under IgnorePublicAcls are reported as latent. This rests on the
 * documentation only (no AWS account was at hand to confirm it), and the answer never states that a
 * bucket has no latent grant: it lists those it saw.
 */
function aclTerm(facts: BucketFacts): Exposure {
  const acl = facts.acl;
  if (acl === undefined) return { exposed: 'unknown', reasons: [], unknownBecause: ['the ACL was not read'] };
  if (!acl.ok) {
    return {
      exposed: 'unknown',
      reasons: [],
      unknownBecause: [`${failure(acl)}, so the ACL could not be checked`],
    };
  }
  const reasons = publicAclGrants(acl.value);
  return { exposed: reasons.length > 0, reasons, unknownBecause: [] };
}

const STATUS_SAYS_PUBLIC = 'AWS reports the bucket policy as public (GetBucketPolicyStatus)';

/**
 * `GetBucketPolicyStatus` decides whenever it answered; the document names the statements,
 * and decides alone only when the status could not be read.
 */
function policyTerm(facts: BucketFacts): Exposure {
  const status = facts.policyStatus;
  const document = readPolicyDocument(facts.policy);
  if (status?.ok) {
    if (status.value === null || !status.value.isPublic)
      return { exposed: false, reasons: [], unknownBecause: [] };
    const named = document.evaluation?.publicStatements ?? [];
    const reasons =
      named.length > 0 ? named.map((statement) => `Bucket policy ${statement}`) : [STATUS_SAYS_PUBLIC];
    return { exposed: true, reasons, unknownBecause: [] };
  }
  const statusProblem = status === undefined ? 'the bucket policy status was not read' : failure(status);
  if (document.evaluation !== undefined) {
    const { isPublic, publicStatements } = document.evaluation;
    const source = `judged from the policy document because ${statusProblem}`;
    return {
      exposed: isPublic,
      reasons: publicStatements.map((statement) => `Bucket policy ${statement} (${source})`),
      unknownBecause: [],
    };
  }
  if (document.noPolicy) return { exposed: false, reasons: [], unknownBecause: [] };
  return {
    exposed: 'unknown',
    reasons: [],
    unknownBecause: [`${statusProblem} and ${document.problem}, so the bucket policy could not be checked`],
  };
}

function readPolicyDocument(policy: BucketFacts['policy']): {
  evaluation?: { isPublic: boolean; publicStatements: string[] };
  noPolicy?: true;
  problem: string;
} {
  if (policy === undefined) return { problem: 'the policy document was not read' };
  if (!policy.ok) return { problem: failure(policy) };
  if (policy.value === null) return { noPolicy: true, problem: '' };
  const evaluation = evaluateBucketPolicy(policy.value);
  if (evaluation.parseError !== undefined) {
    return { problem: `the policy document could not be parsed: ${evaluation.parseError}` };
  }
  return { evaluation, problem: '' };
}

/**
 * The verdict on one bucket: public = (public ACL AND NOT IgnorePublicAcls) OR
 * (public policy AND NOT RestrictPublicBuckets), each flag in effect at either level.
 *
 * A failed or missing read makes the verdict `unknown` only when the answer depends on
 * it; the reason names the failed call and error code. Exposure neutralised by Block
 * Public Access is reported in `latentReasons` with the level that neutralises it.
 */
export function evaluateBucketExposure(facts: BucketFacts): BucketVerdict {
  const ignore = readFlag(facts, 'IgnorePublicAcls');
  const restrict = readFlag(facts, 'RestrictPublicBuckets');
  const aclPart = aclTerm(facts);
  const policyPart = policyTerm(facts);
  const terms = [
    { ...aclPart, neutralised: ignore, by: 'ignored by IgnorePublicAcls' },
    { ...policyPart, neutralised: restrict, by: 'restricted by RestrictPublicBuckets' },
  ];

  const latentReasons = terms.flatMap((term) =>
    term.exposed === true && term.neutralised.inEffect === true
      ? term.reasons.map((reason) => `${reason}, ${term.by} (${term.neutralised.levels})`)
      : [],
  );
  const results = terms.map((term) => and(term.exposed, not(term.neutralised.inEffect)));
  const isPublic = results.reduce<Tri>(or, false);

  if (isPublic === true) {
    const reasons = terms.flatMap((term, index) => (results[index] === true ? term.reasons : []));
    return { verdict: 'public', reasons, latentReasons };
  }
  if (isPublic === false) return { verdict: 'not-public', latentReasons };

  // Name only the unknowns the answer hangs on: in an unknown term, the exposure matters
  // unless the flag is known on, and the flag matters unless the exposure is known absent.
  const because: string[] = [];
  for (const [index, term] of terms.entries()) {
    if (results[index] !== 'unknown') continue;
    if (term.exposed === 'unknown') because.push(...term.unknownBecause);
    if (term.neutralised.inEffect === 'unknown') because.push(...term.neutralised.unknownBecause);
  }
  const reason = [...new Set(because)].join('; ');
  return { verdict: 'unknown', reason, latentReasons };
}

/**
 * Which reads the verdict still needs, given what is already known, so the adapter can
 * skip reads. A fact already present (read OK or failed) is never asked for again.
 *
 * - When the account flags ignore public ACLs AND restrict public policies, no bucket can
 *   be public: nothing per bucket is read (latent grants are then not inspected).
 * - Otherwise the grants come first: ACL and policy status. A bucket whose grants are not
 *   public is private whatever its flags say, so its flags are never read (two calls).
 * - The bucket's own flags are read only when they change the answer (a grant is public or
 *   could not be read): then they decide public versus latent.
 * - The policy document is needed only once the status is known to say public (to name the
 *   statements) or to have failed (to decide from the document).
 * Call again after each round of reads until nothing is needed.
 */
export function readsNeeded(facts: BucketFacts): {
  bucketFlags: boolean;
  acl: boolean;
  policyStatus: boolean;
  policy: boolean;
} {
  const accountNeutralisesAll =
    flagAt(facts.accountFlags, 'IgnorePublicAcls') === true &&
    flagAt(facts.accountFlags, 'RestrictPublicBuckets') === true;
  if (accountNeutralisesAll) return { bucketFlags: false, acl: false, policyStatus: false, policy: false };
  const status = facts.policyStatus;
  const statusNeedsDocument = status !== undefined && (!status.ok || status.value?.isPublic === true);
  const grantsRead = facts.acl !== undefined && status !== undefined;
  return {
    bucketFlags: facts.bucketFlags === undefined && grantsRead && bucketFlagsMatter(facts),
    acl: facts.acl === undefined,
    policyStatus: status === undefined,
    policy: facts.policy === undefined && statusNeedsDocument,
  };
}

const NEUTRALISING_FLAGS: PublicAccessBlockFlags = {
  BlockPublicAcls: false,
  IgnorePublicAcls: true,
  BlockPublicPolicy: false,
  RestrictPublicBuckets: true,
};

/** True when the bucket's own flags could change the verdict or the latent findings. */
function bucketFlagsMatter(facts: BucketFacts): boolean {
  const withoutFlags = evaluateBucketExposure({ ...facts, bucketFlags: { ok: true, value: null } });
  const neutralised = evaluateBucketExposure({
    ...facts,
    bucketFlags: { ok: true, value: NEUTRALISING_FLAGS },
  });
  return (
    withoutFlags.verdict !== neutralised.verdict ||
    withoutFlags.latentReasons.join('\n') !== neutralised.latentReasons.join('\n')
  );
}
