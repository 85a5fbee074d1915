/**
 * Lambda entry of the S3 writes: POST /s3/buckets/{bucketName}/block-public-access (removePublicAccessFromS3Bucket)
 * and POST /s3/account/block-public-access (blockPublicAccessForS3Account).
 */
import { blockPublicAccessForS3Account, removePublicAccessFromS3Bucket } from '../openapi/operations';
import { createAccountBlockHandler } from './handlers/account-block-public-access';
import { createBlockBucketPublicAccessHandler } from './handlers/block-bucket-public-access';
import { lambdaJournalDeps } from './handlers/lambda-journal-deps';
import { lambdaS3Deps } from './handlers/lambda-s3-deps';
import { bindOperation } from './shared/http-router';
import { createLambdaHandler } from './shared/lambda-handler';

const deps = lambdaS3Deps();
const journal = lambdaJournalDeps();

export const handler = createLambdaHandler([
  bindOperation(removePublicAccessFromS3Bucket, createBlockBucketPublicAccessHandler(deps, journal)),
  bindOperation(blockPublicAccessForS3Account, createAccountBlockHandler(deps, journal)),
]);
