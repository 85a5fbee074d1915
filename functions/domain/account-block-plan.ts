/**
 * Blocking public access for the whole account: turn on the account's four Block Public Access flags (S3
 * Control), which neutralise every public ACL and policy of every bucket at once. Pure: the plan, the
 * prediction of which buckets stop being public (from the scan's verdicts) and the summary.
 */
import {
  BLOCK_PUBLIC_ACCESS_FLAGS,
  type BucketVerdict,
  eachFlag,
  evaluateBucketExposure,
  type PublicAccessBlockFlags,
} from './bucket-exposure';
import { plural } from './summaries/plural';
import { BUCKET_NAME_MAX, quoteUntrusted } from './untrusted-text';

export const ACCOUNT_FLAGS_ALL_ON: PublicAccessBlockFlags = eachFlag(() => true);

export interface AccountBlockPlan {
  /** False when the account's four flags are already on: no write is needed. */
  changed: boolean;
  before: PublicAccessBlockFlags | null;
  after: PublicAccessBlockFlags;
  /** AWS CLI commands that restore `before` exactly (a delete when there was no configuration). */
  undo: string[];
}

/** The CLI text that puts the account's flags back to `flags` (null: delete the configuration). */
export function accountFlagsCommand(accountId: string, flags: PublicAccessBlockFlags | null): string {
  return flags === null
    ? `aws s3control delete-public-access-block --account-id ${accountId}`
    : `aws s3control put-public-access-block --account-id ${accountId} --public-access-block-configuration ${BLOCK_PUBLIC_ACCESS_FLAGS.map(
        (flag) => `${flag}=${flags[flag]}`,
      ).join(',')}`;
}

/** Plans PutPublicAccessBlock (S3 Control) with all four flags on for the account. */
export function planAccountBlock(accountId: string, before: PublicAccessBlockFlags | null): AccountBlockPlan {
  const after = { ...ACCOUNT_FLAGS_ALL_ON };
  const changed = before === null || BLOCK_PUBLIC_ACCESS_FLAGS.some((flag) => !before[flag]);
  return {
    changed,
    before: before === null ? null : { ...before },
    after,
    undo: changed ? [accountFlagsCommand(accountId, before)] : [],
  };
}

/** A bucket as the scan judged it, with what the prediction needs. */
export interface ScannedForAccountBlock {
  bucketName: string;
  region: string | undefined;
  verdict: BucketVerdict;
  website: boolean | null;
  /** Tagged as public on purpose: the reason (null when none), undefined when not tagged. */
  intendedReason: string | null | undefined;
}

export interface AffectedBucket {
  bucketName: string;
  region: string;
  website: boolean | null;
  intended: boolean;
  intendedReason: string | null;
  /** What made it public; with the account's flags on these grants stay, neutralised (latent). */
  reasons: string[];
}

export interface AccountBlockPrediction {
  /** Every bucket public now that stops being public: websites first (their site stops answering). */
  stopsBeingPublic: AffectedBucket[];
  /** Grants that become (or stay) latent: neutralised for as long as the account's flags stay on. */
  neutralised: Array<{ bucketName: string; reasons: string[] }>;
  /** Buckets whose exposure could not be read: with the account's flags on they cannot be public either. */
  unknownBefore: string[];
}

/**
 * Which buckets stop being public: each scanned bucket judged again with the account's four flags on (which
 * neutralise every ACL and policy grant, so no bucket-level read is needed to know the answer).
 */
