/** Lambda entry: POST /ec2/instances/{instanceId}/close-port (closeUnwantedPortForEc2Instance). */
import { closeUnwantedPortForEc2Instance } from '../openapi/operations';
import { createCloseOpenPortHandler } from './handlers/close-open-port';
import { lambdaClosePortDeps } from './handlers/lambda-close-port-deps';
import { lambdaJournalDeps } from './handlers/lambda-journal-deps';
import { bindOperation } from './shared/http-router';
import { createLambdaHandler } from './shared/lambda-handler';

export const handler = createLambdaHandler([
  bindOperation(
    closeUnwantedPortForEc2Instance,
    createCloseOpenPortHandler(lambdaClosePortDeps(), lambdaJournalDeps()),
  ),
]);
