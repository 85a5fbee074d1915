import type { S3Client } from '@aws-sdk/client-s3';
import type { WriteClients } from '../aws/assumed-write-role';
import type { S3Clients } from '../aws/s3-clients';
import type { ExposureIntentTags } from '../domain/exposure-intent';
import type { InvocationContext } from '../shared/invocation';
import type { PlanSigning } from '../shared/plan-signing';
import type { ScanSnapshotDeps } from './paged-scan';

/** What the S3 operations need from the outside world; Lambda and the local server each build one. */
export interface S3OperationDeps {
  clients: S3Clients;
  /** Region for account-wide calls (ListBuckets, S3 Control). */
  homeRegion: string;
  concurrency: number;
  resolveAccountId: (context: InvocationContext) => Promise<string>;
  /** Milliseconds kept in reserve before the platform's deadline to shape and send the answer. */
  timeReserveMs: number;
  /** Signs previews' planIds and checks them on apply. */
  plans: PlanSigning;
  /** Where the finds keep their scans for paging and reuse. */
  snapshots: ScanSnapshotDeps;
  /** The intended-exposure tag names; the defaults (aiops:exposure, aiops:exposure-reason) when absent. */
  exposureTags?: ExposureIntentTags;
  /** The client a write goes through: as the caller under the assumed write role (see assumed-write-role.ts). */
  writeS3: WriteClients<S3Client>;
  /** Buckets carrying this tag are never changed (checked before the write: IAM sees bucket tags only with ABAC). */
  protectedTagKey: string;
  /** The group whose members may apply changes, named to a read-only person in previews. */
  remediatorGroup: string;
}
