/** Lambda entry: POST /s3/buckets/{bucketName}/block-public-access (removePublicAccessFromS3Bucket). */
import { removePublicAccessFromS3Bucket } from '../openapi/operations';
import { createBlockBucketPublicAccessHandler } from './handlers/block-bucket-public-access';
import { lambdaJournalDeps } from './handlers/lambda-journal-deps';
import { lambdaS3Deps } from './handlers/lambda-s3-deps';
import { bindOperation } from './shared/http-router';
import { createLambdaHandler } from './shared/lambda-handler';

export const handler = createLambdaHandler([
  bindOperation(
    removePublicAccessFromS3Bucket,
    createBlockBucketPublicAccessHandler(lambdaS3Deps(), lambdaJournalDeps()),
  ),
]);
