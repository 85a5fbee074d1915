/**
 * The scan snapshot store inside Lambda: one DynamoDB client of the function's Region, built once per
 * container, on the table the stack names in SCAN_SNAPSHOT_TABLE; the lifetime of a snapshot comes from
 * SCAN_SNAPSHOT_TTL_SECONDS.
 */
import { defaultClientSettings } from '../aws/client-config';
import {
  createScanSnapshotStore,
  createSnapshotClient,
  type ScanSnapshotStore,
} from '../aws/scan-snapshot-store';
import { readIntEnv, requireEnv } from '../shared/env';
import { accountIdFromArn } from '../shared/invocation';
import type { PlanSigning } from '../shared/plan-signing';
import { DEFAULT_SNAPSHOT_TTL_MS, type ScanSnapshotDeps } from './paged-scan';

let store: ScanSnapshotStore | undefined;

/** The store, built on first use: the write functions use it only to mark scans out of date. */
export function lambdaSnapshotStore(): ScanSnapshotStore {
  store ??= createScanSnapshotStore(
    createSnapshotClient(
      defaultClientSettings({ concurrency: 16, maxAttempts: 5 }),
      requireEnv('AWS_REGION'),
    ),
    requireEnv('SCAN_SNAPSHOT_TABLE'),
  );
  return store;
}

export function lambdaSnapshotDeps(signing: PlanSigning): ScanSnapshotDeps {
  return {
    // Built on first use: a function that never pages (a write, the preview) needs no table name.
    get store() {
      return lambdaSnapshotStore();
    },
    signing,
    ttlMs: readIntEnv('SCAN_SNAPSHOT_TTL_SECONDS', DEFAULT_SNAPSHOT_TTL_MS / 1000) * 1000,
    resolveAccountId: async (context) => {
      const accountId = accountIdFromArn(context.invokedFunctionArn);
      if (!accountId) throw new Error('The Lambda context carries no account id in invokedFunctionArn.');
      return accountId;
    },
  };
}
