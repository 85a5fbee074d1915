/** Dependencies of the undo operations inside Lambda: per-Region S3 and EC2 clients plus the journal. */
import { defaultClientSettings } from '../aws/client-config';
import { createEc2Clients } from '../aws/ec2-clients';
import { createS3Clients } from '../aws/s3-clients';
import type { JournalDeps, UndoDeps } from './change-deps';
import { lambdaPlanSigning } from './lambda-plan-signing';

export function lambdaUndoDeps(journal: JournalDeps): UndoDeps {
  // An undo touches one bucket or a few groups: no scan width needed.
  const settings = defaultClientSettings({ concurrency: 4 });
  const s3 = createS3Clients(settings).s3;
  return {
    ...journal,
    s3,
    ec2: createEc2Clients(settings),
    plans: lambdaPlanSigning(),
  };
}
