/** Lambda entry: GET /ec2/instances-with-open-port (findEc2InstancesWithOpenPort). */
import { findEc2InstancesWithOpenPort } from '../openapi/operations';
import { createFindOpenPortsHandler } from './handlers/find-open-ports';
import { lambdaEc2Deps } from './handlers/lambda-ec2-deps';
import { bindOperation } from './shared/http-router';
import { createLambdaHandler } from './shared/lambda-handler';

export const handler = createLambdaHandler([
  bindOperation(findEc2InstancesWithOpenPort, createFindOpenPortsHandler(lambdaEc2Deps())),
]);
