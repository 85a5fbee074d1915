/** The snapshot store on the sandbox's DynamoDB: chunking, partial reads, reuse pointer and stale markers. */
import { brotliDecompressSync, gzipSync } from 'node:zlib';
import { createJournalClient } from '../../functions/aws/change-journal';
import { defaultClientSettings } from '../../functions/aws/client-config';
import { createScanSnapshotStore, snapshotScope } from '../../functions/aws/scan-snapshot-store';
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
});
