/** Lambda entry: GET /ec2/instances-with-open-port (findEc2InstancesWithOpenPort). */
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { findEc2InstancesWithOpenPort } from '../openapi/operations';
import { createFindOpenPortsHandler } from './handlers/find-open-ports';
import { lambdaEc2Deps } from './handlers/lambda-ec2-deps';
import { bindOperation, createOperationRouter, resolveEvent } from './shared/http-router';

const router = createOperationRouter([
  bindOperation(findEc2InstancesWithOpenPort, createFindOpenPortsHandler(lambdaEc2Deps())),
]);

export const handler = (event: APIGatewayProxyEvent, context: Context) =>
  resolveEvent(router, event, context);
