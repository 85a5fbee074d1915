/**
 * The remediation for a public bucket: turn on all four bucket-level Block Public Access
 * flags, and nothing else (policy and ACL stay as they are, so undoing is exact).
 */
import { BLOCK_PUBLIC_ACCESS_FLAGS, eachFlag, type PublicAccessBlockFlags } from './bucket-exposure';

/** What blocking public access on one bucket would do, and how to undo it. */
export interface BlockPublicAccessPlan {
  /** False when the bucket's own four flags are already on: no write is needed. */
  changed: boolean;
  /** The bucket-level flags before, `null` when the bucket had no configuration. */
  before: PublicAccessBlockFlags | null;
  after: PublicAccessBlockFlags;
  /** AWS CLI commands that restore `before` exactly; empty when nothing changes. */
  undo: string[];
}

const ALL_ON: PublicAccessBlockFlags = eachFlag(() => true);

/**
 * Plan `PutPublicAccessBlock` with all four flags on for one bucket.
 *
 * Only the bucket's own flags count for `changed`: account-level flags can be removed
 * independently, so a bucket relying on them alone still gets its own.
 *
 * @param bucketName - the bucket (S3 names are `[a-z0-9.-]`, so the commands need no quoting).
 * @param region - the bucket's region, where the undo command must go.
 * @param before - the bucket-level flags read just before, `null` for NoSuchPublicAccessBlockConfiguration.
 */
export function planBlockPublicAccess(
  bucketName: string,
  region: string,
  before: PublicAccessBlockFlags | null,
): BlockPublicAccessPlan {
  const after = { ...ALL_ON };
  const changed = before === null || BLOCK_PUBLIC_ACCESS_FLAGS.some((flag) => !before[flag]);
  if (!changed) return { changed, before: { ...before }, after, undo: [] };
  const target = `--bucket ${bucketName} --region ${region}`;
  // Restoring "no configuration" is a delete: putting four false flags would leave a
  // configuration behind, which is not what was there.
  const undo =
    before === null
      ? `aws s3api delete-public-access-block ${target}`
      : `aws s3api put-public-access-block ${target} --public-access-block-configuration ${BLOCK_PUBLIC_ACCESS_FLAGS.map(
          (flag) => `${flag}=${before[flag]}`,
        ).join(',')}`;
  return { changed, before: before === null ? null : { ...before }, after, undo: [undo] };
}
