/**
 * Paging and reuse for the finds, in one place both use. A find hands over its whole answer (fields and
 * lists, already in their final order); this module stores it as a snapshot, answers one page of it, and
 * serves later pages and identical finds from the snapshot without another scan:
 *
 * - with `nextToken`: the page it names, from the snapshot it names (no scan; refused with a 400 that says to
 *   scan again when the token is forged, for another query or caller, expired, or a change made through
 *   this API touched the service since the scan);
 * - without, and without `fresh=true`: the first page of the latest complete snapshot of the same query if
 *   it is within its TTL and no change made through this API touched the service since; else a new scan.
 *
 * A store that fails never fails the find: the scan's first page is answered, saying it cannot be paged.
 */
import { randomBytes } from 'node:crypto';
import { DEFAULT_FIND_LIMIT } from '../../openapi/limits';
import { awsErrorCode, upstreamError } from '../aws/aws-errors';
import {
  type OpenedSnapshot,
  type PackedRows,
  type ScanSnapshotStore,
  SnapshotGoneError,
  type SnapshotHead,
  snapshotScope,
  type Unpack,
} from '../aws/scan-snapshot-store';
import type { JsonValue } from '../domain/change-record';
import { summariseScanPage } from '../domain/summaries/scan-page-summary';
import { ValidationError } from '../shared/errors';
import type { InvocationContext } from '../shared/invocation';
import { logger } from '../shared/logger';
import type { PlanSigning } from '../shared/plan-signing';
import { type PageBinding, queryKeyOf, signPageToken, verifyPageToken } from '../shared/scan-page-token';

/** Default snapshot lifetime: long enough to page through in a chat, short enough to stay current. */
export const DEFAULT_SNAPSHOT_TTL_MS = 5 * 60_000;

export interface ScanSnapshotDeps {
  store: ScanSnapshotStore;
  /** The planId key: page tokens are signed with a key derived from it. */
  signing: PlanSigning;
  ttlMs: number;
  resolveAccountId: (context: InvocationContext) => Promise<string>;
}

/**
 * How a list's rows are stored packed: what many rows share (the same object in each) is stored once per chunk
 * and referred to by number. `unpack(pack(row))` must give the row exactly (the same JSON): every page, the
 * first included, is read back through it.
 */
export interface RowPacker<Row> {
  /** The row's stored form; `share` gives the number of a value rows share (one number per object). */
  pack(row: Row, share: (value: object) => number): JsonValue;
  /** The row from its stored form, given the shared values by number. */
  unpack(stored: JsonValue, shared: (ref: number) => JsonValue): Row;
}

export interface PagedScanSpec {
  operation: string;
  service: 's3' | 'ec2';
  /** Lists stored packed, by name; the others are stored row by row. */
  packers?: Readonly<Record<string, RowPacker<unknown>>>;
  /** The query parameters that shape the scan (everything but limit, nextToken and fresh). */
  parameters: Record<string, unknown>;
  limit: number;
  nextToken: string | undefined;
  fresh: boolean;
}

/** A find's whole answer: fields, and lists paged together (the same offset in each). */
export interface ScanAnswer<F, L> {
  fields: F;
  lists: L;
  /** False for an incomplete scan (time limit): it can be paged but is not reused by the next find. */
  reusable: boolean;
}

/** What the answer gains from paging. */
export interface PageFields {
  /** Pass back for the next page; null on the last. */
  nextToken: string | null;
  /** True when some list goes on past this page. */
  truncated: boolean;
  /** When the scan began (ISO 8601). */
  scannedAt: string;
  /** True when no scan ran for this answer: it came from a stored snapshot. */
  cached: boolean;
}

export interface PagedAnswer<F, L> {
  fields: F;
  lists: L;
  page: PageFields;
  /** Sentences to add to the find's summary (page position, snapshot age); may be empty. */
  pageSummary: string;
}

/** The query parameters that choose the page; every other parameter of a find shapes its scan. */
export interface PageQuery {
  limit?: number | undefined;
  nextToken?: string | undefined;
  fresh?: boolean | undefined;
}

/**
 * A find's answer for one page: its query split into the page it asks for and the parameters of the scan,
 * the page cut by {@link pagedScan} (limit defaulting to {@link DEFAULT_FIND_LIMIT}), then the fields, the
 * lists and the page fields in one object, with the page's sentences after the find's own summary.
 */
export async function pagedFind<
  Q extends PageQuery,
  F extends { summary: string },
  L extends Record<string, unknown[]>,