export function predictAccountBlock(scanned: readonly ScannedForAccountBlock[]): AccountBlockPrediction {
  const accountFlags = { ok: true as const, value: ACCOUNT_FLAGS_ALL_ON };
  const stopsBeingPublic: AffectedBucket[] = [];
  const neutralised: AccountBlockPrediction['neutralised'] = [];
  const unknownBefore: string[] = [];
  for (const bucket of scanned) {
    const after = evaluateBucketExposure({ bucketName: bucket.bucketName, accountFlags });
    const publicNow = bucket.verdict.verdict === 'public' ? bucket.verdict.reasons : [];
    if (bucket.verdict.verdict === 'unknown' && after.verdict !== 'public')
      unknownBefore.push(bucket.bucketName);
    if (publicNow.length > 0 && after.verdict !== 'public') {
      stopsBeingPublic.push({
        bucketName: bucket.bucketName,
        region: bucket.region ?? 'unknown',
        website: bucket.website,
        intended: bucket.intendedReason !== undefined,
        intendedReason: bucket.intendedReason ?? null,
        reasons: publicNow,
      });
    }
    const latent = [...publicNow, ...bucket.verdict.latentReasons];
    if (latent.length > 0) neutralised.push({ bucketName: bucket.bucketName, reasons: latent });
  }
  const byName = (a: { bucketName: string }, b: { bucketName: string }) =>
    a.bucketName < b.bucketName ? -1 : a.bucketName > b.bucketName ? 1 : 0;
  stopsBeingPublic.sort((a, b) => Number(b.website === true) - Number(a.website === true) || byName(a, b));
  neutralised.sort(byName);
  unknownBefore.sort();
  return { stopsBeingPublic, neutralised, unknownBefore };
}

function describeAccountFlags(flags: PublicAccessBlockFlags | null): string {
  if (flags === null) return 'no account-level configuration';
  const on = BLOCK_PUBLIC_ACCESS_FLAGS.filter((flag) => flags[flag]);
  return on.length === 0
    ? 'all four flags off'
    : on.length === 4
      ? 'all four flags on'
      : `only ${on.join(', ')} on`;
}

/** One paragraph for chat: what the account block does (or would do), websites first, intended ones named. */
export function summariseAccountBlock(input: {
  accountId: string;
  mode: 'preview' | 'dry-run' | 'applied';
  plan: AccountBlockPlan;
  prediction: AccountBlockPrediction;
  complete: boolean;
}): string {
  const { plan, prediction, mode } = input;
  const quote = (name: string) => quoteUntrusted(name, BUCKET_NAME_MAX);
  if (!plan.changed) {
    return `Account ${input.accountId} already has all four Block Public Access flags on: no bucket in it can be public, and nothing was changed.`;
  }
  const verb =
    mode === 'applied'
      ? 'Turned on'
      : mode === 'dry-run'
        ? 'Dry run: would turn on'
        : 'Preview: blocking public access for the whole account would turn on';
  const parts = [
    `${verb} all four Block Public Access flags of account ${input.accountId} (it had ${describeAccountFlags(plan.before)}).`,
  ];
  const sites = prediction.stopsBeingPublic.filter((b) => b.website === true);
  if (sites.length > 0) {
    parts.push(
      `${plural(sites.length, 'static website')} ${mode === 'applied' ? 'stopped' : 'would stop'} answering visitors: ${sites.map((b) => quote(b.bucketName)).join(', ')}.`,
    );
  }
  const count = prediction.stopsBeingPublic.length;
  parts.push(
    count === 0
      ? 'No bucket is public now, so none changes; every grant is blocked from now on.'
      : `${plural(count, 'bucket')} ${mode === 'applied' ? 'stopped' : 'would stop'} being public: ${prediction.stopsBeingPublic.map((b) => quote(b.bucketName)).join(', ')}.`,
  );
  const intended = prediction.stopsBeingPublic.filter((b) => b.intended);
  if (intended.length > 0) {
    parts.push(
      `${plural(intended.length, 'bucket')} ${intended.length === 1 ? 'is' : 'are'} tagged as public on purpose: ${intended.map((b) => quote(b.bucketName)).join(', ')}; applying needs force: true. Check with their owners first.`,
    );
  }
  if (prediction.neutralised.length > 0) {
    parts.push(
      `The public grants of ${plural(prediction.neutralised.length, 'bucket')} stay in their ACL or policy, neutralised while the account's flags stay on.`,
    );
  }
  if (!input.complete) parts.push('The scan did not finish: some buckets were not read (see complete).');
  if (mode === 'preview') parts.push('Nothing was changed; once the user agrees, apply it with this planId.');
  if (mode === 'dry-run') parts.push('Nothing was changed.');
  return parts.join(' ');
}
