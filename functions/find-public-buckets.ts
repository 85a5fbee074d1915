/** Lambda entry: GET /s3/public-buckets (findS3BucketsWithPublicAccess). */
import { findS3BucketsWithPublicAccess } from '../openapi/operations';
import { createFindPublicBucketsHandler } from './handlers/find-public-buckets';
import { lambdaS3Deps } from './handlers/lambda-s3-deps';
import { bindOperation } from './shared/http-router';
import { createLambdaHandler } from './shared/lambda-handler';

export const handler = createLambdaHandler([
  bindOperation(findS3BucketsWithPublicAccess, createFindPublicBucketsHandler(lambdaS3Deps())),
]);
