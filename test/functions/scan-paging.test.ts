/**
 * Paging and reuse of the finds: pages come from one stored scan (no S3/EC2 call after the first), a
 * nextToken only works for its own query, expires with its scan, and a change made through this API makes
 * the stored scans of its service stale.
 */
import { SANDBOX_SNAPSHOT_TABLE } from '../../functions/local/local-backend';
import { inMemoryPlanSigning } from '../../functions/shared/plan-signing';
import { newPlanKey } from '../../functions/shared/plan-token';
import { instanceScenario } from '../bench/bench-scenarios';
import { defaultScenario, scenario, startTestApi, type TestApi } from '../support/local-api';
import { scanCalls } from '../support/snapshot-calls';

const findPath = (query: string) => `/ec2/instances-with-open-port?${query}`;

type Instance = { instanceId: string };
const ids = (body: { instances: Instance[] }) => body.instances.map((i) => i.instanceId);

/** Every instance of every eu-west-1 group loses its ingress rules: a change made outside the API. */
function revokeEverythingOutsideTheApi(api: TestApi): void {
  for (const group of api.sandbox.scenario.ec2['eu-west-1']?.securityGroups ?? []) group.rules = [];
}

describe('paging the EC2 find', () => {
  let api: TestApi;
  beforeEach(async () => {
    api = await startTestApi();
  });
  afterEach(() => api.close());

  it('serves page 2 from the scan of page 1: no EC2 call, and a change made meanwhile outside the API does not mix in', async () => {
    // Arrange
    const first = await api.call('GET', findPath('port=22&region=eu-west-1&limit=2'));
    expect(first.status).toBe(200);
    revokeEverythingOutsideTheApi(api);
    const before = api.sandbox.calls.length;

    // Act
    const second = await api.call(
      'GET',
      findPath(
        `port=22&region=eu-west-1&limit=2&nextToken=${encodeURIComponent(first.body.nextToken ?? '')}`,
      ),
    );

    // Assert
    expect(second.status).toBe(200);
    expect(scanCalls(api.sandbox.calls.slice(before))).toEqual([]);
    expect(second.body).toMatchObject({
      instanceCount: 4,
      cached: true,
      scannedAt: first.body.scannedAt,
      truncated: false,
      nextToken: null,
    });
    expect(ids(second.body)).toHaveLength(2);
    expect(ids(second.body).filter((id) => ids(first.body).includes(id))).toEqual([]);
    expect(second.body.summary).toContain('This page lists instances 3-4 of 4');
    expect(second.body.summary).toContain(`scan taken at ${first.body.scannedAt}`);
    // The change is real: a fresh scan no longer finds those instances.
    const fresh = await api.call('GET', findPath('port=22&region=eu-west-1&fresh=true'));
    expect(fresh.body).toMatchObject({ instanceCount: 0, cached: false });
  });

  it('pages through every instance exactly once, in the order of the whole list', async () => {
    // Arrange
    const whole = await api.call('GET', findPath('port=22&limit=1000&fresh=true'));
    const seen: string[] = [];

    // Act
    let reply = await api.call('GET', findPath('port=22&limit=1'));
    seen.push(...ids(reply.body));
    while (reply.body.nextToken) {
      reply = await api.call(
        'GET',
        findPath(`port=22&limit=1&nextToken=${encodeURIComponent(reply.body.nextToken)}`),
      );
      expect(reply.status).toBe(200);
      seen.push(...ids(reply.body));
    }

    // Assert
    expect(seen).toEqual(ids(whole.body));
    expect(seen.length).toBeGreaterThan(3);
  });

  it('reuses the stored scan for an identical find (no EC2 call, says when it was taken), and fresh=true scans again', async () => {
    // Arrange
    const first = await api.call('GET', findPath('port=22'));
    const before = api.sandbox.calls.length;

    // Act
    const again = await api.call('GET', findPath('port=22'));
    const reused = api.sandbox.calls.slice(before);
    const fresh = await api.call('GET', findPath('port=22&fresh=true'));

    // Assert
    expect(scanCalls(reused)).toEqual([]);
    expect(again.body).toMatchObject({ cached: true, scannedAt: first.body.scannedAt });
    expect(again.body.instances).toEqual(first.body.instances);
    expect(again.body.summary).toMatch(/These results come from a scan taken at .*; ask with fresh=true/);
    expect(fresh.body.cached).toBe(false);
    expect(fresh.body.scannedAt > first.body.scannedAt).toBe(true);
    expect(scanCalls(api.sandbox.calls.slice(before + reused.length)).length).toBeGreaterThan(0);
  });

  it('does not reuse a scan of other parameters', async () => {
    // Arrange
    await api.call('GET', findPath('port=22'));
    const before = api.sandbox.calls.length;

    // Act
    const other = await api.call('GET', findPath('port=22&region=eu-west-1'));

    // Assert
    expect(other.body.cached).toBe(false);
    expect(scanCalls(api.sandbox.calls.slice(before)).length).toBeGreaterThan(0);
  });

  it.each([
    ['another port', 'port=3389&limit=1'],
    ['another Region', 'port=22&region=us-east-1&limit=1'],
    ['another protocol', 'port=22&protocol=udp&limit=1'],
  ])('refuses a nextToken sent with %s (400, says to scan again)', async (_what, otherQuery) => {
    // Arrange
    const first = await api.call('GET', findPath('port=22&limit=1'));
    const before = api.sandbox.calls.length;

    // Act
    const reply = await api.call(
      'GET',
      findPath(`${otherQuery}&nextToken=${encodeURIComponent(first.body.nextToken ?? '')}`),
    );

    // Assert
    expect(reply.status).toBe(400);
    expect(reply.body.error).toMatchObject({ code: 'ValidationError', details: { reason: 'other-query' } });
    expect(reply.body.error.message).toContain('run the same find again without nextToken');
    expect(scanCalls(api.sandbox.calls.slice(before))).toEqual([]);
  });

  it('refuses the EC2 find’s nextToken on the S3 find', async () => {
    // Arrange
    const first = await api.call('GET', findPath('port=22&limit=1'));

    // Act
    const reply = await api.call(
      'GET',
      `/s3/public-buckets?limit=1&nextToken=${encodeURIComponent(first.body.nextToken ?? '')}`,
    );

    // Assert
    expect(reply.status).toBe(400);
    expect(reply.body.error.details).toEqual({ reason: 'other-query' });
  });

  it.each([
    ['altered', (token: string) => `${token.slice(0, 10)}${token[10] === 'A' ? 'B' : 'A'}${token.slice(11)}`],
    ['made up', () => 'eyJ2IjoxfQ.bm90LWEtc2lnbmF0dXJl'],
    ['not a token', () => 'page-2'],
  ])('refuses a nextToken that is %s (400)', async (_what, forge) => {
    // Arrange
    const first = await api.call('GET', findPath('port=22&limit=1'));

    // Act
    const reply = await api.call(
      'GET',
      findPath(`port=22&limit=1&nextToken=${encodeURIComponent(forge(first.body.nextToken ?? ''))}`),
    );

    // Assert
    expect(reply.status).toBe(400);
    expect(['forged', 'malformed']).toContain(reply.body.error.details?.reason);
    expect(reply.body.error.message).toContain('without nextToken');
  });

  it('refuses nextToken together with fresh=true', async () => {
    // Arrange
    const first = await api.call('GET', findPath('port=22&limit=1'));

    // Act
    const reply = await api.call(
      'GET',
      findPath(`port=22&limit=1&fresh=true&nextToken=${encodeURIComponent(first.body.nextToken ?? '')}`),
    );

    // Assert
    expect(reply.status).toBe(400);
    expect(reply.body.error.message).toContain('send one or the other');
  });

  it('after a close-port made through the API: page 2 of an earlier scan is refused, and the same find scans again without the closed port', async () => {
    // Arrange
    const first = await api.call('GET', findPath('port=22&region=eu-west-1&limit=2'));
    const target = ids(first.body)[0] as string;
    const closed = await api.call('POST', `/ec2/instances/${target}/close-port`, {
      port: 22,
      region: 'eu-west-1',
    });
    expect(closed.body.changed).toBe(true);
    const before = api.sandbox.calls.length;

    // Act
    const page2 = await api.call(
      'GET',
      findPath(
        `port=22&region=eu-west-1&limit=2&nextToken=${encodeURIComponent(first.body.nextToken ?? '')}`,
      ),
    );
    const again = await api.call('GET', findPath('port=22&region=eu-west-1&limit=2'));

    // Assert
    expect(page2.status).toBe(400);
    expect(page2.body.error).toMatchObject({ details: { reason: 'changed-since' } });
    expect(page2.body.error.message).toContain('A change was made through this API after this scan');
    expect(again.body.cached).toBe(false);
    expect(scanCalls(api.sandbox.calls.slice(before)).length).toBeGreaterThan(0);
    expect(again.body.instanceCount).toBeLessThan(first.body.instanceCount);
    expect(ids(again.body)).not.toContain(target);
  });

  it('a dry run changes nothing, so the stored scan is still reused', async () => {
    // Arrange
    const first = await api.call('GET', findPath('port=22&region=eu-west-1'));
    await api.call('POST', `/ec2/instances/${ids(first.body)[0]}/close-port`, {
      port: 22,
      region: 'eu-west-1',
      dryRun: true,
    });

    // Act
    const again = await api.call('GET', findPath('port=22&region=eu-west-1'));

    // Assert
    expect(again.body.cached).toBe(true);
  });

  it('a block-public-access made through the API makes the S3 scans stale, not the EC2 ones', async () => {
    // Arrange
    const buckets = await api.call('GET', '/s3/public-buckets');
    const instances = await api.call('GET', findPath('port=22'));
    const name = buckets.body.publicBuckets[0]?.bucketName as string;
    expect((await api.call('POST', `/s3/buckets/${name}/block-public-access`, {})).body.changed).toBe(true);

    // Act
    const bucketsAgain = await api.call('GET', '/s3/public-buckets');
    const instancesAgain = await api.call('GET', findPath('port=22'));

    // Assert
    expect(bucketsAgain.body.cached).toBe(false);
    expect(bucketsAgain.body.publicBuckets.map((b: { bucketName: string }) => b.bucketName)).not.toContain(
      name,
    );
    expect(bucketsAgain.body.publicCount).toBe(buckets.body.publicCount - 1);
    expect(instancesAgain.body).toMatchObject({ cached: true, scannedAt: instances.body.scannedAt });
  });

  it('an undo made through the API makes the stored scans stale too', async () => {
    // Arrange
    const first = await api.call('GET', findPath('port=22&region=eu-west-1'));
    const target = ids(first.body)[0] as string;
    const closed = await api.call('POST', `/ec2/instances/${target}/close-port`, {
      port: 22,
      region: 'eu-west-1',
    });
    const afterClose = await api.call('GET', findPath('port=22&region=eu-west-1'));
    expect(ids(afterClose.body)).not.toContain(target);

    // Act
    const undone = await api.call('POST', `/changes/${closed.body.changeId}/undo`, {});
    const afterUndo = await api.call('GET', findPath('port=22&region=eu-west-1'));

    // Assert
    expect(undone.status).toBe(200);
    expect(afterUndo.body.cached).toBe(false);
    expect(ids(afterUndo.body)).toContain(target);
  });
});

