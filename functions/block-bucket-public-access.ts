/** Lambda entry: POST /s3/buckets/{bucketName}/block-public-access (removePublicAccessFromS3Bucket). */
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { removePublicAccessFromS3Bucket } from '../openapi/operations';
import { createBlockBucketPublicAccessHandler } from './handlers/block-bucket-public-access';
import { lambdaS3Deps } from './handlers/lambda-s3-deps';
import { bindOperation, createOperationRouter, resolveEvent } from './shared/http-router';

const router = createOperationRouter([
  bindOperation(removePublicAccessFromS3Bucket, createBlockBucketPublicAccessHandler(lambdaS3Deps())),
]);

export const handler = (event: APIGatewayProxyEvent, context: Context) =>
  resolveEvent(router, event, context);
