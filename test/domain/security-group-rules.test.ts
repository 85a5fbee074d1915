/** One identity for "the same rule", as AWS judges `InvalidPermission.Duplicate`. */
import { type NewIngressRule, ruleIdentity, toRuleChange } from '../../functions/domain/security-group-rules';

const base: NewIngressRule = {
  groupId: 'sg-a',
  ipProtocol: 'tcp',
  fromPort: 22,
  toPort: 22,
  cidrIpv4: '10.0.0.0/8',
};

describe('ruleIdentity', () => {
  it.each<[string, NewIngressRule, NewIngressRule, boolean]>([
    ['the description does not count', { ...base, description: 'a' }, { ...base, description: 'b' }, true],
    ['a protocol number is its name', { ...base, ipProtocol: '6' }, base, true],
    ['a CIDR counts by its range', { ...base, cidrIpv4: '10.1.2.3/8' }, base, true],
    [
      'an all-traffic rule has no ports',
      { ...base, ipProtocol: '-1', fromPort: 0, toPort: 65535 },
      { ...base, ipProtocol: '-1', fromPort: -1, toPort: -1 },
      true,
    ],
    ['other ports differ', { ...base, toPort: 23 }, base, false],
    ['other groups differ', { ...base, groupId: 'sg-b' }, base, false],
    [
      'a group reference is not a prefix list of the same id',
      { groupId: 'sg-a', ipProtocol: 'tcp', fromPort: 22, toPort: 22, referencedGroupId: 'x-1' },
      { groupId: 'sg-a', ipProtocol: 'tcp', fromPort: 22, toPort: 22, prefixListId: 'x-1' },
      false,
    ],
    [
      'IPv4 and IPv6 sources differ',
      { ...base, cidrIpv4: undefined, cidrIpv6: '::/0' },
      { ...base, cidrIpv4: '0.0.0.0/0' },
      false,
    ],
  ])('%s', (_name, a, b, same) => {
    // Act
    const equal = ruleIdentity(a) === ruleIdentity(b);

    // Assert
    expect(equal).toBe(same);
  });
});

describe('toRuleChange', () => {
  it('reports the source as written and a missing description as null', () => {
    expect(toRuleChange({ ...base, cidrIpv4: '10.1.2.3/8', securityGroupRuleId: 'sgr-1' })).toEqual({
      securityGroupId: 'sg-a',
      securityGroupRuleId: 'sgr-1',
      ipProtocol: 'tcp',
      fromPort: 22,
      toPort: 22,
      source: '10.1.2.3/8',
      description: null,
    });
  });
});
