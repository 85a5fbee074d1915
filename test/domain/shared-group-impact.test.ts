/** The blast radius of a security group change: the other interfaces that use a changed group. */
import { findAlsoAffected, type GroupUserFacts } from '../../functions/domain/shared-group-impact';

const user = (networkInterfaceId: string, instanceId: string | null, groupIds: string[]): GroupUserFacts => ({
  networkInterfaceId,
  instanceId,
  groupIds,
});

describe('findAlsoAffected', () => {
  it.each<[string, GroupUserFacts[], string[]]>([
    ['nobody else uses the group', [user('eni-own', 'i-1', ['sg-a'])], []],
    ['an interface of the instance reported without it', [user('eni-own', null, ['sg-a'])], []],
    ['another interface of the instance', [user('eni-2nd', 'i-1', ['sg-a'])], []],
    ['another instance', [user('eni-9', 'i-9', ['sg-a'])], ['sg-a eni-9 i-9']],
    ['a detached interface', [user('eni-8', null, ['sg-a'])], ['sg-a eni-8 -']],
    ['a group that did not change', [user('eni-9', 'i-9', ['sg-z'])], []],
    [
      'one entry per changed group, sorted by group then interface',
      [user('eni-9', 'i-9', ['sg-b', 'sg-a']), user('eni-3', 'i-3', ['sg-b'])],
      ['sg-a eni-9 i-9', 'sg-b eni-3 i-3', 'sg-b eni-9 i-9'],
    ],
  ])('%s', (_name, users, expected) => {
    // Act
    const affected = findAlsoAffected({
      instanceId: 'i-1',
      ownInterfaceIds: new Set(['eni-own']),
      changedGroupIds: ['sg-a', 'sg-b'],
      users,
    });

    // Assert
    expect(
      affected.map((a) => `${a.securityGroupId} ${a.networkInterfaceId} ${a.instanceId ?? '-'}`),
    ).toEqual(expected);
  });
});

describe('findAlsoAffected: names', () => {
  it('names other instances by their Name tag and interfaces by their description, cleaned', () => {
    // Act
    const affected = findAlsoAffected({
      instanceId: 'i-1',
      ownInterfaceIds: new Set(['eni-own']),
      changedGroupIds: ['sg-a'],
      users: [
        { ...user('eni-9', 'i-9', ['sg-a']), description: 'Primary network interface' },
        { ...user('eni-8', null, ['sg-a']), description: 'ELB app/\u202Eweb-lb/123' },
        user('eni-7', 'i-7', ['sg-a']),
      ],
      instanceNames: new Map([
        ['i-9', 'api\u200B server'],
        ['i-7', null],
      ]),
    });

    // Assert
    expect(
      affected.map(({ networkInterfaceId, name, description }) => [networkInterfaceId, name, description]),
    ).toEqual([
      ['eni-7', null, null],
      ['eni-8', null, 'ELB app/web-lb/123'],
      ['eni-9', 'api server', 'Primary network interface'],
    ]);
  });
});
