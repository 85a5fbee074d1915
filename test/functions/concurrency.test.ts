/**
 * Concurrent use on the sandbox account: block-public-access calls racing on
 * the same bucket, left to the event loop or interleaved on purpose through
 * `sandbox.beforeCall` (every read before any write, or a read after another
 * call's write), and a scan racing a block. Every race must end with the four
 * flags on, no 5xx, one write per reply that says `changed: true`, and
 * replies that agree with the state they saw.
 */
import type { RecordedCall } from '../../functions/local/sandbox/sandbox-account';
import { type ApiReply, type ReplyBody, startTestApi, type TestApi } from '../support/local-api';

const ALL_ON = {
  BlockPublicAcls: true,
  IgnorePublicAcls: true,
  BlockPublicPolicy: true,
  RestrictPublicBuckets: true,
};
/** Starts with two of the four flags on, so `before` tells a first write from a repeat. */
const BUCKET = 'acme-only-future-blocked';
const BLOCK = `/s3/buckets/${BUCKET}/block-public-access`;

const isBucketFlagsRead = (call: RecordedCall, bucket = BUCKET) =>
  call.service === 's3' && call.command === 'GetPublicAccessBlock' && call.input.Bucket === bucket;
const isWrite = (call: RecordedCall) => call.command === 'PutPublicAccessBlock';

/** A promise and its resolve, released on its own after `ms` so a broken interleaving cannot hang the test. */
function gate(ms = 3_000): { opened: Promise<void>; open: () => void } {
  let open = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
    setTimeout(resolve, ms).unref();
  });
  return { opened, open };
}

/** Opens the gate once the matched call has been answered (the hook runs before it is dispatched). */
function openAfterDispatch(g: { open: () => void }) {
  setTimeout(g.open, 0);
}

type BlockReply = ApiReply<ReplyBody<'/s3/buckets/b/block-public-access'>>;
type ScanReply = ApiReply<ReplyBody<'/s3/public-buckets'>>;

/** What must hold after N block calls on BUCKET, whatever the interleaving. */
function raceProblems(api: TestApi, replies: BlockReply[], original: unknown): string[] {
  const problems: string[] = [];
  const writes = api.sandbox.writeCalls().filter(isWrite);
  const changed = replies.filter((reply) => reply.body.changed === true);
  replies.forEach((reply, index) => {
    if (reply.status !== 200)
      problems.push(`reply ${index}: status ${reply.status} ${JSON.stringify(reply.body)}`);
    const { before, after, changed: didChange, undo, publicAfter } = reply.body;
    if (JSON.stringify(after) !== JSON.stringify(ALL_ON))
      problems.push(`reply ${index}: after is not all on`);
    if (publicAfter !== false) problems.push(`reply ${index}: publicAfter is not false`);
    if (didChange === true && JSON.stringify(before) !== JSON.stringify(original))
      problems.push(
        `reply ${index}: changed, but before ${JSON.stringify(before)} is not the original flags`,
      );
    if (didChange === false && (JSON.stringify(before) !== JSON.stringify(ALL_ON) || undo.length !== 0))
      problems.push(`reply ${index}: unchanged, but before was ${JSON.stringify(before)} / undo ${undo}`);
  });
  if (writes.length !== changed.length)
    problems.push(`${writes.length} writes for ${changed.length} replies saying changed`);
  if (writes.length > replies.length) problems.push(`${writes.length} writes for ${replies.length} calls`);
  if (writes.some((call) => call.input.Bucket !== BUCKET)) problems.push('a write went to another bucket');
  const final = api.sandbox.scenario.s3.buckets.find((b) => b.name === BUCKET)?.publicAccessBlock;
  if (JSON.stringify(final) !== JSON.stringify(ALL_ON)) problems.push(`final flags ${JSON.stringify(final)}`);
  return problems;
}

