/** The `summary` and `warnings` of `removePublicAccessFromS3Bucket`. */
import {
  BLOCK_PUBLIC_ACCESS_FLAGS,
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
  changed: boolean;
  /** The bucket's own flags before, `null` when it had no configuration. */
  before: PublicAccessBlockFlags | null;
  /** Whether the bucket is public once its flags are on. */
  publicAfter: boolean;
}

function describeTurnedOn(before: PublicAccessBlockFlags | null): string {
  const off = BLOCK_PUBLIC_ACCESS_FLAGS.filter((flag) => before?.[flag] !== true);
  return off.length === BLOCK_PUBLIC_ACCESS_FLAGS.length ? 'all four flags' : off.join(', ');
}

/** The answer's summary: what was (or would be) turned on, and whether the bucket is still public. */
export function summariseBlockPublicAccess(call: BlockPublicAccessSummaryInput): string {
  const { region } = call;
  const bucketName = quoteUntrusted(call.bucketName, BUCKET_NAME_MAX);
  if (!call.changed) {
    return `Bucket ${bucketName} (${region}) already has all four Block Public Access flags on; nothing was changed.`;
  }
  if (call.dryRun) {
    return `Dry run: blocking public access on ${bucketName} (${region}) would turn on ${describeTurnedOn(call.before)}. Nothing was changed.`;
  }
  return `Blocked public access on ${bucketName} (${region}): turned on ${describeTurnedOn(call.before)}. The bucket is ${call.publicAfter ? 'still public' : 'no longer public'}. The undo list restores the previous flags.`;
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