describe('snapshot lifetime', () => {
  it('refuses a nextToken after the TTL (400 expired) and scans again for the same find', async () => {
    // Arrange
    let clock = Date.parse('2026-11-30T08:00:00Z');
    const api = await startTestApi(defaultScenario(), {
      plans: inMemoryPlanSigning(newPlanKey(), () => clock),
    });
    try {
      const first = await api.call('GET', findPath('port=22&limit=1'));
      clock += 5 * 60_000 + 1_000;
      const before = api.sandbox.calls.length;

      // Act
      const page2 = await api.call(
        'GET',
        findPath(`port=22&limit=1&nextToken=${encodeURIComponent(first.body.nextToken ?? '')}`),
      );
      const again = await api.call('GET', findPath('port=22&limit=1'));

      // Assert
      expect(page2.status).toBe(400);
      expect(page2.body.error).toMatchObject({ code: 'ValidationError', details: { reason: 'expired' } });
      expect(page2.body.error.message).toContain('run the same find again without nextToken');
      expect(again.body).toMatchObject({ cached: false, scannedAt: new Date(clock).toISOString() });
      expect(scanCalls(api.sandbox.calls.slice(before)).length).toBeGreaterThan(0);
    } finally {
      await api.close();
    }
  });

  it('keeps serving within the TTL', async () => {
    // Arrange
    let clock = Date.parse('2026-11-30T08:00:00Z');
    const api = await startTestApi(defaultScenario(), {
      plans: inMemoryPlanSigning(newPlanKey(), () => clock),
    });
    try {
      const first = await api.call('GET', findPath('port=22&limit=1'));
      clock += 4 * 60_000;

      // Act
      const page2 = await api.call(
        'GET',
        findPath(`port=22&limit=1&nextToken=${encodeURIComponent(first.body.nextToken ?? '')}`),
      );

      // Assert
      expect(page2.status).toBe(200);
      expect(page2.body.summary).toContain('(4 minutes ago)');
    } finally {
      await api.close();
    }
  });
});