describe('S3: block calls racing on the same bucket', () => {
  let api: TestApi;
  let original: unknown;
  beforeEach(async () => {
    api = await startTestApi();
    original = structuredClone(
      api.sandbox.scenario.s3.buckets.find((b) => b.name === BUCKET)?.publicAccessBlock,
    );
  });
  afterEach(() => api.close());

  it.each([2, 10])(
    '%i calls at once (Promise.all) end all on, with one write per "changed" reply',
    async (n) => {
      // Act
      const replies = await Promise.all(Array.from({ length: n }, () => api.call('POST', BLOCK, {})));

      // Assert
      expect(raceProblems(api, replies, original)).toEqual([]);
      expect(replies.filter((reply) => reply.body.changed).length).toBeGreaterThanOrEqual(1);
    },
  );

  it.each([2, 10])(
    '%i calls that all read before any writes: each writes once and says changed',
    async (n) => {
      // Arrange: hold every bucket-flags read until all n have arrived
      const allRead = gate();
      let reads = 0;
      api.sandbox.beforeCall = async (call) => {
        if (!isBucketFlagsRead(call)) return;
        reads++;
        if (reads === n) allRead.open();
        await allRead.opened;
      };

      // Act
      const replies = await Promise.all(Array.from({ length: n }, () => api.call('POST', BLOCK, {})));

      // Assert
      expect(raceProblems(api, replies, original)).toEqual([]);
      expect(replies.map((reply) => reply.body.changed)).toEqual(Array(n).fill(true));
      // Each undo restores what that call saw, which is the same original state.
      expect(new Set(replies.map((reply) => JSON.stringify(reply.body.undo))).size).toBe(1);
    },
  );

  it.each([2, 10])(
    '%i calls where the others read after the first one wrote: one write, the rest unchanged',
    async (n) => {
      // Arrange: the first bucket-flags read goes through; the others wait until its write was answered
      const written = gate();
      let reads = 0;
      api.sandbox.beforeCall = async (call) => {
        if (isWrite(call)) openAfterDispatch(written);
        if (isBucketFlagsRead(call) && reads++ > 0) await written.opened;
      };

      // Act
      const replies = await Promise.all(Array.from({ length: n }, () => api.call('POST', BLOCK, {})));

      // Assert
      expect(raceProblems(api, replies, original)).toEqual([]);
      expect(replies.filter((reply) => reply.body.changed)).toHaveLength(1);
      expect(api.sandbox.writeCalls()).toHaveLength(1);
    },
  );

  it('a dry run racing a real block never writes and predicts from the state it read', async () => {
    // Arrange: both reads before the write
    const bothRead = gate();
    let reads = 0;
    api.sandbox.beforeCall = async (call) => {
      if (!isBucketFlagsRead(call)) return;
      if (++reads === 2) bothRead.open();
      await bothRead.opened;
    };

    // Act
    const [dry, real] = await Promise.all([
      api.call('POST', BLOCK, { dryRun: true }),
      api.call('POST', BLOCK, {}),
    ]);

    // Assert
    expect([dry.status, real.status]).toEqual([200, 200]);
    expect(dry.body).toMatchObject({ dryRun: true, changed: true, before: original, after: ALL_ON });
    expect(real.body).toMatchObject({ dryRun: false, changed: true, before: original, after: ALL_ON });
    expect(api.sandbox.writeCalls()).toHaveLength(1);
  });
});

describe('S3: a scan racing a block on one of its buckets', () => {
  const TARGET = 'acme-public-acl';
  let api: TestApi;
  beforeEach(async () => {
    api = await startTestApi();
  });
  afterEach(() => api.close());

  /** The scan is valid (the contract check runs in `call`) and places TARGET exactly once, as public or latent. */
  function placementOf(scan: ScanReply): string[] {
    const where = (list: { bucketName: string }[], label: string) =>
      list.some((b) => b.bucketName === TARGET) ? [label] : [];
    return [
      ...where(scan.body.publicBuckets, 'public'),
      ...where(scan.body.unknownBuckets, 'unknown'),
      ...where(scan.body.latentBuckets, 'latent'),
    ];
  }

  it('left to the event loop: both 200, the bucket public or latent, never unknown or dropped', async () => {
    // Act
    const [scan, block] = await Promise.all([
      api.call('GET', '/s3/public-buckets'),
      api.call('POST', `/s3/buckets/${TARGET}/block-public-access`, {}),
    ]);

    // Assert
    expect([scan.status, block.status]).toEqual([200, 200]);
    expect(scan.body).toMatchObject({ scannedBuckets: 9, complete: true });
    expect([['public'], ['latent']]).toContainEqual(placementOf(scan));
  });

  it('the block lands between the scan’s reads of that bucket: the scan still answers validly', async () => {
    // Arrange: the scan's ACL read of TARGET waits until the block's write was answered
    const written = gate();
    api.sandbox.beforeCall = async (call) => {
      if (isWrite(call)) openAfterDispatch(written);
      if (call.command === 'GetBucketAcl' && call.input.Bucket === TARGET) await written.opened;
    };

    // Act
    const [scan, block] = await Promise.all([
      api.call('GET', '/s3/public-buckets'),
      api.call('POST', `/s3/buckets/${TARGET}/block-public-access`, {}),
    ]);

    // Assert
    expect([scan.status, block.status]).toEqual([200, 200]);
    expect(block.body).toMatchObject({ changed: true, publicAfter: false });
    expect(scan.body).toMatchObject({ scannedBuckets: 9, complete: true });
    expect([['public'], ['latent']]).toContainEqual(placementOf(scan));
  });

  it('the block’s write waits until the scan answered: the scan says public, the block then applies', async () => {
    // Arrange
    const scanned = gate();
    api.sandbox.beforeCall = async (call) => {
      if (isWrite(call)) await scanned.opened;
    };

    // Act
    const scanPromise = api.call('GET', '/s3/public-buckets').finally(scanned.open);
    const [scan, block] = await Promise.all([
      scanPromise,
      api.call('POST', `/s3/buckets/${TARGET}/block-public-access`, {}),
    ]);

    // Assert
    expect([scan.status, block.status]).toEqual([200, 200]);
    expect(placementOf(scan)).toEqual(['public']);
    expect(block.body).toMatchObject({ changed: true, publicAfter: false });
    expect(api.sandbox.scenario.s3.buckets.find((b) => b.name === TARGET)?.publicAccessBlock).toEqual(ALL_ON);
  });
});

