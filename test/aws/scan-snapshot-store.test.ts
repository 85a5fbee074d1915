/** The snapshot store on the sandbox's DynamoDB: chunking, partial reads, reuse pointer and stale markers. */
import { brotliDecompressSync, gzipSync } from 'node:zlib';
import { createJournalClient } from '../../functions/aws/change-journal';
import { defaultClientSettings } from '../../functions/aws/client-config';
import {
  createScanSnapshotStore,
  type PackedRows,
  SnapshotGoneError,
  snapshotScope,
  type Unpack,
} from '../../functions/aws/scan-snapshot-store';
import type { JsonValue } from '../../functions/domain/change-record';
import { SandboxAccount } from '../../functions/local/sandbox/sandbox-account';
import { scenario } from '../support/local-api';

const TABLE = 'snapshots';

function setup() {
  const sandbox = new SandboxAccount(scenario());
  const settings = defaultClientSettings({
    concurrency: 4,
    credentials: { accessKeyId: 'TEST', secretAccessKey: 'test' },
    endpoints: {},
    attachments: [sandbox.attachment],
  });
  return { sandbox, store: createScanSnapshotStore(createJournalClient(settings, 'us-east-1'), TABLE) };
}

/** An instance row about the size the find answers with. */
function row(i: number) {
  return {
    instanceId: `i-${i.toString(16).padStart(17, '0')}`,
    name: `web-${i}`,
    region: 'eu-west-1',
    state: 'running',
    publicIp: `203.0.113.${i % 250}`,
    ipv6Addresses: [],
    exposures: [
      {
        networkInterfaceId: `eni-${i.toString(16).padStart(17, '0')}`,
        securityGroupId: 'sg-0123456789abcdef0',
        securityGroupRuleId: `sgr-${i.toString(16).padStart(17, '0')}`,
        ipProtocol: 'tcp',
        fromPort: 22,
        toPort: 22,
        source: '0.0.0.0/0',
      },
    ],
  };
}

