/** Lambda entry: POST /ec2/instances/{instanceId}/close-port (closeUnwantedPortForEc2Instance). */
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { closeUnwantedPortForEc2Instance } from '../openapi/operations';
import { createCloseOpenPortHandler } from './handlers/close-open-port';
import { lambdaEc2Deps } from './handlers/lambda-ec2-deps';
import { bindOperation, createOperationRouter, resolveEvent } from './shared/http-router';

const router = createOperationRouter([
  bindOperation(closeUnwantedPortForEc2Instance, createCloseOpenPortHandler(lambdaEc2Deps())),
]);

export const handler = (event: APIGatewayProxyEvent, context: Context) =>
  resolveEvent(router, event, context);