describe('EC2: close-port calls racing on the same security group', () => {
  /** bastion-a and bastion-b share this group, which opens tcp 20-30 to the internet. */
  const GROUP = 'sg-0d3cd1f86d1c25584';
  const BASTION_A = '/ec2/instances/i-022aa3f29c7079ed2/close-port';
  const BASTION_B = '/ec2/instances/i-0011f9fbb3b5c3513/close-port';
  let api: TestApi;
  beforeEach(async () => {
    api = await startTestApi();
  });
  afterEach(() => api.close());

  function internetIngress() {
    const group = api.sandbox.scenario.ec2['us-east-1']?.securityGroups.find((g) => g.groupId === GROUP);
    return (group?.rules ?? [])
      .filter((rule) => !rule.egress && rule.cidrIpv4 === '0.0.0.0/0')
      .map((rule) => `${rule.ipProtocol} ${rule.fromPort}-${rule.toPort}`)
      .sort();
  }

  it.each([
    ['two instances sharing the group', [BASTION_A, BASTION_B]],
    ['the same instance twice', [BASTION_A, BASTION_A]],
    ['five calls on both instances', [BASTION_A, BASTION_B, BASTION_A, BASTION_B, BASTION_A]],
  ])(
    '%s at once end with port 22 closed once, the rest of 20-30 open once, and no 5xx',
    async (_name, paths) => {
      // Act
      const replies = await Promise.all(
        paths.map((path) => api.call('POST', path, { port: 22, region: 'us-east-1' })),
      );

      // Assert
      expect(replies.map((reply) => reply.status)).toEqual(paths.map(() => 200));
      expect(replies.every((reply) => reply.body.stillOpen === false)).toBe(true);
      expect(internetIngress()).toEqual(['tcp 20-21', 'tcp 23-30']);
      const after = await api.call('GET', '/ec2/instances-with-open-port?port=22&region=us-east-1');
      const ids = after.body.instances.map((i: { instanceId: string }) => i.instanceId);
      expect(ids).not.toContain('i-022aa3f29c7079ed2');
      expect(ids).not.toContain('i-0011f9fbb3b5c3513');
    },
  );

  it('two calls that both planned before either wrote (duplicates and vanished rules treated as done)', async () => {
    // Arrange: hold every write until both calls have reached their first write
    const bothPlanned = gate();
    let authorizes = 0;
    api.sandbox.beforeCall = async (call) => {
      if (call.command !== 'AuthorizeSecurityGroupIngress') return;
      authorizes += 1;
      if (authorizes >= 2) bothPlanned.open();
      await bothPlanned.opened;
    };

    // Act
    const replies = await Promise.all(
      [BASTION_A, BASTION_B].map((path) => api.call('POST', path, { port: 22, region: 'us-east-1' })),
    );

    // Assert
    expect(authorizes).toBeGreaterThanOrEqual(2);
    expect(replies.map((reply) => reply.status)).toEqual([200, 200]);
    expect(internetIngress()).toEqual(['tcp 20-21', 'tcp 23-30']);
    expect(replies.every((reply) => reply.body.changed === true && reply.body.stillOpen === false)).toBe(
      true,
    );
  });
});
