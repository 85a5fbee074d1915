/** The `summary` and `warnings` of `removePublicAccessFromS3Bucket`. */
import {
  BLOCK_PUBLIC_ACCESS_FLAGS,
  type BucketVerdict,
  describeFailedRead,
  type Fact,
  type PublicAccessBlockFlags,
} from '../bucket-exposure';
import { BUCKET_NAME_MAX, quoteUntrusted } from '../untrusted-text';

/** What the sentences need from one block-public-access call. */
export interface BlockPublicAccessSummaryInput {
  bucketName: string;
  region: string;
  dryRun: boolean;
  /** A preview (a read that returns a planId): worded as a proposal to agree to, then apply. */
  preview?: boolean;
  changed: boolean;
  /** The bucket's own flags before, `null` when it had no configuration. */
  before: PublicAccessBlockFlags | null;
  /** Whether the bucket is public once its flags are on. */
  publicAfter: boolean;
  /** The verdict on the bucket as it was (absent: not judged). */
  publicBefore?: BucketVerdict;
  /** Public grants that stay in the ACL or policy, neutralised by the flags: they return if the flags go. */
  latentAfter?: readonly string[];
  /** Static website hosting on the bucket (absent: not read). */
  website?: Fact<boolean>;
}

function describeTurnedOn(before: PublicAccessBlockFlags | null): string {
  const off = BLOCK_PUBLIC_ACCESS_FLAGS.filter((flag) => before?.[flag] !== true);
  return off.length === BLOCK_PUBLIC_ACCESS_FLAGS.length ? 'all four flags' : off.join(', ');
}

/** Public now → public after, in one sentence (the reasons carry Sids already quoted). */
function describeBeforeAfter(call: BlockPublicAccessSummaryInput, would: boolean): string | undefined {
  const verdict = call.publicBefore;
  if (verdict === undefined) return undefined;
  const after = call.publicAfter
    ? `${would ? 'would still be' : 'is still'} public`
    : `${would ? 'would no longer be' : 'is no longer'} public`;
  if (verdict.verdict === 'public') {
    return `The bucket ${would ? 'is' : 'was'} public (${verdict.reasons.join('; ')}) and ${after}.`;
  }
  if (verdict.verdict === 'unknown') {
    return `Whether the bucket ${would ? 'is' : 'was'} public could not be told (${verdict.reason}); afterwards it ${after}.`;
  }
  return call.publicAfter
    ? `The bucket ${would ? 'is' : 'was'} not public, but afterwards it ${after}.`
    : `The bucket ${would ? 'is' : 'was'} not public; the flags also stop it from being made public later.`;
}

/**
 * The answer's summary: what was (or would be) turned on, public before → after, the grants left latent,
 * a website that stops answering. A preview ends by saying how to apply exactly this change.
 */
export function summariseBlockPublicAccess(call: BlockPublicAccessSummaryInput): string {
  const { region } = call;
  const preview = call.preview === true;
  const would = call.dryRun || preview;
  const bucketName = quoteUntrusted(call.bucketName, BUCKET_NAME_MAX);
  if (!call.changed) {
    return `Bucket ${bucketName} (${region}) already has all four Block Public Access flags on; nothing ${preview ? 'would change' : 'was changed'}.`;
  }
  const sentences: string[] = [];
  if (would) {
    sentences.push(
      `${preview ? 'Preview' : 'Dry run'}: blocking public access on ${bucketName} (${region}) would turn on ${describeTurnedOn(call.before)}.`,
    );
  } else {
    sentences.push(
      `Blocked public access on ${bucketName} (${region}): turned on ${describeTurnedOn(call.before)}.`,
    );
  }
  const beforeAfter = describeBeforeAfter(call, would);
  if (beforeAfter !== undefined) sentences.push(beforeAfter);
  else
    sentences.push(
      `The bucket ${call.publicAfter ? (would ? 'would still be' : 'is still') : would ? 'would no longer be' : 'is no longer'} public.`,
    );
  const latent = call.latentAfter ?? [];
  if (latent.length > 0) {
    sentences.push(
      `Its public grants stay in place, neutralised (${latent.join('; ')}): they take effect again if these flags are turned off.`,
    );
  }
  if (call.website?.ok && call.website.value) {
    sentences.push(
      `Its static website ${would ? 'would stop' : 'stops'} answering visitors (403 Access Denied on the website endpoint).`,
    );
  } else if (call.website !== undefined && !call.website.ok) {
    sentences.push(`Whether it hosts a website could not be checked (${describeFailedRead(call.website)}).`);
  }
  if (preview) {
    sentences.push(
      'Nothing was changed. Show this to the user; only if they agree, apply exactly this change with removePublicAccessFromS3Bucket and this planId.',
    );
  } else {
    sentences.push(would ? 'Nothing was changed.' : 'The undo list restores the previous flags.');
  }
  return sentences.join(' ');
}

/** What the caller should know beyond the bucket: a website that stops serving, an account left open. */
export function blockPublicAccessWarnings(call: {
  bucketName: string;
  changed: boolean;
  website: Fact<boolean>;
  /** The account-level flags, `null` when the account has none. */
  accountFlags: Fact<PublicAccessBlockFlags | null>;
}): string[] {
  const { website, accountFlags } = call;
  const bucketName = quoteUntrusted(call.bucketName, BUCKET_NAME_MAX);
  const warnings: string[] = [];
  if (website.ok && website.value && call.changed) {
    warnings.push(
      `Bucket ${bucketName} hosts a static website: once public access is blocked, its website endpoint answers 403 Access Denied to visitors. Serve it through CloudFront with origin access control instead.`,
    );
  } else if (!website.ok && call.changed) {
    warnings.push(`Could not check whether ${bucketName} hosts a website (${describeFailedRead(website)}).`);
  }
  if (!accountFlags.ok) {
    warnings.push(
      `Could not read the account-level Block Public Access flags (${describeFailedRead(accountFlags)}).`,
    );
  } else if (!BLOCK_PUBLIC_ACCESS_FLAGS.every((flag) => accountFlags.value?.[flag] === true)) {
    warnings.push(
      'Account-level Block Public Access is not fully on, so other buckets can still be made public; consider `aws s3control put-public-access-block` for the whole account.',
    );
  }
  return warnings;
}
