import type { EC2Client } from '@aws-sdk/client-ec2';
import type { S3Client } from '@aws-sdk/client-s3';
import type { S3ControlClient } from '@aws-sdk/client-s3-control';
import type { WriteClients } from '../aws/assumed-write-role';
import type { ChangeJournal } from '../aws/change-journal';
import type { ChangeTarget } from '../domain/change-record';
import type { InvocationContext } from '../shared/invocation';
import type { PlanSigning } from '../shared/plan-signing';

/** What the journal-writing operations need: the journal and a clock (tests and the sandbox pass their own). */
export interface JournalDeps {
  journal: ChangeJournal;
  now: () => Date;
  /** Marks the stored scans a change to `target` makes out of date (finds then scan afresh). */
  invalidateScans: (target: ChangeTarget, at: Date) => Promise<void>;
  /** The account the records name as the target's. */
  resolveAccountId: (context: InvocationContext) => Promise<string>;
}

/** What the undo operations need besides the journal: clients for the targets' Regions. */
export interface UndoDeps extends JournalDeps {
  s3: (region: string) => S3Client;
  ec2: (region: string) => EC2Client;
  /** S3 Control (the account's own Block Public Access), in the Region the change recorded. */
  s3control: (region: string) => S3ControlClient;
  /** Signs the undo preview's planId and checks it on apply. */
  plans: PlanSigning;
  /** The clients an undo writes through: as the caller under the assumed write role (see assumed-write-role.ts). */
  writeS3: WriteClients<S3Client>;
  writeEc2: WriteClients<EC2Client>;
  writeS3Control: WriteClients<S3ControlClient>;
  /** Buckets carrying this tag are never changed, by an undo either (IAM sees bucket tags only with ABAC). */
  protectedTagKey: string;
  /** The group whose members may apply an undo, named to a read-only person in the preview. */
  remediatorGroup: string;
}
