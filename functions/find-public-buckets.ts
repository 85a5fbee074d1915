/** Lambda entry: GET /s3/public-buckets (findS3BucketsWithPublicAccess). */
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { findS3BucketsWithPublicAccess } from '../openapi/operations';
import { createFindPublicBucketsHandler } from './handlers/find-public-buckets';
import { lambdaS3Deps } from './handlers/lambda-s3-deps';
import { bindOperation, createOperationRouter, resolveEvent } from './shared/http-router';

const router = createOperationRouter([
  bindOperation(findS3BucketsWithPublicAccess, createFindPublicBucketsHandler(lambdaS3Deps())),
]);

export const handler = (event: APIGatewayProxyEvent, context: Context) =>
  resolveEvent(router, event, context);
