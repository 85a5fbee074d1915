/**
 * Lambda entry of the EC2 reads: GET /ec2/instances-with-open-port (findEc2InstancesWithOpenPort) and the
 * preview GET /ec2/instances/{instanceId}/close-port/preview, which runs here, without write permissions.
 */
import { findEc2InstancesWithOpenPort, previewCloseUnwantedPortForEc2Instance } from '../openapi/operations';
import { createClosePortPreviewHandler } from './handlers/close-open-port';
import { createFindOpenPortsHandler } from './handlers/find-open-ports';
import { lambdaClosePortDeps } from './handlers/lambda-close-port-deps';
import { lambdaEc2Deps } from './handlers/lambda-ec2-deps';
import { bindOperation } from './shared/http-router';
import { createLambdaHandler } from './shared/lambda-handler';

const deps = lambdaEc2Deps();

export const handler = createLambdaHandler([
  bindOperation(findEc2InstancesWithOpenPort, createFindOpenPortsHandler(deps)),
  // The preview reads the account's rule quota as the write does, so both plan alike.
  bindOperation(previewCloseUnwantedPortForEc2Instance, createClosePortPreviewHandler(lambdaClosePortDeps())),
]);
