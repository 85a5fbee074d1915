/** Lambda entry: POST /ec2/instances/{instanceId}/close-port (closeUnwantedPortForEc2Instance). */
import { closeUnwantedPortForEc2Instance } from '../openapi/operations';
import { createCloseOpenPortHandler } from './handlers/close-open-port';
import { lambdaEc2Deps } from './handlers/lambda-ec2-deps';
import { lambdaJournalDeps } from './handlers/lambda-journal-deps';
import { bindOperation } from './shared/http-router';
import { createLambdaHandler } from './shared/lambda-handler';

export const handler = createLambdaHandler([
  bindOperation(
    closeUnwantedPortForEc2Instance,
    createCloseOpenPortHandler(lambdaEc2Deps(), lambdaJournalDeps()),
  ),
]);
