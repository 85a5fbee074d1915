/** Dependencies of the undo operations inside Lambda: per-Region S3 and EC2 clients plus the journal. */
import { defaultClientSettings } from '../aws/client-config';
import { createEc2Clients } from '../aws/ec2-clients';
import { createS3Clients } from '../aws/s3-clients';
import { DEFAULT_PROTECTED_TAG_KEY, DEFAULT_REMEDIATOR_GROUP } from '../shared/defaults';
import { requireEnv } from '../shared/env';
import type { JournalDeps, UndoDeps } from './change-deps';
import { lambdaPlanSigning } from './lambda-plan-signing';
import { lambdaWriteClients } from './lambda-write-role';

export function lambdaUndoDeps(journal: JournalDeps): UndoDeps {
  // An undo touches one bucket or a few groups: no scan width needed.
  const settings = defaultClientSettings({ concurrency: 4 });
  const s3Clients = createS3Clients(settings);
  const s3 = s3Clients.s3;
  const ec2 = createEc2Clients(settings);
  const homeRegion = requireEnv('AWS_REGION');
  return {
    ...journal,
    s3,
    ec2,
    s3control: s3Clients.s3control,
    plans: lambdaPlanSigning(),
    writeS3: lambdaWriteClients(
      homeRegion,
      s3,
      (credentials) => createS3Clients(defaultClientSettings({ concurrency: 1, credentials })).s3,
    ),
    writeS3Control: lambdaWriteClients(
      homeRegion,
      s3Clients.s3control,
      (credentials) => createS3Clients(defaultClientSettings({ concurrency: 1, credentials })).s3control,
    ),
    writeEc2: lambdaWriteClients(homeRegion, ec2, (credentials) =>
      createEc2Clients(defaultClientSettings({ concurrency: 1, credentials })),
    ),
    protectedTagKey: process.env.PROTECTED_TAG_KEY || DEFAULT_PROTECTED_TAG_KEY,
    remediatorGroup: process.env.REMEDIATOR_GROUP || DEFAULT_REMEDIATOR_GROUP,
  };
}
