/** Dependencies of the S3 operations inside Lambda: built once per container, at module scope. */
import { defaultClientSettings } from '../aws/client-config';
import { createS3Clients } from '../aws/s3-clients';
import { readIntEnv, requireEnv } from '../shared/env';
import { accountIdFromArn } from '../shared/invocation';
import type { S3OperationDeps } from './s3-deps';

export function lambdaS3Deps(): S3OperationDeps {
  const concurrency = readIntEnv('SCAN_CONCURRENCY', 64);
  return {
    clients: createS3Clients(defaultClientSettings({ concurrency })),
    homeRegion: requireEnv('AWS_REGION'),
    concurrency,
    timeReserveMs: readIntEnv('TIME_RESERVE_MS', 2_500),
    resolveAccountId: async (context) => {
      const accountId = accountIdFromArn(context.invokedFunctionArn);
      if (!accountId) throw new Error('The Lambda context carries no account id in invokedFunctionArn.');
      return accountId;
    },
  };
}
