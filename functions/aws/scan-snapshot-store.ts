/**
 * Scan snapshots: a find's whole result, kept a few minutes in DynamoDB so that its pages come from one
 * scan (page 2..n read here, never S3 or EC2) and an identical find within the TTL reuses it.
 *
 * Items (table keys `pk`, `sk`; `expiresAt` is the TTL attribute, epoch seconds):
 * - `snapshot#<id>` / `head`: when it was taken, the answer's fields other than its lists, and where each
 *   list's rows are chunked;
 * - `snapshot#<id>` / `rows#<list>#<n>`: consecutive rows of one list, compressed JSON (brotli when `encoding`
 *   says `br`, else gzip as written before, so a page of a snapshot taken just before a deploy still reads):
 *   an array of rows, or for a packed list `{"shared":{"<n>":value,...},"rows":[...]}`, the rows in their
 *   stored form with the values they share (by number) that the chunk's rows use;
 *   DynamoDB items stop at 400 KB, and a 10,000-instance answer is several MB: chunks keep any size storable,
 *   and a page reads only the chunks its rows are in, so a page costs the same whatever the account size;
 * - `query#<key>` / `latest`: the snapshot an identical find reuses (a copy of the head);
 * - `stale#<account>#<service>` / `marker`: when a change made through this API last touched that
 *   service: snapshots taken (begun) before it are not served again.
 */
