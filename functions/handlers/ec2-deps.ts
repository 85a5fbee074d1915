import type { EC2Client } from '@aws-sdk/client-ec2';
import type { WriteClients } from '../aws/assumed-write-role';
import type { RulesPerGroupQuota } from '../aws/service-quotas';
import type { ExposureIntentTags } from '../domain/exposure-intent';
import type { PlanSigning } from '../shared/plan-signing';
import type { ScanSnapshotDeps } from './paged-scan';

/** What the EC2 operations need from the outside world; Lambda and the local server each build one. */
export interface Ec2OperationDeps {
  /** One EC2 client per Region. */
  ec2: (region: string) => EC2Client;
  /** Region for account-wide calls (DescribeRegions). */
  homeRegion: string;
  /** Regions scanned at once. */
  concurrency: number;
  /** Milliseconds kept in reserve before the platform's deadline to shape and send the answer. */
  timeReserveMs: number;
  /** The account's "Inbound or outbound rules per security group" quota in a Region (Service Quotas). */
  rulesPerGroupQuota?: (region: string) => Promise<RulesPerGroupQuota>;
  /** Signs previews' planIds and checks them on apply. */
  plans: PlanSigning;
  /** Where the finds keep their scans for paging and reuse. */
  snapshots: ScanSnapshotDeps;
  /** The intended-exposure tag names; the defaults (aiops:exposure, aiops:exposure-reason) when absent. */
  exposureTags?: ExposureIntentTags;
  /** The client a write goes through: as the caller under the assumed write role (see assumed-write-role.ts). */
  writeEc2: WriteClients<EC2Client>;
  /** The group whose members may apply changes, named to a read-only person in previews. */
  remediatorGroup: string;
}
