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
import {
  describeFailedRead,
  evaluateBucketExposure,
  type PublicAccessBlockFlags,
} from '../domain/bucket-exposure';
import {
  DEFAULT_EXPOSURE_TAGS,
  type ExposureIntent,
  exposureIntentOf,
  intendedExposureForced,
  intendedExposureRefusal,
} from '../domain/exposure-intent';
import { blockPublicAccessBinding, type ChangeBinding } from '../domain/plan-bindings';
import {
  blockPublicAccessWarnings,
  summariseBlockPublicAccess,
} from '../domain/summaries/block-public-access-summary';
import { BUCKET_NAME_MAX, quoteUntrusted } from '../domain/untrusted-text';
import { NotFoundError } from '../shared/errors';
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
  /** Set when the bucket is tagged as public on purpose: the write refuses without force. */
  intent: ExposureIntent | undefined;
  /** The refusal (write) or warning (preview) sentence when `intent` is set and the change would write. */
  intentNotice: string | undefined;
}

/** Finds the bucket, reads its flags, the account's and its website, and plans; writes nothing. */
export async function prepareBlock(
  deps: S3OperationDeps,
  bucketName: string,
  context: InvocationContext,
  foundRegion: (region: string) => void = () => {},
  force = false,
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
  const [bucketFlags, accountFlags, website, tags] = await Promise.all([
    readBucketFlags(s3, bucketName),
    readAccountFlags(deps.clients, accountId, deps.homeRegion),
    readWebsiteEnabled(s3, bucketName),
    readBucketTags(s3, bucketName),
  ]);
  if (!bucketFlags.ok) {
    throw upstreamError(`s3:${bucketFlags.call}`, { name: bucketFlags.errorCode });
  }
  const before = bucketFlags.value;
  const plan = planBlockPublicAccess(bucketName, region, before);
  const publicAfter =
    evaluateBucketExposure({ bucketName, accountFlags, bucketFlags: { ok: true, value: plan.after } })
      .verdict === 'public';
  const warnings = blockPublicAccessWarnings({ bucketName, changed: plan.changed, website, accountFlags });
  const tagNames = deps.exposureTags ?? DEFAULT_EXPOSURE_TAGS;
  const intent = tags.ok ? exposureIntentOf(tags.value, tagNames) : undefined;
  if (!tags.ok && plan.changed) {
    warnings.push(
      `${describeFailedRead(tags)}, so whether the bucket is tagged ${tagNames.intentKey}=intended (public on purpose) could not be checked.`,
    );
  }
  const label = `Bucket ${quoteUntrusted(bucketName, BUCKET_NAME_MAX)} (${region})`;
  const intentNotice =
    intent === undefined || !plan.changed
      ? undefined
      : (force ? intendedExposureForced : intendedExposureRefusal)(label, intent, tagNames);
  if (intentNotice !== undefined) warnings.unshift(intentNotice);
  return {
    intent,
    intentNotice,
    region,
    s3,
    before,
    plan,
    publicAfter,
    warnings,
    binding: blockPublicAccessBinding(bucketName, region, before),
  };
}

/** The answer, for what was written or (dry run, preview) what would be. */
export function answerOf(bucketName: string, prepared: PreparedBlock, dryRun: boolean) {
  const { region, before, plan, publicAfter, warnings } = prepared;
  const summary = summariseBlockPublicAccess({
    bucketName,
    region,
    dryRun,
    changed: plan.changed,
    before,
    publicAfter,
  });
  return {
    summary: prepared.intentNotice === undefined ? summary : `${prepared.intentNotice} ${summary}`,
    intendedExposure: prepared.intent === undefined ? null : { reason: prepared.intent.reason },
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
