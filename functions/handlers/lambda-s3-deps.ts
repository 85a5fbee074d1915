/**
 * Dependencies of the S3 operations inside Lambda, built once per container at
 * module scope (clients of the home Region included, so a warm call pays no
 * construction). A module of its own so S3 bundles never hold the EC2 client.
 */
import { defaultClientSettings } from '../aws/client-config';
import { createS3Clients } from '../aws/s3-clients';
import { DEFAULT_CONCURRENCY, DEFAULT_TIME_RESERVE_MS } from '../shared/defaults';
import { readIntEnv, requireEnv } from '../shared/env';
import { accountIdFromArn } from '../shared/invocation';
import { lambdaPlanSigning } from './lambda-plan-signing';
import { lambdaSnapshotDeps } from './lambda-snapshot-deps';
import type { S3OperationDeps } from './s3-deps';

export function lambdaS3Deps(): S3OperationDeps {
  const concurrency = readIntEnv('SCAN_CONCURRENCY', DEFAULT_CONCURRENCY);
  const homeRegion = requireEnv('AWS_REGION');
  const clients = createS3Clients(defaultClientSettings({ concurrency }));
  clients.s3(homeRegion);
  clients.s3control(homeRegion);
  const plans = lambdaPlanSigning();
  return {
    clients,
    homeRegion,
    concurrency,
    timeReserveMs: readIntEnv('TIME_RESERVE_MS', DEFAULT_TIME_RESERVE_MS),
    plans,
    snapshots: lambdaSnapshotDeps(plans),
    resolveAccountId: async (context) => {
      const accountId = accountIdFromArn(context.invokedFunctionArn);
      if (!accountId) throw new Error('The Lambda context carries no account id in invokedFunctionArn.');
      return accountId;
    },
  };
}