describe('large scans', () => {
  it('stores a 3,000-instance answer in several items, each far under 400 KB, and pages it back whole', async () => {
    // Arrange
    const api = await startTestApi(scenario(instanceScenario(3_000, 0, 1)));
    try {
      // Act
      const first = await api.call('GET', findPath('port=22&limit=1000'));
      const seen = [...ids(first.body)];
      let token = first.body.nextToken;
      while (token) {
        const page = await api.call(
          'GET',
          findPath(`port=22&limit=1000&nextToken=${encodeURIComponent(token)}`),
        );
        seen.push(...ids(page.body));
        token = page.body.nextToken;
      }

      // Assert
      expect(first.body.instanceCount).toBe(3_000);
      expect(new Set(seen).size).toBe(3_000);
      const chunks = api.sandbox.tables
        .items(SANDBOX_SNAPSHOT_TABLE)
        .filter((item) => item.sk?.S?.startsWith('rows#instances#'));
      expect(chunks.length).toBeGreaterThan(1);
      for (const chunk of chunks) expect(chunk.rows?.B?.byteLength ?? 0).toBeLessThan(400 * 1024);
    } finally {
      await api.close();
    }
  }, 60_000);
});

describe('when the snapshot store fails', () => {
  it('still answers the first page, says it cannot page, and gives no nextToken', async () => {
    // Arrange
    const api = await startTestApi(
      scenario({
        ...defaultScenario(),
        faults: [{ service: 'dynamodb', command: 'PutItem', rate: 1, error: 'InternalServerError' }],
      }),
    );
    try {
      // Act
      const reply = await api.call('GET', findPath('port=22&limit=1'));

      // Assert
      expect(reply.status).toBe(200);
      expect(reply.body).toMatchObject({ truncated: true, nextToken: null, cached: false });
      expect(reply.body.summary).toContain('the scan could not be stored for paging');
    } finally {
      await api.close();
    }
  });
});
