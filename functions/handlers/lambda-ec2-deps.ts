/**
 * Dependencies of the EC2 operations inside Lambda, built once per container at
 * module scope. A module of its own so EC2 bundles never hold the S3 clients.
 */
import { defaultClientSettings } from '../aws/client-config';
import { createEc2Clients } from '../aws/ec2-clients';
import { exposureTagsFrom } from '../domain/exposure-intent';
import { DEFAULT_CONCURRENCY, DEFAULT_REMEDIATOR_GROUP, DEFAULT_TIME_RESERVE_MS } from '../shared/defaults';
import { readIntEnv, requireEnv } from '../shared/env';
import type { Ec2OperationDeps } from './ec2-deps';
import { lambdaPlanSigning } from './lambda-plan-signing';
import { lambdaSnapshotDeps } from './lambda-snapshot-deps';
import { lambdaWriteClients } from './lambda-write-role';

export function lambdaEc2Deps(): Ec2OperationDeps {
  const concurrency = readIntEnv('SCAN_CONCURRENCY', DEFAULT_CONCURRENCY);
  const homeRegion = requireEnv('AWS_REGION');
  const ec2 = createEc2Clients(defaultClientSettings({ concurrency }));
  ec2(homeRegion);
  const plans = lambdaPlanSigning();
  return {
    ec2,
    homeRegion,
    concurrency,
    timeReserveMs: readIntEnv('TIME_RESERVE_MS', DEFAULT_TIME_RESERVE_MS),
    snapshots: lambdaSnapshotDeps(plans),
    plans,
    // The tag names are the organisation's choice; unset means the documented defaults.
    exposureTags: exposureTagsFrom(process.env),
    remediatorGroup: process.env.REMEDIATOR_GROUP || DEFAULT_REMEDIATOR_GROUP,
    writeEc2: lambdaWriteClients(homeRegion, ec2, (credentials) =>
      createEc2Clients(defaultClientSettings({ concurrency: 1, credentials })),
    ),
  };
}
