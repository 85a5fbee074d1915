/**
 * Dependencies of the S3 operations inside Lambda, built once per container at
 * module scope (clients of the home Region included, so a warm call pays no
 * construction). A module of its own so S3 bundles never hold the EC2 client.
 */
import { defaultClientSettings } from '../aws/client-config';
import { createS3Clients } from '../aws/s3-clients';
import { exposureTagsFrom } from '../domain/exposure-intent';
import {
  DEFAULT_CONCURRENCY,
  DEFAULT_PROTECTED_TAG_KEY,
  DEFAULT_REMEDIATOR_GROUP,
  DEFAULT_TIME_RESERVE_MS,
} from '../shared/defaults';
import { readIntEnv, requireEnv } from '../shared/env';
import { accountIdFromArn } from '../shared/invocation';
import { lambdaPlanSigning } from './lambda-plan-signing';
import { lambdaSnapshotDeps } from './lambda-snapshot-deps';
import { lambdaWriteClients } from './lambda-write-role';
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
    snapshots: lambdaSnapshotDeps(plans),
    plans,
    // The tag names are the organisation's choice; unset means the documented defaults.
    exposureTags: exposureTagsFrom(process.env),
    protectedTagKey: process.env.PROTECTED_TAG_KEY || DEFAULT_PROTECTED_TAG_KEY,
    remediatorGroup: process.env.REMEDIATOR_GROUP || DEFAULT_REMEDIATOR_GROUP,
    writeS3: lambdaWriteClients(
      homeRegion,
      clients.s3,
      (credentials) => createS3Clients(defaultClientSettings({ concurrency: 1, credentials })).s3,
    ),
    resolveAccountId: async (context) => {
      const accountId = accountIdFromArn(context.invokedFunctionArn);
      if (!accountId) throw new Error('The Lambda context carries no account id in invokedFunctionArn.');
      return accountId;
    },
  };
}
