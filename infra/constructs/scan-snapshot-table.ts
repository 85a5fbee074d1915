/**
 * The scan snapshot table: a find's scan kept a few minutes, for its later pages and for identical finds
 * (see functions/aws/scan-snapshot-store.ts for the items). A table of its own, apart from the change
 * journal: the read functions get write access here (to store scans) and none on the audit record, and
 * DynamoDB TTL removes what expired. It holds copies of what the finds answer, nothing that cannot be scanned
 * again, so no backups and nothing kept on destroy.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';

/** The TTL attribute (epoch seconds); reads also check it, as DynamoDB deletes expired items lazily. */
export const SCAN_SNAPSHOT_TTL_ATTRIBUTE = 'expiresAt';

export class ScanSnapshotTable extends Construct {
  readonly table: dynamodb.TableV2;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.table = new dynamodb.TableV2(this, 'Table', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: SCAN_SNAPSHOT_TTL_ATTRIBUTE,
      // Written once per scan, read once per page: on-demand costs nothing when idle.
      billing: dynamodb.Billing.onDemand(),
      removalPolicy: RemovalPolicy.DESTROY,
    });
  }
}
