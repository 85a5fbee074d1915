/**
 * The paging rows of the benchmark: one scan (first page), then every later page of its snapshot, then the
 * same find again. Later pages and the repeated find must make no S3 or EC2 call; the DynamoDB store gets a
 * latency of its own (single-digit milliseconds in a Region), since it is not the scanned account's API.
 */
import { createJournalClient } from '../../functions/aws/change-journal';
import type { AwsClientSettings } from '../../functions/aws/client-config';
import { createScanSnapshotStore } from '../../functions/aws/scan-snapshot-store';
import { DEFAULT_SNAPSHOT_TTL_MS, type ScanSnapshotDeps } from '../../functions/handlers/paged-scan';
import type { RecordedCall, SandboxAccount } from '../../functions/local/sandbox/sandbox-account';
import type { PlanSigning } from '../../functions/shared/plan-signing';

/** The snapshot table the bench's sandbox answers for. */
export const BENCH_SNAPSHOT_TABLE = 'bench-scan-snapshots';

export function benchSnapshots(
  settings: AwsClientSettings,
  plans: PlanSigning,
  accountId: string,
): ScanSnapshotDeps {
  return {
    store: createScanSnapshotStore(createJournalClient(settings, 'us-east-1'), BENCH_SNAPSHOT_TABLE),
    signing: plans,
    ttlMs: DEFAULT_SNAPSHOT_TTL_MS,
    resolveAccountId: async () => accountId,
  };
}

/** Calls to the scanned account (S3, S3 Control, EC2), not to the snapshot store. */
export function accountCalls(calls: readonly RecordedCall[]): number {
  return calls.filter((call) => call.service !== 'dynamodb').length;
}

export interface PagingStats {
  /** The first page: a fresh scan, stored. */
  firstPageMs: number;
  pages: number;
  /** Page 2..n: median and slowest. */
  pageMedianMs: number;
  pageMaxMs: number;
  /** S3/EC2 calls made by pages 2..n together (must be 0). */
  pageAccountCalls: number;
  /** DynamoDB calls per page. */
  storeCallsPerPage: number;
  /** The same find again (no nextToken, no fresh). */
  repeatMs: number;
  repeatAccountCalls: number;
  repeatCached: boolean;
  /** Items the snapshot took, and the largest one (DynamoDB stops at 400 KB). */
  snapshotItems: number;
  largestItemKb: number;
  rows: number;
}

/** One page of a find: what the paging run needs from the handler's answer. */
export interface FindPage {
  nextToken: string | null;
  cached: boolean;
  rows: number;
}

/** An item's size as DynamoDB counts it, near enough: attribute names plus values (binary by its bytes). */
function itemBytes(item: Record<string, { S?: string; N?: string; B?: Uint8Array }>): number {
  return Object.entries(item).reduce(
    (sum, [name, value]) =>
      sum + name.length + (value.B?.byteLength ?? Buffer.byteLength(value.S ?? value.N ?? '')),
    0,
  );
}

export async function runPaging(
  sandbox: SandboxAccount,
  find: (request: { nextToken?: string; fresh?: boolean }) => Promise<FindPage>,
  storeLatencyMs: number,
): Promise<PagingStats> {
  sandbox.latencyByService.dynamodb = storeLatencyMs;
  let started = performance.now();
  let page = await find({ fresh: true });
  const firstPageMs = performance.now() - started;
  let rows = page.rows;
  const times: number[] = [];
  const before = sandbox.calls.length;
  while (page.nextToken !== null) {
    started = performance.now();
    page = await find({ nextToken: page.nextToken });
    times.push(performance.now() - started);
    rows += page.rows;
  }
  const pageCalls = sandbox.calls.slice(before);
  const repeatFrom = sandbox.calls.length;
  started = performance.now();
  const repeat = await find({});
  const repeatMs = performance.now() - started;
  const items = sandbox.tables.items(BENCH_SNAPSHOT_TABLE);
  const sizes = items.map(itemBytes);
  times.sort((a, b) => a - b);
  return {
    firstPageMs,
    pages: times.length + 1,
    pageMedianMs: times[Math.floor(times.length / 2)] ?? Number.NaN,
    pageMaxMs: times[times.length - 1] ?? Number.NaN,
    pageAccountCalls: accountCalls(pageCalls),
    storeCallsPerPage: times.length === 0 ? 0 : (pageCalls.length - accountCalls(pageCalls)) / times.length,
    repeatMs,
    repeatAccountCalls: accountCalls(sandbox.calls.slice(repeatFrom)),
    repeatCached: repeat.cached,
    snapshotItems: items.length,
    largestItemKb: Math.max(...sizes) / 1024,
    rows,
  };
}