>(
  deps: ScanSnapshotDeps,
  context: InvocationContext,
  find: Pick<PagedScanSpec, 'operation' | 'service' | 'packers'>,
  query: Q,
  scan: (parameters: Omit<Q, keyof PageQuery>) => Promise<ScanAnswer<F, L>>,
) {
  const { limit, nextToken, fresh, ...parameters } = query;
  const paged = await pagedScan(
    deps,
    context,
    {
      operation: find.operation,
      service: find.service,
      ...(find.packers !== undefined ? { packers: find.packers } : {}),
      parameters,
      limit: limit ?? DEFAULT_FIND_LIMIT,
      nextToken,
      fresh: fresh === true,
    },
    () => scan(parameters),
  );
  return {
    ...paged.fields,
    ...paged.lists,
    ...paged.page,
    summary: [paged.fields.summary, paged.pageSummary].filter((s) => s !== '').join(' '),
  };
}

/** The page through the answer the scan (or its snapshot) gives. */
export async function pagedScan<F extends object, L extends Record<string, unknown[]>>(
  deps: ScanSnapshotDeps,
  context: InvocationContext,
  spec: PagedScanSpec,
  scan: () => Promise<ScanAnswer<F, L>>,
): Promise<PagedAnswer<F, L>> {
  const accountId = await deps.resolveAccountId(context);
  const scope = snapshotScope(accountId, spec.service);
  const queryKey = queryKeyOf(spec.operation, accountId, spec.parameters);
  const binding: PageBinding = { operation: spec.operation, queryKey, caller: context.caller.principal };

  if (spec.nextToken !== undefined) {
    if (spec.fresh)
      throw new ValidationError(
        'fresh=true asks for a new scan and nextToken for a page of an earlier one: send one or the other.',
      );
    return laterPage(deps, binding, scope, spec, spec.nextToken);
  }

  if (!spec.fresh) {
    const reused = await reusable(deps, queryKey, scope);
    if (reused !== undefined) {
      try {
        return await pageOf<F, L>(deps, binding, spec, reused.head, 0, true);
      } catch (error) {
        logger.warn('scan snapshot unreadable; scanning afresh', { errorCode: awsErrorCode(error) });
      }
    }
  }

  const scannedAt = new Date(deps.signing.now()).toISOString();
  const answer = await scan();
  // Everything goes through JSON once, so the first page is exactly what later pages read from the store.
  const fields = JSON.parse(JSON.stringify(answer.fields)) as JsonValue;
  const lists = Object.fromEntries(
    Object.entries(answer.lists).map(([name, rows]): [string, readonly string[] | PackedRows] => {
      const packer = spec.packers?.[name];
      return [name, packer === undefined ? rows.map((row) => JSON.stringify(row)) : packRows(rows, packer)];
    }),
  );
  const snapshotId = randomBytes(16).toString('base64url');
  const expiresAtMs = Date.parse(scannedAt) + deps.ttlMs;
  let stored = true;
  try {
    await deps.store.save({
      snapshotId,
      scannedAt,
      expiresAtMs,
      fields,
      lists,
      ...(answer.reusable ? { queryKey } : {}),
    });
  } catch (error) {
    stored = false;
    logger.warn('scan snapshot not stored; answering without paging', { errorCode: awsErrorCode(error) });
  }
  const totals = Object.fromEntries(Object.entries(lists).map(([name, rows]) => [name, listLength(rows)]));
  const more = Object.values(totals).some((total) => total > spec.limit);
  const unpackers = unpackersOf(spec);
  const firstPage = Object.fromEntries(
    Object.entries(lists).map(([name, rows]) => [name, firstRows(rows, spec.limit, unpackers[name])]),
  );
  return {
    fields: fields as F,
    lists: firstPage as L,
    page: {
      nextToken:
        more && stored
          ? signPageToken(binding, snapshotId, spec.limit, expiresAtMs, await deps.signing.key())
          : null,
      truncated: more,
      scannedAt,
      cached: false,
    },
    pageSummary: summariseScanPage({
      offset: 0,
      limit: spec.limit,
      totals,
      hasNextPage: more && stored,
      scannedAt,
      cached: false,
      now: deps.signing.now(),
      notStored: more && !stored,
    }),
  };
}

/** The latest complete snapshot of this query, if still current; a store that fails means "none". */
async function reusable(
  deps: ScanSnapshotDeps,
  queryKey: string,
  scope: string,
): Promise<OpenedSnapshot | undefined> {
  try {
    const found = await deps.store.latest(queryKey, scope);
    return found !== undefined && current(found, deps.signing.now()) ? found : undefined;
  } catch (error) {
    logger.warn('scan snapshot lookup failed; scanning afresh', { errorCode: awsErrorCode(error) });
    return undefined;
  }
}

function current(snapshot: OpenedSnapshot, now: number): boolean {
  return snapshot.head.expiresAtMs > now && !isStale(snapshot);
}

function isStale(snapshot: OpenedSnapshot): boolean {
  return snapshot.staleSince !== undefined && snapshot.staleSince >= snapshot.head.scannedAt;
}

const SCAN_AGAIN = 'run the same find again without nextToken (it scans afresh) and page from its nextToken';

