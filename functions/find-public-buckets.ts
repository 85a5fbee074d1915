/**
 * Lambda entry of the S3 reads: GET /s3/public-buckets (findS3BucketsWithPublicAccess) and the previews
 * GET /s3/buckets/{bucketName}/block-public-access/preview and GET /s3/account/block-public-access/preview,
 * which run here, without write permissions.
 */
import {
  findS3BucketsWithPublicAccess,
  previewBlockPublicAccessForS3Account,
  previewRemovePublicAccessFromS3Bucket,
} from '../openapi/operations';
import { createAccountBlockPreviewHandler } from './handlers/account-block-public-access';
import { createBlockPublicAccessPreviewHandler } from './handlers/block-bucket-public-access';
import { createFindPublicBucketsHandler } from './handlers/find-public-buckets';
import { lambdaS3Deps } from './handlers/lambda-s3-deps';
import { bindOperation } from './shared/http-router';
import { createLambdaHandler } from './shared/lambda-handler';

const deps = lambdaS3Deps();

export const handler = createLambdaHandler([
  bindOperation(findS3BucketsWithPublicAccess, createFindPublicBucketsHandler(deps)),
  bindOperation(previewRemovePublicAccessFromS3Bucket, createBlockPublicAccessPreviewHandler(deps)),
  bindOperation(previewBlockPublicAccessForS3Account, createAccountBlockPreviewHandler(deps)),
]);
