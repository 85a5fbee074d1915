/** The operations the local server serves: every operation of the registry, with the same handlers as Lambda. */
import { findS3BucketsWithPublicAccess, removePublicAccessFromS3Bucket } from '../../openapi/operations';
import { createBlockBucketPublicAccessHandler } from '../handlers/block-bucket-public-access';
import { createFindPublicBucketsHandler } from '../handlers/find-public-buckets';
import { bindOperation, type OperationBinding } from '../shared/http-router';
import type { LocalBackend } from './local-backend';

export function localBindings(backend: LocalBackend): OperationBinding[] {
  return [
    bindOperation(findS3BucketsWithPublicAccess, createFindPublicBucketsHandler(backend.s3)),
    bindOperation(removePublicAccessFromS3Bucket, createBlockBucketPublicAccessHandler(backend.s3)),
  ] as OperationBinding[];
}
