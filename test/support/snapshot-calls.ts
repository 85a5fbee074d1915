/** Test support: which recorded sandbox calls went to the scan snapshot table, and which to the account. */
import { SANDBOX_SNAPSHOT_TABLE } from '../../functions/local/local-backend';
import type { RecordedCall } from '../../functions/local/sandbox/sandbox-account';

/** A DynamoDB call on the scan snapshot table (by TableName, or the table a BatchGetItem reads). */
export function isSnapshotCall(call: RecordedCall): boolean {
  if (call.service !== 'dynamodb') return false;
  const requestItems = call.input.RequestItems as Record<string, unknown> | undefined;
  return (
    call.input.TableName === SANDBOX_SNAPSHOT_TABLE ||
    (requestItems?.[SANDBOX_SNAPSHOT_TABLE] ?? false) !== false
  );
}

/** Calls to the scanned account's S3, S3 Control and EC2 APIs: what "no AWS call" counts. */
export function scanCalls(calls: readonly RecordedCall[]): RecordedCall[] {
  return calls.filter(
    (call) => call.service === 's3' || call.service === 's3control' || call.service === 'ec2',
  );
}
