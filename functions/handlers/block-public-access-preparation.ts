/**
 * The steps block-public-access and its preview share: find the bucket in its own Region, read its
 * flags, the account's flags and website hosting, plan (writes nothing), and shape the answer. One
 * preparation, so the preview, the dry run and the write can never plan differently.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { upstreamError } from '../aws/aws-errors';
import {
  findOwnBucket,
  readAccountFlags,
  readBucketFlags,
  readBucketTags,
  readWebsiteEnabled,
  resolveBucketRegion,
} from '../aws/s3-buckets';
import { type BlockPublicAccessPlan, planBlockPublicAccess } from '../domain/block-public-access-plan';
import { evaluateBucketExposure, type PublicAccessBlockFlags } from '../domain/bucket-exposure';
import { blockPublicAccessBinding, type ChangeBinding } from '../domain/plan-bindings';
import {
  blockPublicAccessWarnings,
  summariseBlockPublicAccess,
} from '../domain/summaries/block-public-access-summary';
import { ApiError, NotFoundError } from '../shared/errors';
import type { InvocationContext } from '../shared/invocation';
import type { S3OperationDeps } from './s3-deps';

/** The bucket as read and the plan made from it: the same for the preview, the dry run and the write. */
export interface PreparedBlock {
  region: string;
  s3: S3Client;
  before: PublicAccessBlockFlags | null;
  plan: BlockPublicAccessPlan;
  publicAfter: boolean;
  warnings: string[];
  binding: ChangeBinding;
}

/** Finds the bucket, reads its flags, the account's and its website, and plans; writes nothing. */
export async function prepareBlock(
  deps: S3OperationDeps,
  bucketName: string,
  context: InvocationContext,
  foundRegion: (region: string) => void = () => {},
): Promise<PreparedBlock> {
  const bucket = await findOwnBucket(deps.clients.s3(deps.homeRegion), bucketName);
  if (!bucket) {
    throw new NotFoundError(
      `Bucket ${bucketName} is not in this account's bucket list; check the name (list public buckets with GET /s3/public-buckets).`,
    );
  }
  // The same resolution as the scan: ListBuckets' BucketRegion, else GetBucketLocation (never the home Region).
  const resolved = await resolveBucketRegion(deps.clients.s3(deps.homeRegion), bucket);
  if (!resolved.ok) {
    throw upstreamError(`s3:${resolved.call}`, { name: resolved.errorCode });
  }
  const region = resolved.value;
  foundRegion(region);
  const s3 = deps.clients.s3(region);
  const accountId = await deps.resolveAccountId(context);
  const [bucketFlags, accountFlags, website] = await Promise.all([
    readBucketFlags(s3, bucketName),
    readAccountFlags(deps.clients, accountId, deps.homeRegion),
    readWebsiteEnabled(s3, bucketName),
  ]);
  if (!bucketFlags.ok) {
    throw upstreamError(`s3:${bucketFlags.call}`, { name: bucketFlags.errorCode });
  }
  const before = bucketFlags.value;
  const plan = planBlockPublicAccess(bucketName, region, before);
  if (plan.changed) await refuseProtected(s3, bucketName, deps.protectedTagKey);
  const publicAfter =
    evaluateBucketExposure({ bucketName, accountFlags, bucketFlags: { ok: true, value: plan.after } })
      .verdict === 'public';
  const warnings = blockPublicAccessWarnings({ bucketName, changed: plan.changed, website, accountFlags });
  return {
    region,
    s3,
    before,
    plan,
    publicAfter,
    warnings,
    binding: blockPublicAccessBinding(bucketName, region, before),
  };
}

/** 409: the bucket carries the protected tag, so this API will not change it (preview, dry run and write alike). */
export class ProtectedResourceError extends ApiError {
  constructor(bucketName: string, tagKey: string) {
    super(
      409,
      'Conflict',
      `Bucket ${bucketName} carries the tag "${tagKey}", which marks resources this API never changes; nothing was ` +
        'changed. Whoever owns the bucket decides: remove the tag to let this API block its public access, or ' +
        'change the bucket outside this API.',
      { protectedTagKey: tagKey },
    );
  }
}

/**
 * Refuses a bucket that carries the protected tag, before any write. IAM's Deny on the tag reaches buckets only
 * once ABAC is enabled on them, so the API reads the tags itself; a failed read refuses too (fail safe).
 */
async function refuseProtected(s3: S3Client, bucketName: string, tagKey: string): Promise<void> {
  const tags = await readBucketTags(s3, bucketName);
  if (!tags.ok) throw upstreamError(`s3:${tags.call}`, { name: tags.errorCode });
  if (Object.hasOwn(tags.value, tagKey)) throw new ProtectedResourceError(bucketName, tagKey);
}

/** The answer, for what was written or (dry run, preview) what would be. */
export function answerOf(bucketName: string, prepared: PreparedBlock, dryRun: boolean) {
  const { region, before, plan, publicAfter, warnings } = prepared;
  return {
    summary: summariseBlockPublicAccess({
      bucketName,
      region,
      dryRun,
      changed: plan.changed,
      before,
      publicAfter,
    }),
    bucketName,
    region,
    dryRun,
    changed: plan.changed,
    before,
    after: plan.after,
    publicAfter,
    warnings,
    undo: plan.undo,
  };
}
