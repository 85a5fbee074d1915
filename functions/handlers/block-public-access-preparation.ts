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
  readBucketFacts,
  readBucketFlags,
  readWebsiteEnabled,
  resolveBucketRegion,
  suggestBucketNames,
} from '../aws/s3-buckets';
import { type BlockPublicAccessPlan, planBlockPublicAccess } from '../domain/block-public-access-plan';
import {
  type BucketVerdict,
  evaluateBucketExposure,
  type Fact,
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
import { orList } from '../domain/summaries/plural';
import { BUCKET_NAME_MAX, cleanUntrustedText, quoteUntrusted } from '../domain/untrusted-text';
import { NotFoundError } from '../shared/errors';
import type { InvocationContext } from '../shared/invocation';
import { refuseProtectedBucket } from './protected-bucket';
import type { S3OperationDeps } from './s3-deps';

/** The bucket as read and the plan made from it: the same for the preview, the dry run and the write. */
export interface PreparedBlock {
  region: string;
  s3: S3Client;
  before: PublicAccessBlockFlags | null;
  plan: BlockPublicAccessPlan;
  /** The verdict on the bucket as it is (ACL, policy and both levels of flags). */
  verdictBefore: BucketVerdict;
  /** The verdict once its own four flags are on: its public grants stay, neutralised (latent). */
  verdictAfter: BucketVerdict;
  publicAfter: boolean;
  website: Fact<boolean>;
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
    const didYouMean = await suggestBucketNames(deps.clients.s3(deps.homeRegion), bucketName);
    throw new NotFoundError(
      `No bucket ${quoteUntrusted(bucketName, BUCKET_NAME_MAX)} in this account's bucket list${didYouMean.length > 0 ? `; did you mean ${orList(didYouMean.map((name) => quoteUntrusted(name, BUCKET_NAME_MAX)))}?` : ''}. Check the name (list public buckets with GET /s3/public-buckets).`,
      { didYouMean },
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
  // One tag read, only when something would be written: the protected tag and the intended-exposure tags.
  const tags = plan.changed ? await refuseProtectedBucket(s3, bucketName, deps.protectedTagKey) : undefined;
  // The grants (ACL, policy) say whether the bucket is public now and what stays behind, neutralised, after.
  const facts = await readBucketFacts(s3, bucketName, accountFlags, { bucketFlags });
  const verdictBefore = evaluateBucketExposure(facts);
  const verdictAfter = evaluateBucketExposure({ ...facts, bucketFlags: { ok: true, value: plan.after } });
  const publicAfter = verdictAfter.verdict === 'public';
  const warnings = blockPublicAccessWarnings({ bucketName, changed: plan.changed, website, accountFlags });
  const tagNames = deps.exposureTags ?? DEFAULT_EXPOSURE_TAGS;
  const intent = tags === undefined ? undefined : exposureIntentOf(tags, tagNames);
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
    verdictBefore,
    verdictAfter,
    publicAfter,
    website,
    warnings,
    binding: blockPublicAccessBinding(bucketName, region, before),
  };
}

/** The answer, for what was written or (dry run, preview) what would be. */
export function answerOf(bucketName: string, prepared: PreparedBlock, dryRun: boolean, preview = false) {
  const { region, before, plan, verdictBefore, verdictAfter, publicAfter, website, warnings } = prepared;
  const publicBefore = verdictBefore.verdict === 'unknown' ? null : verdictBefore.verdict === 'public';
  const summary = summariseBlockPublicAccess({
    bucketName,
    region,
    dryRun,
    preview,
    changed: plan.changed,
    before,
    publicAfter,
    publicBefore: verdictBefore,
    latentAfter: verdictAfter.latentReasons,
    website,
  });
  return {
    summary: prepared.intentNotice === undefined ? summary : `${prepared.intentNotice} ${summary}`,
    intendedExposure: prepared.intent === undefined ? null : { reason: prepared.intent.reason },
    bucketName: cleanUntrustedText(bucketName, BUCKET_NAME_MAX),
    region,
    dryRun,
    changed: plan.changed,
    before,
    after: plan.after,
    publicBefore,
    publicReasonsBefore: verdictBefore.verdict === 'public' ? verdictBefore.reasons : [],
    publicAfter,
    latentAfter: verdictAfter.latentReasons,
    website: website.ok ? website.value : null,
    warnings,
    undo: plan.undo,
  };
}
