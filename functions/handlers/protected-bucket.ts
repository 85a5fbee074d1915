/**
 * The protected-tag check on buckets, shared by every change to one (blocking public access, undoing a change):
 * IAM's Deny on the tag reaches buckets only once ABAC is enabled on them, so the API reads the tags itself.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { upstreamError } from '../aws/aws-errors';
import { readBucketTags } from '../aws/s3-buckets';
import { ApiError } from '../shared/errors';

/** 409: the bucket carries the protected tag, so this API will not change it (preview, dry run and write alike). */
export class ProtectedResourceError extends ApiError {
  /** @param change - what the API would have done, completing "remove the tag to let this API ..." */
  constructor(bucketName: string, tagKey: string, change = 'block its public access') {
    super(
      409,
      'Conflict',
      `Bucket ${bucketName} carries the tag "${tagKey}", which marks resources this API never changes; nothing was ` +
        `changed. Whoever owns the bucket decides: remove the tag to let this API ${change}, or ` +
        'change the bucket outside this API.',
      { protectedTagKey: tagKey },
    );
  }
}

/** The bucket's tags; a failed read throws (fail safe: an unreadable tag set is never taken as "not protected"). */
async function readTagsOrRefuse(s3: S3Client, bucketName: string): Promise<Record<string, string>> {
  const tags = await readBucketTags(s3, bucketName);
  if (!tags.ok) throw upstreamError(`s3:${tags.call}`, { name: tags.errorCode });
  return tags.value;
}

/** The refusal for a bucket that carries the protected tag, or undefined when it does not (for a preview to show). */
export async function protectedBucketRefusal(
  s3: S3Client,
  bucketName: string,
  tagKey: string,
  change?: string,
): Promise<ProtectedResourceError | undefined> {
  const tags = await readTagsOrRefuse(s3, bucketName);
  return Object.hasOwn(tags, tagKey) ? new ProtectedResourceError(bucketName, tagKey, change) : undefined;
}

/** Refuses (409) a bucket that carries the protected tag, before any write; otherwise returns its tags (one read). */
export async function refuseProtectedBucket(
  s3: S3Client,
  bucketName: string,
  tagKey: string,
  change?: string,
): Promise<Record<string, string>> {
  const tags = await readTagsOrRefuse(s3, bucketName);
  if (Object.hasOwn(tags, tagKey)) throw new ProtectedResourceError(bucketName, tagKey, change);
  return tags;
}