import { brotliCompressSync, brotliDecompressSync, constants, gunzipSync } from 'node:zlib';
import {
  type AttributeValue,
  BatchGetItemCommand,
  DynamoDBClient,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { ChangeTarget, JsonValue } from '../domain/change-record';
import { type AwsClientSettings, baseClientConfig, prepareClientStack } from './client-config';

/**
 * Raw JSON per chunk: rows that do not compress at all still fit DynamoDB's 400 KB item limit (brotli adds
 * only a few bytes to data it cannot compress), a page unzips and parses at most two chunks (a few
 * milliseconds), and a 10,000-instance answer is written in a few dozen PutItem calls, not a hundred or more
 * (each call costs the SDK's serialising and signing whatever its size).
 */
const CHUNK_RAW_BYTES = 256 * 1024;
/**
 * Brotli at quality 1 compresses these rows (JSON repeating the same keys) faster than gzip's fastest level and
 * smaller: less CPU on the request that stores a large answer, fewer bytes to send and to bill.
 */
const ROWS_ENCODING = 'br';
const BROTLI_FAST = { params: { [constants.BROTLI_PARAM_QUALITY]: 1 } };
/** BatchGetItem reads at most 100 keys per call. */
const BATCH_GET_KEYS = 100;
/** Rounds of retrying keys DynamoDB left unprocessed (throttling) before the read fails. */
const UNPROCESSED_ROUNDS = 5;
/** How long a stale marker is kept: longer than any snapshot TTL, so it outlives what it invalidates. */
const MARKER_TTL_MS = 24 * 60 * 60_000;

/** Where one list's rows are: how many, and the first row of each chunk. */
export interface ListLayout {
  length: number;
  chunkStarts: number[];
  /** Rows stored packed (see {@link PackedRows}): read back with the list's unpacker. */
  packed?: true;
}

/**
 * A list whose rows share parts (a fleet on a few security groups repeats the same rules in thousands of
 * rows): each row's stored form refers to them by number, and each chunk stores the ones its rows use once.
 */
export interface PackedRows {
  /** Each row's stored form, as JSON text. */
  rows: readonly string[];
  /** The numbers of the shared values each row refers to. */
  refs: readonly (readonly number[])[];
  /** Each shared value's JSON text, by number. */
  shared: readonly string[];
}

/** A packed row back as the list holds it, given the shared values by number. */
export type Unpack = (stored: JsonValue, shared: (ref: number) => JsonValue) => JsonValue;

export interface SnapshotHead {
  snapshotId: string;
  /** When the scan began (ISO 8601): a change made through the API after it makes the snapshot stale. */
  scannedAt: string;
  expiresAtMs: number;
  /** The answer's fields other than the paged lists. */
  fields: JsonValue;
  lists: Record<string, ListLayout>;
}

export interface OpenedSnapshot {
  head: SnapshotHead;
  /** When a change made through this API last touched the snapshot's service (ISO 8601). */
  staleSince: string | undefined;
}

export interface NewSnapshot {
  snapshotId: string;
  scannedAt: string;
  expiresAtMs: number;
  fields: JsonValue;
  /**
   * Each list's rows, each as its JSON text (or packed): the caller serialises a row once, and also answers its
   * first page from that text, so a 10,000-row answer is never stringified twice.
   */
  lists: Record<string, readonly string[] | PackedRows>;
  /** Set to let identical finds reuse it (a complete scan): the query it answers. */
  queryKey?: string;
}

export interface ScanSnapshotStore {
  readonly tableName: string;
  save(snapshot: NewSnapshot): Promise<void>;
  /** The snapshot an identical query may reuse, with its service's stale marker. */
  latest(queryKey: string, scope: string): Promise<OpenedSnapshot | undefined>;
  /** A snapshot by id (from a nextToken), with its service's stale marker. */
  open(snapshotId: string, scope: string): Promise<OpenedSnapshot | undefined>;
  /** Rows `[offset, offset + limit)` of every list; a packed list is read back with its unpacker. */
  rows(
    head: SnapshotHead,
    offset: number,
    limit: number,
    unpackers?: Readonly<Record<string, Unpack>>,
  ): Promise<Record<string, JsonValue[]>>;
  /** Makes the scope's snapshots taken before `at` stale. */
  markStale(scope: string, at: Date): Promise<void>;
}

/** The scope of a stale marker: one service of one account. */
export function snapshotScope(accountId: string, service: 's3' | 'ec2'): string {
  return `${accountId}#${service}`;
}

/** The scope a change to `target` makes stale: every stored scan of its service in its account. */
export function scopeOfTarget(target: ChangeTarget): string {
  return snapshotScope(target.account, target.kind.startsWith('s3') ? 's3' : 'ec2');
}

/** Consecutive rows (JSON text), the shared values they bring (packed lists), and their UTF-8 size together. */
interface RowChunk {
  rows: string[];
  /** Packed lists: the shared values the chunk's rows use, by number, each as its JSON text. */
  shared?: Map<number, string>;
  bytes: number;
}

/**
 * Rows (as JSON text) cut into chunks of at most CHUNK_RAW_BYTES (a larger row gets a chunk of its own); a
 * packed list's chunk counts the shared values its rows bring with them.
 */
function chunkRows(list: readonly string[] | PackedRows): RowChunk[] {
  const packed = Array.isArray(list) ? undefined : (list as PackedRows);
  const rows = packed?.rows ?? (list as readonly string[]);
  const fresh = (): RowChunk => (packed ? { rows: [], shared: new Map(), bytes: 0 } : { rows: [], bytes: 0 });
  const chunks: RowChunk[] = [];
  let current = fresh();
  // A shared value's size (with its number) the first time a chunk takes it.
  const sharedSize = (ref: number) => Buffer.byteLength(packed?.shared[ref] ?? '') + 16;
  rows.forEach((row, index) => {
    const refs = packed?.refs[index];
    // The row, its comma, and the shared values it brings into the chunk.
    const ownSize = Buffer.byteLength(row) + 1;
    let rowSize = ownSize;
    if (refs !== undefined) for (const ref of refs) if (!current.shared?.has(ref)) rowSize += sharedSize(ref);
    if (current.rows.length > 0 && current.bytes + rowSize > CHUNK_RAW_BYTES) {
      chunks.push(current);
      current = fresh();
      rowSize = ownSize;
      if (refs !== undefined) for (const ref of refs) rowSize += sharedSize(ref);
    }
    current.rows.push(row);
    if (refs !== undefined) for (const ref of refs) current.shared?.set(ref, packed?.shared[ref] ?? 'null');
    current.bytes += rowSize;
  });
  if (current.rows.length > 0) chunks.push(current);
  return chunks;
}

/**
 * The chunk's JSON (the rows' array, or for a packed list the shared values and the rows) as UTF-8, written
 * piece by piece into one buffer: no joined copy of a quarter-megabyte string, no second conversion to bytes.
 */
function chunkJson(chunk: RowChunk): Buffer {
  const json = Buffer.allocUnsafe(chunk.bytes + chunk.rows.length + 64);
  let at = 0;
  const text = (piece: string) => {
    at += json.write(piece, at, 'utf8');
  };
  if (chunk.shared !== undefined) {
    text('{"shared":{');
    let first = true;
    for (const [ref, value] of chunk.shared) {
      text(`${first ? '' : ','}"${ref}":`);
      text(value);
      first = false;
    }
    text('},"rows":');
  }
  json[at++] = 0x5b; // [
  chunk.rows.forEach((row, index) => {
    if (index > 0) json[at++] = 0x2c; // ,
    text(row);
  });
  json[at++] = 0x5d; // ]
  if (chunk.shared !== undefined) text('}');
  return json.subarray(0, at);
}

function chunkKey(list: string, index: number): string {
  return `rows#${list}#${String(index).padStart(6, '0')}`;
}

function key(pk: string, sk: string): Record<string, AttributeValue> {
  return { pk: { S: pk }, sk: { S: sk } };
}

/**
 * The head item. A snapshot with a packed list keeps its layout under `packedLists` instead of `lists`: code from
 * before packing requires `lists`, so during a deploy or after a rollback it sees no such snapshot (the caller is
 * told to scan again) rather than failing on a chunk it cannot read.
 */
function headItem(head: SnapshotHead, pk: string, sk: string): Record<string, AttributeValue> {
  const packed = Object.values(head.lists).some((layout) => layout.packed === true);
  return {
    ...key(pk, sk),
    snapshotId: { S: head.snapshotId },
    scannedAt: { S: head.scannedAt },
    expiresAt: { N: String(Math.ceil(head.expiresAtMs / 1000)) },
    fields: { S: JSON.stringify(head.fields) },
    [packed ? 'packedLists' : 'lists']: { S: JSON.stringify(head.lists) },
  };
}

function headFrom(item: Record<string, AttributeValue> | undefined): SnapshotHead | undefined {
  const lists = item?.packedLists?.S ?? item?.lists?.S;
  if (item?.snapshotId?.S === undefined || item.fields?.S === undefined || lists === undefined)
    return undefined;
  return {
    snapshotId: item.snapshotId.S,
    scannedAt: item.scannedAt?.S ?? '',
    expiresAtMs: Number(item.expiresAt?.N ?? 0) * 1000,
    fields: JSON.parse(item.fields.S) as JsonValue,
    lists: JSON.parse(lists) as Record<string, ListLayout>,
  };
}

/** The snapshot store on a DynamoDB table (`pk`, `sk` strings; TTL on `expiresAt`). */
export function createScanSnapshotStore(client: DynamoDBClient, tableName: string): ScanSnapshotStore {
  /** Every item of `keys`, looked up by `pk\0sk`; strongly consistent, so a change's marker is seen at once. */
  async function getAll(keys: Record<string, AttributeValue>[]) {
    const found = new Map<string, Record<string, AttributeValue>>();
    for (let start = 0; start < keys.length; start += BATCH_GET_KEYS) {
      let pending = keys.slice(start, start + BATCH_GET_KEYS);
      for (let round = 0; pending.length > 0; round++) {
        if (round === UNPROCESSED_ROUNDS)
          throw Object.assign(new Error('DynamoDB left keys unprocessed'), {
            name: 'ProvisionedThroughputExceededException',
          });
        const out = await client.send(
          new BatchGetItemCommand({
            RequestItems: { [tableName]: { Keys: pending, ConsistentRead: true } },
          }),
        );
        for (const item of out.Responses?.[tableName] ?? [])
          found.set(`${item.pk?.S}\u0000${item.sk?.S}`, item);
        pending = out.UnprocessedKeys?.[tableName]?.Keys ?? [];
      }
    }
    return (pk: string, sk: string) => found.get(`${pk}\u0000${sk}`);
  }

  async function withMarker(pk: string, sk: string, scope: string): Promise<OpenedSnapshot | undefined> {
    const lookup = await getAll([key(pk, sk), key(`stale#${scope}`, 'marker')]);
    const head = headFrom(lookup(pk, sk));
    if (head === undefined) return undefined;
    return { head, staleSince: lookup(`stale#${scope}`, 'marker')?.at?.S };
  }

  return {
    tableName,

    async save(snapshot) {
      const pk = `snapshot#${snapshot.snapshotId}`;
      const expiresAt = { N: String(Math.ceil(snapshot.expiresAtMs / 1000)) };
      const lists: Record<string, ListLayout> = {};
      const puts: Record<string, AttributeValue>[] = [];
      for (const [name, rows] of Object.entries(snapshot.lists)) {
        const chunkStarts: number[] = [];
        let start = 0;
        const chunks = chunkRows(rows);
        chunks.forEach((chunk, index) => {
          chunkStarts.push(start);
          start += chunk.rows.length;
          puts.push({
            ...key(pk, chunkKey(name, index)),
            // The chunk's JSON array, from the rows' own text.
            rows: { B: brotliCompressSync(chunkJson(chunk), BROTLI_FAST) },
            encoding: { S: ROWS_ENCODING },
            expiresAt,
          });
        });
        lists[name] = Array.isArray(rows)
          ? { length: rows.length, chunkStarts }
          : { length: (rows as PackedRows).rows.length, chunkStarts, packed: true };
      }
      const head: SnapshotHead = {
        snapshotId: snapshot.snapshotId,
        scannedAt: snapshot.scannedAt,
        expiresAtMs: snapshot.expiresAtMs,
        fields: snapshot.fields,
        lists,
      };
      puts.push(headItem(head, pk, 'head'));
      await Promise.all(puts.map((Item) => client.send(new PutItemCommand({ TableName: tableName, Item }))));
      // Last, so an identical find never reuses a snapshot whose rows are not all written.
      if (snapshot.queryKey !== undefined)
        await client.send(
          new PutItemCommand({
            TableName: tableName,
            Item: headItem(head, `query#${snapshot.queryKey}`, 'latest'),
          }),
        );
    },

    latest: (queryKey, scope) => withMarker(`query#${queryKey}`, 'latest', scope),

    open: (snapshotId, scope) => withMarker(`snapshot#${snapshotId}`, 'head', scope),

    async rows(head, offset, limit, unpackers) {
      const pk = `snapshot#${head.snapshotId}`;
      const wanted: Array<{ list: string; index: number; start: number }> = [];
      for (const [list, layout] of Object.entries(head.lists)) {
        layout.chunkStarts.forEach((start, index) => {
          const end = layout.chunkStarts[index + 1] ?? layout.length;
          if (start < offset + limit && end > offset) wanted.push({ list, index, start });
        });
      }
      const lookup =
        wanted.length === 0 ? undefined : await getAll(wanted.map((w) => key(pk, chunkKey(w.list, w.index))));
      const result: Record<string, JsonValue[]> = {};
      for (const list of Object.keys(head.lists)) result[list] = [];
      for (const { list, index, start } of wanted) {
        const item = lookup?.(pk, chunkKey(list, index));
        const bytes = item?.rows?.B;
        // A chunk that expired while its head did not: the snapshot is gone as a whole.
        if (bytes === undefined) throw new SnapshotGoneError();
        const text = item?.encoding?.S === ROWS_ENCODING ? brotliDecompressSync(bytes) : gunzipSync(bytes);
        const json = JSON.parse(text.toString('utf8')) as JsonValue;
        const unpack = head.lists[list]?.packed === true ? unpackerOf(unpackers, list, json) : undefined;
        const rows = (unpack === undefined ? json : (json as { rows: JsonValue[] }).rows) as JsonValue[];
        rows.forEach((row, i) => {
          const at = start + i;
          if (at >= offset && at < offset + limit) result[list]?.push(unpack ? unpack(row) : row);
        });
      }
      return result;
    },

    async markStale(scope, at) {
      await client.send(
        new PutItemCommand({
          TableName: tableName,
          Item: {
            ...key(`stale#${scope}`, 'marker'),
            at: { S: at.toISOString() },
            expiresAt: { N: String(Math.ceil((at.getTime() + MARKER_TTL_MS) / 1000)) },
          },
        }),
      );
    },
  };
}

/** How one packed chunk's rows read back: the list's unpacker, with the chunk's own shared values. */
function unpackerOf(
  unpackers: Readonly<Record<string, Unpack>> | undefined,
  list: string,
  chunk: JsonValue,
): (row: JsonValue) => JsonValue {
  const unpack = unpackers?.[list];
  const shared = (chunk as { shared?: Record<string, JsonValue> } | null)?.shared;
  // Packed by a version of this API that packed the list differently: the snapshot cannot be read back.
  if (unpack === undefined || shared === undefined || !Array.isArray((chunk as { rows?: unknown }).rows))
    throw new SnapshotGoneError();
  return (row) =>
    unpack(row, (ref) => {
      const value = shared[String(ref)];
      if (value === undefined) throw new SnapshotGoneError();
      return value;
    });
}

/** A snapshot whose rows are no longer kept (expired meanwhile). */
export class SnapshotGoneError extends Error {
  constructor() {
    super('The scan snapshot is no longer kept.');
    this.name = 'SnapshotGoneError';
  }
}

/** The snapshot store's DynamoDB client, built like the others (the sandbox attaches to it), without the journal's code. */
export function createSnapshotClient(settings: AwsClientSettings, region: string): DynamoDBClient {
  const client = new DynamoDBClient(baseClientConfig(settings, 'dynamodb', region));
  prepareClientStack(client.middlewareStack, settings, 'dynamodb', region);
  return client;
}