async function laterPage<F, L>(
  deps: ScanSnapshotDeps,
  binding: PageBinding,
  scope: string,
  spec: PagedScanSpec,
  token: string,
): Promise<PagedAnswer<F, L>> {
  const now = deps.signing.now();
  const check = verifyPageToken(token, binding, await deps.signing.key(), now);
  if (!check.ok) throw new ValidationError(check.message, { reason: check.reason });
  let opened: OpenedSnapshot | undefined;
  try {
    opened = await deps.store.open(check.snapshotId, scope);
  } catch (error) {
    throw upstreamError('dynamodb:BatchGetItem', error);
  }
  if (opened === undefined || opened.head.expiresAtMs <= now)
    throw new ValidationError(`The scan this nextToken pages through is no longer kept; ${SCAN_AGAIN}.`, {
      reason: 'expired',
    });
  if (isStale(opened))
    throw new ValidationError(
      `A change was made through this API after this scan was taken (${opened.head.scannedAt}), so its later pages could show what is no longer true; ${SCAN_AGAIN}.`,
      { reason: 'changed-since' },
    );
  try {
    return await pageOf<F, L>(deps, binding, spec, opened.head, check.offset, true);
  } catch (error) {
    if (error instanceof SnapshotGoneError)
      throw new ValidationError(`The scan this nextToken pages through is no longer kept; ${SCAN_AGAIN}.`, {
        reason: 'expired',
      });
    throw upstreamError('dynamodb:BatchGetItem', error);
  }
}

async function pageOf<F, L>(
  deps: ScanSnapshotDeps,
  binding: PageBinding,
  spec: PagedScanSpec,
  head: SnapshotHead,
  offset: number,
  cached: boolean,
): Promise<PagedAnswer<F, L>> {
  const { limit } = spec;
  const lists = await deps.store.rows(head, offset, limit, unpackersOf(spec));
  const totals = Object.fromEntries(
    Object.entries(head.lists).map(([name, layout]) => [name, layout.length]),
  );
  const more = Object.values(totals).some((total) => total > offset + limit);
  return {
    fields: head.fields as F,
    lists: lists as L,
    page: {
      nextToken: more
        ? signPageToken(binding, head.snapshotId, offset + limit, head.expiresAtMs, await deps.signing.key())
        : null,
      truncated: more,
      scannedAt: head.scannedAt,
      cached,
    },
    pageSummary: summariseScanPage({
      offset,
      limit,
      totals,
      hasNextPage: more,
      scannedAt: head.scannedAt,
      cached,
      now: deps.signing.now(),
      notStored: false,
    }),
  };
}

/** Rows packed: each row's stored form, the numbers it refers to, and each shared value's text once. */
function packRows(rows: readonly unknown[], packer: RowPacker<unknown>): PackedRows {
  const numbers = new Map<unknown, number>();
  const shared: string[] = [];
  const refs: number[][] = [];
  let used: number[] = [];
  const share = (value: object) => {
    let ref = numbers.get(value);
    if (ref === undefined) {
      ref = shared.length;
      numbers.set(value, ref);
      shared.push(JSON.stringify(value));
    }
    if (!used.includes(ref)) used.push(ref);
    return ref;
  };
  const stored = rows.map((row) => {
    used = [];
    const text = JSON.stringify(packer.pack(row, share));
    refs.push(used);
    return text;
  });
  return { rows: stored, refs, shared };
}

/** The first `limit` rows of a list as the store would give them back (packed ones through their unpacker). */
function firstRows(
  rows: readonly string[] | PackedRows,
  limit: number,
  unpack: Unpack | undefined,
): JsonValue[] {
  if (Array.isArray(rows)) return rows.slice(0, limit).map((row) => JSON.parse(row) as JsonValue);
  const packed = rows as PackedRows;
  const parsed = new Map<number, JsonValue>();
  const shared = (ref: number): JsonValue => {
    let value = parsed.get(ref);
    if (value === undefined) {
      value = JSON.parse(packed.shared[ref] ?? 'null') as JsonValue;
      parsed.set(ref, value);
    }
    return value;
  };
  return packed.rows
    .slice(0, limit)
    .map((row) => (unpack ? unpack(JSON.parse(row) as JsonValue, shared) : (JSON.parse(row) as JsonValue)));
}

function unpackersOf(spec: PagedScanSpec): Record<string, Unpack> {
  return Object.fromEntries(
    Object.entries(spec.packers ?? {}).map(([name, packer]) => [
      name,
      (stored: JsonValue, shared: (ref: number) => JsonValue) => packer.unpack(stored, shared) as JsonValue,
    ]),
  );
}

function listLength(rows: readonly string[] | PackedRows): number {
  return Array.isArray(rows) ? rows.length : (rows as PackedRows).rows.length;
}
