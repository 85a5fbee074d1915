import { signPlan } from '../../functions/shared/plan-token';
import {
  type PageBinding,
  queryKeyOf,
  signPageToken,
  verifyPageToken,
} from '../../functions/shared/scan-page-token';

const KEY = Buffer.alloc(32, 7);
const NOW = Date.parse('2026-11-30T08:00:00Z');
const BINDING: PageBinding = {
  operation: 'findEc2InstancesWithOpenPort',
  queryKey: queryKeyOf('findEc2InstancesWithOpenPort', '111122223333', { port: 22 }),
  caller: 'alice',
};
const SNAPSHOT = 'AAAAAAAAAAAAAAAAAAAAAA';

describe('nextToken', () => {
  it('names the snapshot and offset it was signed for', () => {
    // Act
    const check = verifyPageToken(signPageToken(BINDING, SNAPSHOT, 20, NOW + 60_000, KEY), BINDING, KEY, NOW);

    // Assert
    expect(check).toEqual({ ok: true, snapshotId: SNAPSHOT, offset: 20 });
  });

  it.each<[string, Partial<PageBinding>]>([
    ['another caller', { caller: 'mallory' }],
    ['another operation', { operation: 'findS3BucketsWithPublicAccess' }],
    ['another query', { queryKey: queryKeyOf('findEc2InstancesWithOpenPort', '111122223333', { port: 23 }) }],
    [
      'another account',
      { queryKey: queryKeyOf('findEc2InstancesWithOpenPort', '444455556666', { port: 22 }) },
    ],
  ])('is refused for %s', (_what, change) => {
    // Arrange
    const token = signPageToken(BINDING, SNAPSHOT, 20, NOW + 60_000, KEY);

    // Act
    const check = verifyPageToken(token, { ...BINDING, ...change }, KEY, NOW);

    // Assert
    expect(check).toMatchObject({ ok: false, reason: 'other-query' });
  });

  it('is refused once its snapshot expired', () => {
    const token = signPageToken(BINDING, SNAPSHOT, 20, NOW, KEY);
    expect(verifyPageToken(token, BINDING, KEY, NOW)).toMatchObject({ ok: false, reason: 'expired' });
  });

  it('is refused with another key (another deployment), and a moved offset breaks its signature', () => {
    // Arrange
    const token = signPageToken(BINDING, SNAPSHOT, 20, NOW + 60_000, KEY);
    const [payload, signature] = token.split('.') as [string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    const moved = `${Buffer.from(JSON.stringify({ ...claims, o: 40 })).toString('base64url')}.${signature}`;

    // Act / Assert
    expect(verifyPageToken(token, BINDING, Buffer.alloc(32, 8), NOW)).toMatchObject({ reason: 'forged' });
    expect(verifyPageToken(moved, BINDING, KEY, NOW)).toMatchObject({ reason: 'forged' });
  });

  it('is never a planId, and a planId is never a nextToken (keys are derived apart)', () => {
    // Arrange
    const planId = signPlan({ operation: 'x', target: 'y', parameters: {}, beforeState: {} }, KEY, NOW);

    // Act / Assert
    expect(verifyPageToken(planId, BINDING, KEY, NOW)).toMatchObject({ ok: false, reason: 'forged' });
  });

  it('keys equal queries alike whatever the parameter order, and other values apart', () => {
    expect(queryKeyOf('op', '1', { port: 22, region: 'eu-west-1' })).toBe(
      queryKeyOf('op', '1', { region: 'eu-west-1', port: 22 }),
    );
    expect(queryKeyOf('op', '1', { port: 22 })).not.toBe(
      queryKeyOf('op', '1', { port: 22, region: 'eu-west-1' }),
    );
  });
});