describe('scan snapshot store', () => {
  it('chunks a 10,000-instance list into items under 400 KB and reads back any page across chunk edges', async () => {
    // Arrange
    const { sandbox, store } = setup();
    const instances = Array.from({ length: 10_000 }, (_, i) => row(i));
    await store.save({
      snapshotId: 'snap-0123456789abcdef',
      scannedAt: '2026-11-30T08:00:00.000Z',
      expiresAtMs: Date.parse('2026-11-30T08:05:00Z'),
      fields: { instanceCount: 10_000 },
      lists: { instances: instances.map((r) => JSON.stringify(r)), unknownInstances: [] },
      queryKey: 'q1',
    });
    const opened = await store.open('snap-0123456789abcdef', snapshotScope('111122223333', 'ec2'));
    if (!opened) throw new Error('not stored');
    const second = opened.head.lists.instances?.chunkStarts[1] ?? 0;
    sandbox.calls.length = 0;

    // Act
    const page = await store.rows(opened.head, second - 3, 20);

    // Assert
    const items = sandbox.tables.items(TABLE);
    const chunks = items.filter((item) => item.sk?.S?.startsWith('rows#'));
    expect(chunks.length).toBeGreaterThan(5);
    expect(Math.max(...chunks.map((item) => item.rows?.B?.byteLength ?? 0))).toBeLessThan(400 * 1024);
    expect(
      items.every((item) => Number(item.expiresAt?.N) === Date.parse('2026-11-30T08:05:00Z') / 1000),
    ).toBe(true);
    expect(page.instances).toEqual(instances.slice(second - 3, second + 17));
    expect(page.unknownInstances).toEqual([]);
    // Two chunks for a page across an edge, read in one call.
    expect(sandbox.calls.map((call) => call.command)).toEqual(['BatchGetItem']);
  });

  it('writes brotli chunks and still reads a gzip chunk written before brotli (a snapshot from before a deploy)', async () => {
    // Arrange
    const { sandbox, store } = setup();
    const instances = Array.from({ length: 3_000 }, (_, i) => row(i));
    await store.save({
      snapshotId: 'snap-gzip',
      scannedAt: '2026-11-30T08:00:00.000Z',
      expiresAtMs: Date.parse('2026-11-30T08:05:00Z'),
      fields: {},
      lists: { instances: instances.map((r) => JSON.stringify(r)) },
    });
    const opened = await store.open('snap-gzip', snapshotScope('111122223333', 'ec2'));
    if (!opened) throw new Error('not stored');
    const chunks = sandbox.tables.items(TABLE).filter((item) => item.sk?.S?.startsWith('rows#'));
    const [first, second] = chunks;
    if (first?.rows?.B === undefined || second === undefined) throw new Error('expected two chunks or more');
    expect(chunks.every((item) => item.encoding?.S === 'br')).toBe(true);
    // The first chunk as the previous version wrote it: gzip, no encoding attribute.
    first.rows = { B: gzipSync(brotliDecompressSync(first.rows.B)) };
    delete first.encoding;
    const edge = opened.head.lists.instances?.chunkStarts[1] ?? 0;

    // Act
    const page = await store.rows(opened.head, edge - 5, 10);

    // Assert
    expect(page.instances).toEqual(instances.slice(edge - 5, edge + 5));
  });

  it('sizes chunks in UTF-8 bytes: rows of multi-byte text are written whole and read back as they were', async () => {
    // Arrange: names of three- and four-byte characters (cleaned Name tags may hold any letter).
    const { store } = setup();
    const instances = Array.from({ length: 3_000 }, (_, i) => ({
      ...row(i),
      name: `東京-🔥-${i}-${'é'.repeat(40)}`,
    }));
    await store.save({
      snapshotId: 'snap-utf8',
      scannedAt: '2026-11-30T08:00:00.000Z',
      expiresAtMs: Date.parse('2026-11-30T08:05:00Z'),
      fields: {},
      lists: { instances: instances.map((r) => JSON.stringify(r)) },
    });
    const opened = await store.open('snap-utf8', snapshotScope('111122223333', 'ec2'));
    if (!opened) throw new Error('not stored');
    const starts = opened.head.lists.instances?.chunkStarts ?? [];

    // Act
    const pages = await Promise.all(starts.slice(1).map((edge) => store.rows(opened.head, edge - 2, 4)));

    // Assert
    expect(starts.length).toBeGreaterThan(2);
    pages.forEach((page, k) => {
      const edge = starts[k + 1] ?? 0;
      expect(page.instances).toEqual(instances.slice(edge - 2, edge + 2));
    });
  });

  it('hands an identical query the latest snapshot, with the stale marker of its scope', async () => {
    // Arrange
    const { store } = setup();
    const scope = snapshotScope('111122223333', 's3');
    await store.save({
      snapshotId: 'snap-aaaaaaaaaaaaaaaa',
      scannedAt: '2026-11-30T08:00:00.000Z',
      expiresAtMs: Date.parse('2026-11-30T08:05:00Z'),
      fields: { publicCount: 1 },
      lists: { publicBuckets: [JSON.stringify({ bucketName: 'a' })] },
      queryKey: 'q2',
    });

    // Act
    const before = await store.latest('q2', scope);
    await store.markStale(scope, new Date('2026-11-30T08:01:00Z'));
    const after = await store.latest('q2', scope);
    const otherScope = await store.latest('q2', snapshotScope('111122223333', 'ec2'));

    // Assert
    expect(before).toMatchObject({ head: { snapshotId: 'snap-aaaaaaaaaaaaaaaa' }, staleSince: undefined });
    expect(after?.staleSince).toBe('2026-11-30T08:01:00.000Z');
    expect(otherScope?.staleSince).toBeUndefined();
    expect(await store.latest('q3', scope)).toBeUndefined();
  });

  it('does not offer an incomplete scan for reuse (no query key), but keeps it for paging', async () => {
    // Arrange
    const { sandbox, store } = setup();

    // Act
    await store.save({
      snapshotId: 'snap-bbbbbbbbbbbbbbbb',
      scannedAt: '2026-11-30T08:00:00.000Z',
      expiresAtMs: Date.parse('2026-11-30T08:05:00Z'),
      fields: {},
      lists: { publicBuckets: [] },
    });

    // Assert
    expect(await store.open('snap-bbbbbbbbbbbbbbbb', 'x')).toBeDefined();
    expect(sandbox.tables.items(TABLE).filter((item) => item.pk?.S?.startsWith('query#'))).toEqual([]);
  });

  describe('packed lists', () => {
    // Rows [id, ref]: ref is the number of one of 40 shared values (a kilobyte each, like a group set's rules).
    const sharedValues = Array.from({ length: 40 }, (_, n) => ({ group: n, rules: 'x'.repeat(1000 + n) }));
    const packed: PackedRows = {
      rows: Array.from({ length: 5_000 }, (_, i) => JSON.stringify([`i-${i}`, (i * 7) % 40, 'p'.repeat(60)])),
      refs: Array.from({ length: 5_000 }, (_, i) => [(i * 7) % 40]),
      shared: sharedValues.map((value) => JSON.stringify(value)),
    };
    const unpack: Unpack = (stored, shared) => {
      const [id, ref] = stored as [string, number];
      return { id, shared: shared(ref) } as JsonValue;
    };
    const expected = (i: number) => ({ id: `i-${i}`, shared: sharedValues[(i * 7) % 40] });

    async function savedPacked(rows: PackedRows = packed) {
      const { sandbox, store } = setup();
      await store.save({
        snapshotId: 'snap-packed',
        scannedAt: '2026-11-30T08:00:00.000Z',
        expiresAtMs: Date.parse('2026-11-30T08:05:00Z'),
        fields: {},
        lists: { instances: rows, unknownInstances: [] },
      });
      const opened = await store.open('snap-packed', snapshotScope('111122223333', 'ec2'));
      if (!opened) throw new Error('not stored');
      return { sandbox, store, head: opened.head };
    }

    it('stores each chunk with the shared values its rows use, and reads any page back whole across chunk edges', async () => {
      // Arrange
      const { sandbox, store, head } = await savedPacked();
      const edge = head.lists.instances?.chunkStarts[1] ?? 0;

      // Act
      const page = await store.rows(head, edge - 4, 10, { instances: unpack });

      // Assert
      expect(head.lists.instances).toMatchObject({ length: 5_000, packed: true });
      expect(edge).toBeGreaterThan(0);
      expect(page.instances).toEqual(Array.from({ length: 10 }, (_, k) => expected(edge - 4 + k)));
      const chunks = sandbox.tables.items(TABLE).filter((item) => item.sk?.S?.startsWith('rows#'));
      for (const chunk of chunks) {
        const json = JSON.parse(brotliDecompressSync(chunk.rows?.B ?? new Uint8Array()).toString('utf8'));
        // Each shared value at most once per chunk, and only the ones its rows use.
        const used = new Set(json.rows.map((r: [string, number]) => String(r[1])));
        expect(Object.keys(json.shared).sort()).toEqual([...used].sort());
        // At most the chunk size, plus the object around rows and shared values.
        expect(Buffer.byteLength(JSON.stringify(json))).toBeLessThanOrEqual(256 * 1024 + 32);
      }
    });

    it('counts the shared values a chunk brings against its size', async () => {
      // Arrange: every row brings a new 60 KB value, so a chunk holds four rows at most.
      const big = {
        rows: Array.from({ length: 12 }, (_, i) => JSON.stringify([`i-${i}`, i])),
        refs: Array.from({ length: 12 }, (_, i) => [i]),
        shared: Array.from({ length: 12 }, (_, i) => JSON.stringify({ n: i, blob: 'y'.repeat(60_000) })),
      };

      // Act
      const { store, head } = await savedPacked(big);
      const page = await store.rows(head, 0, 12, { instances: unpack });

      // Assert
      expect(head.lists.instances?.chunkStarts).toEqual([0, 4, 8]);
      expect((page.instances ?? []).map((row) => (row as { id: string }).id)).toEqual(
        Array.from({ length: 12 }, (_, i) => `i-${i}`),
      );
    });

    it('keeps a packed snapshot’s layout where code from before packing does not look (it sees no snapshot, not a broken one)', async () => {
      // Arrange
      const { sandbox, store } = await savedPacked();

      // Act
      const heads = sandbox.tables.items(TABLE).filter((item) => item.sk?.S === 'head');
      const reopened = await store.open('snap-packed', snapshotScope('111122223333', 'ec2'));

      // Assert: the earlier reader required `lists`; this one reads either.
      expect(heads).toHaveLength(1);
      expect(heads[0]?.lists).toBeUndefined();
      expect(JSON.parse(heads[0]?.packedLists?.S ?? '{}').instances).toMatchObject({ packed: true });
      expect(reopened?.head.lists.instances).toMatchObject({ length: 5_000, packed: true });
    });

    it('will not hand back packed rows without their unpacker (the snapshot counts as gone: scan again)', async () => {
      // Arrange
      const { store, head } = await savedPacked();

      // Act
      const read = store.rows(head, 0, 5);

      // Assert
      await expect(read).rejects.toBeInstanceOf(SnapshotGoneError);
    });
  });
});
