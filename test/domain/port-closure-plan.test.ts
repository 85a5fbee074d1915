import { parseCidr, publicAddressCount } from '../../functions/domain/ip-ranges';
import {
  type PortClosureInput,
  type PortClosurePlan,
  planPortClosure,
  rulesAfterPlan,
} from '../../functions/domain/port-closure-plan';
import { findPortExposures, type IngressRule } from '../../functions/domain/port-exposure';
import type { NewIngressRule } from '../../functions/domain/security-group-rules';
import { type PortScenario, portInput, rule } from '../support/security-groups';

/** A replacement as `protocol from-to source`, the shape the tables assert on. */
function brief(r: NewIngressRule): string {
  const source = r.cidrIpv4 ?? r.cidrIpv6 ?? r.prefixListId ?? r.referencedGroupId;
  return `${r.groupId} ${r.ipProtocol} ${r.fromPort}-${r.toPort} ${source}`;
}

/** What the rules of the groups look like once the plan has been carried out. */
function applyPlan(input: PortClosureInput, plan: PortClosurePlan): PortClosureInput {
  return { ...input, rulesByGroup: rulesAfterPlan(input.rulesByGroup, plan, 'sgr-added-') };
}

const MANY_FILLERS = (count: number): IngressRule[] =>
  Array.from({ length: count }, (_, i) =>
    rule(`r-fill-${i}`, 'sg-a', 'tcp', 1000 + i, 1000 + i, '10.0.0.0/8'),
  );

describe('planPortClosure: keeping the other ports', () => {
  it.each<[string, PortScenario, string[]]>([
    [
      'tcp 0-65535 split at 22',
      { rules: [rule('r1', 'sg-a', 'tcp', 0, 65535, '0.0.0.0/0')] },
      ['sg-a tcp 0-21 0.0.0.0/0', 'sg-a tcp 23-65535 0.0.0.0/0'],
    ],
    [
      '20-30 at 20',
      { rules: [rule('r1', 'sg-a', 'tcp', 20, 30, '0.0.0.0/0')], port: 20 },
      ['sg-a tcp 21-30 0.0.0.0/0'],
    ],
    [
      '20-30 at 30',
      { rules: [rule('r1', 'sg-a', 'tcp', 20, 30, '0.0.0.0/0')], port: 30 },
      ['sg-a tcp 20-29 0.0.0.0/0'],
    ],
    ['exactly the port', { rules: [rule('r1', 'sg-a', 'tcp', 22, 22, '0.0.0.0/0')] }, []],
    [
      '0-65535 at 0',
      { rules: [rule('r1', 'sg-a', 'tcp', 0, 65535, '::/0')], port: 0 },
      ['sg-a tcp 1-65535 ::/0'],
    ],
    [
      '0-65535 at 65535',
      { rules: [rule('r1', 'sg-a', 'udp', 0, 65535, '::/0')], port: 65535, protocol: 'udp' },
      ['sg-a udp 0-65534 ::/0'],
    ],
    [
      'protocol number 6 written back as tcp',
      { rules: [rule('r1', 'sg-a', '6', 10, 30, '0.0.0.0/0')] },
      ['sg-a tcp 10-21 0.0.0.0/0', 'sg-a tcp 23-30 0.0.0.0/0'],
    ],
    [
      'protocol number 17 written back as udp',
      { rules: [rule('r1', 'sg-a', '17', 53, 54, '0.0.0.0/0')], port: 53, protocol: 'udp' },
      ['sg-a udp 54-54 0.0.0.0/0'],
    ],
    [
      '-1 from an IPv4 source',
      { rules: [rule('r1', 'sg-a', '-1', -1, -1, '0.0.0.0/0')] },
      [
        'sg-a icmp -1--1 0.0.0.0/0',
        'sg-a tcp 0-21 0.0.0.0/0',
        'sg-a tcp 23-65535 0.0.0.0/0',
        'sg-a udp 0-65535 0.0.0.0/0',
      ],
    ],
    [
      '-1 from an IPv6 source, udp asked',
      { rules: [rule('r1', 'sg-a', '-1', -1, -1, '::/0')], port: 53, protocol: 'udp' },
      ['sg-a icmpv6 -1--1 ::/0', 'sg-a tcp 0-65535 ::/0', 'sg-a udp 0-52 ::/0', 'sg-a udp 54-65535 ::/0'],
    ],
    [
      '-1 from a prefix list of both families',
      {
        rules: [rule('r1', 'sg-a', '-1', -1, -1, 'pl-mixed')],
        prefixLists: { 'pl-mixed': ['0.0.0.0/0', '::/0'] },
      },
      [
        'sg-a icmp -1--1 pl-mixed',
        'sg-a icmpv6 -1--1 pl-mixed',
        'sg-a tcp 0-21 pl-mixed',
        'sg-a tcp 23-65535 pl-mixed',
        'sg-a udp 0-65535 pl-mixed',
      ],
    ],
    [
      '-1 from an IPv4-only prefix list',
      {
        rules: [rule('r1', 'sg-a', '-1', -1, -1, 'pl-v4')],
        prefixLists: { 'pl-v4': ['0.0.0.0/1', '128.0.0.0/1'] },
      },
      ['sg-a icmp -1--1 pl-v4', 'sg-a tcp 0-21 pl-v4', 'sg-a tcp 23-65535 pl-v4', 'sg-a udp 0-65535 pl-v4'],
    ],
    [
      'a replacement already in the group is not authorized again',
      {
        rules: [
          rule('r1', 'sg-a', 'tcp', 0, 65535, '0.0.0.0/0'),
          rule('r2', 'sg-a', '6', 23, 65535, '0.0.0.0/0'),
        ],
      },
      ['sg-a tcp 0-21 0.0.0.0/0'],
    ],
    [
      'a replacement already in place with the source spelt differently',
      { rules: [rule('r1', 'sg-a', '-1', -1, -1, '::/0'), rule('r2', 'sg-a', 'udp', 0, 65535, '0:0::/0')] },
      ['sg-a icmpv6 -1--1 ::/0', 'sg-a tcp 0-21 ::/0', 'sg-a tcp 23-65535 ::/0'],
    ],
    [
      'the same rule in another group is no duplicate',
      {
        interfaces: { 'eni-1': ['sg-a'] },
        rules: [
          rule('r1', 'sg-a', 'tcp', 20, 30, '0.0.0.0/0'),
          rule('r2', 'sg-b', 'tcp', 23, 30, '0.0.0.0/0'),
        ],
      },
      ['sg-a tcp 20-21 0.0.0.0/0', 'sg-a tcp 23-30 0.0.0.0/0'],
    ],
    [
      'replacements repeated between revoked rules appear once',
      {
        rules: [
          rule('r1', 'sg-a', 'tcp', 0, 65535, '0.0.0.0/0'),
          rule('r2', 'sg-a', '-1', -1, -1, '0.0.0.0/0'),
        ],
      },
      [
        'sg-a icmp -1--1 0.0.0.0/0',
        'sg-a tcp 0-21 0.0.0.0/0',
        'sg-a tcp 23-65535 0.0.0.0/0',
        'sg-a udp 0-65535 0.0.0.0/0',
      ],
    ],
    [
      'overlapping rules are both revoked and no replacement covers the port',
      {
        rules: [
          rule('r1', 'sg-a', 'tcp', 20, 30, '0.0.0.0/0'),
          rule('r2', 'sg-a', 'tcp', 0, 100, '0.0.0.0/0'),
        ],
      },
      // 20-21 and 23-30 would sit inside 0-21 and 23-100: redundant, not added
      ['sg-a tcp 0-21 0.0.0.0/0', 'sg-a tcp 23-100 0.0.0.0/0'],
    ],
    [
      'a complement already admitted by rules that stay (same source and protocol) is not added',
      {
        rules: [
          rule('r1', 'sg-a', 'tcp', 20, 30, '0.0.0.0/0'),
          rule('r2', 'sg-a', 'tcp', 0, 21, '0.0.0.0/0'),
          rule('r3', 'sg-a', 'tcp', 23, 1000, '0.0.0.0/0'),
        ],
      },
      [],
    ],
    [
      'a complement only partly admitted by a rule that stays is added whole',
      {
        rules: [
          rule('r1', 'sg-a', 'tcp', 0, 100, '0.0.0.0/0'),
          rule('r2', 'sg-a', 'tcp', 50, 100, '0.0.0.0/0'),
        ],
      },
      ['sg-a tcp 0-21 0.0.0.0/0', 'sg-a tcp 23-100 0.0.0.0/0'],
    ],
    [
      'the same range from another source is no reason to leave a complement out',
      {
        rules: [
          rule('r1', 'sg-a', 'tcp', 20, 30, '0.0.0.0/0'),
          rule('r2', 'sg-a', 'tcp', 0, 100, '10.0.0.0/8'),
        ],
      },
      ['sg-a tcp 20-21 0.0.0.0/0', 'sg-a tcp 23-30 0.0.0.0/0'],
    ],
    [
      'an icmp rule for all types that stays makes the icmp replacement of a -1 rule redundant',
      {
        rules: [
          rule('r1', 'sg-a', '-1', -1, -1, '0.0.0.0/0'),
          rule('r2', 'sg-a', 'icmp', -1, -1, '0.0.0.0/0'),
        ],
      },
      ['sg-a tcp 0-21 0.0.0.0/0', 'sg-a tcp 23-65535 0.0.0.0/0', 'sg-a udp 0-65535 0.0.0.0/0'],
    ],
    [
      'an icmp rule for one type does not',
      {
        rules: [
          rule('r1', 'sg-a', '-1', -1, -1, '0.0.0.0/0'),
          rule('r2', 'sg-a', 'icmp', 8, -1, '0.0.0.0/0'),
        ],
      },
      [
        'sg-a icmp -1--1 0.0.0.0/0',
        'sg-a tcp 0-21 0.0.0.0/0',
        'sg-a tcp 23-65535 0.0.0.0/0',
        'sg-a udp 0-65535 0.0.0.0/0',
      ],
    ],
  ])('%s', (_name, scenario, expected) => {
    // Arrange
    const input = portInput(scenario);

    // Act
    const plan = planPortClosure(input);

    // Assert
    expect(plan.authorize.map(brief)).toEqual(expected);
    expect(plan.quotaProblems).toEqual([]);
  });

  it('keeps the source and the description of the split rule', () => {
    // Arrange
    const input = portInput({ rules: [rule('r1', 'sg-a', 'tcp', 0, 65535, '0.0.0.0/0', 'legacy: all tcp')] });

    // Act
    const plan = planPortClosure(input);

    // Assert
    expect(plan.authorize).toEqual([
      {
        groupId: 'sg-a',
        ipProtocol: 'tcp',
        fromPort: 0,
        toPort: 21,
        cidrIpv4: '0.0.0.0/0',
        description: 'legacy: all tcp',
      },
      {
        groupId: 'sg-a',
        ipProtocol: 'tcp',
        fromPort: 23,
        toPort: 65535,
        cidrIpv4: '0.0.0.0/0',
        description: 'legacy: all tcp',
      },
    ]);
    expect(plan.revoke.map((r) => r.securityGroupRuleId)).toEqual(['r1']);
    expect(plan.changedGroupIds).toEqual(['sg-a']);
  });

  it.each([
    ['0.0.0.0/0', 'icmp'],
    ['::/0', 'icmpv6'],
  ])('warns that a -1 rule from %s loses the other protocols', (source, icmp) => {
    // Arrange
    const input = portInput({ rules: [rule('sgr-all', 'sg-a', '-1', -1, -1, source)] });

    // Act
    const plan = planPortClosure(input);

    // Assert
    expect(plan.warnings).toHaveLength(1);
    expect(plan.warnings[0]).toContain('sgr-all');
    expect(plan.warnings[0]).toContain(source);
    expect(plan.warnings[0]).toContain(icmp);
    expect(plan.warnings[0]).toMatch(/GRE 47/);
  });

  it('does not warn when only a port range is split', () => {
    // Arrange
    const input = portInput({ rules: [rule('r1', 'sg-a', 'tcp', 0, 65535, '0.0.0.0/0')] });

    // Act
    const plan = planPortClosure(input);

    // Assert
    expect(plan.warnings).toEqual([]);
  });
});

describe('planPortClosure: protocols lost with an all-traffic rule', () => {
  it.each<[string, PortScenario, Array<{ securityGroupRuleId: string; kept: string }>]>([
    [
      'a tcp range loses nothing beyond the port',
      { rules: [rule('r1', 'sg-a', 'tcp', 0, 100, '0.0.0.0/0')] },
      [],
    ],
    [
      'an IPv4 all-traffic rule keeps tcp, udp and icmp only',
      { rules: [rule('r1', 'sg-a', '-1', -1, -1, '0.0.0.0/0')] },
      [{ securityGroupRuleId: 'r1', kept: 'tcp except port 22, all of udp and icmp' }],
    ],
    [
      'an IPv6 all-traffic rule keeps icmpv6',
      { rules: [rule('r1', 'sg-a', '-1', -1, -1, '::/0')], port: 53, protocol: 'udp' },
      [{ securityGroupRuleId: 'r1', kept: 'udp except port 53, all of tcp and icmpv6' }],
    ],
  ])('%s', (_name, scenario, expected) => {
    // Act
    const plan = planPortClosure(portInput(scenario));

    // Assert
    expect(plan.protocolLosses).toEqual(
      expected.map((loss) => expect.objectContaining({ ...loss, groupId: 'sg-a' })),
    );
  });
});

describe('planPortClosure: what is revoked', () => {
  it.each<[string, PortScenario, string[]]>([
    ['nothing open', { rules: [rule('r1', 'sg-a', 'tcp', 22, 22, '10.0.0.0/8')] }, []],
    [
      'only the internet rule, not the corporate CIDR nor the group reference',
      {
        rules: [
          rule('r1', 'sg-a', 'tcp', 22, 22, '0.0.0.0/0'),
          rule('r2', 'sg-a', 'tcp', 22, 22, '198.51.100.0/24'),
          rule('r3', 'sg-a', 'tcp', 22, 22, 'sg-bastion'),
        ],
      },
      ['r1'],
    ],
    [
      'a union across groups of a secondary interface',
      {
        interfaces: { 'eni-1': ['sg-a'], 'eni-2': ['sg-b', 'sg-c'] },
        rules: [
          rule('r1', 'sg-b', 'tcp', 22, 22, '0.0.0.0/1'),
          rule('r2', 'sg-c', '-1', -1, -1, '128.0.0.0/1'),
        ],
      },
      ['r1', 'r2'],
    ],
    [
      'a rule exposed on two interfaces is revoked once',
      {
        interfaces: { 'eni-1': ['sg-a'], 'eni-2': ['sg-a', 'sg-b'] },
        rules: [rule('r1', 'sg-a', 'tcp', 22, 22, '0.0.0.0/0'), rule('r2', 'sg-b', 'tcp', 22, 22, '::/0')],
      },
      ['r1', 'r2'],
    ],
  ])('%s', (_name, scenario, expected) => {
    // Arrange
    const input = portInput(scenario);

    // Act
    const plan = planPortClosure(input);

    // Assert
    expect(plan.revoke.map((r) => r.securityGroupRuleId)).toEqual(expected);
  });
});

describe('planPortClosure: closing closes (rev. 2)', () => {
  it('revokes /8 rules broadest first until at most one public /8 is left, not one rule of 256', () => {
    // Arrange: 256 rules of one /8 each, in one group
    const rules = Array.from({ length: 256 }, (_, i) =>
      rule(`r${String(i).padStart(3, '0')}`, 'sg-a', 'tcp', 22, 22, `${i}.0.0.0/8`),
    );
    const input = portInput({ rules, rulesPerGroupLimit: 1000 });

    // Act
    const plan = planPortClosure(input);
    const after = applyPlan(input, plan);

    // Assert
    const left = (after.rulesByGroup.get('sg-a') ?? []).map((r) => parseCidr(r.cidrIpv4 ?? ''));
    const leftPublic = publicAddressCount(
      left.filter((r) => r !== undefined),
      4,
    );
    expect(plan.revoke.length).toBeGreaterThan(200);
    expect(leftPublic).toBeGreaterThan(0n);
    expect(leftPublic).toBeLessThanOrEqual(1n << 24n);
    expect(findPortExposures(after)).toEqual([]);
  });

  it('revokes 2000::/3 and keeps a partner /48', () => {
    // Arrange
    const input = portInput({
      rules: [
        rule('r1', 'sg-a', 'tcp', 22, 22, '2000::/3'),
        rule('r2', 'sg-a', 'tcp', 22, 22, '2400:cb00:1::/48'),
      ],
    });

    // Act
    const plan = planPortClosure(input);

    // Assert
    expect(plan.revoke.map((r) => r.securityGroupRuleId)).toEqual(['r1']);
  });
});

describe('planPortClosure: prefix list entries that lose the port with their rule', () => {
  it('names the private and narrow entries of a revoked list, not the broad ones', () => {
    // Arrange
    const input = portInput({
      rules: [rule('r1', 'sg-a', 'tcp', 22, 22, 'pl-mixed')],
      prefixLists: { 'pl-mixed': ['0.0.0.0/1', '128.0.0.0/1', '10.0.0.0/8', '11.0.0.0/8', '2400::/32'] },
    });

    // Act
    const plan = planPortClosure(input);

    // Assert
    expect(plan.prefixListLosses).toEqual([
      {
        securityGroupRuleId: 'r1',
        groupId: 'sg-a',
        prefixListId: 'pl-mixed',
        entries: ['10.0.0.0/8', '11.0.0.0/8', '2400::/32'],
      },
    ]);
    expect(plan.warnings).toEqual([expect.stringContaining('10.0.0.0/8, 11.0.0.0/8, 2400::/32')]);
  });

  it('says nothing for a list of broad entries only, nor for a list rule that stays', () => {
    // Arrange
    const input = portInput({
      rules: [rule('r1', 'sg-a', 'tcp', 22, 22, 'pl-broad'), rule('r2', 'sg-a', 'tcp', 22, 22, 'pl-private')],
      prefixLists: { 'pl-broad': ['0.0.0.0/0'], 'pl-private': ['10.0.0.0/8'] },
    });

    // Act
    const plan = planPortClosure(input);

    // Assert
    expect(plan.revoke.map((r) => r.securityGroupRuleId)).toEqual(['r1']);
    expect(plan.prefixListLosses).toEqual([]);
    expect(plan.warnings).toEqual([]);
  });
});

describe('planPortClosure: quota', () => {
  it.each<
    [
      string,
      PortScenario,
      { groupId: string; family: string; currentRules: number; rulesAfter: number; limit: number }[],
    ]
  >([
    [
      'a -1 split that no longer fits',
      { rules: [rule('r1', 'sg-a', '-1', -1, -1, '0.0.0.0/0'), ...MANY_FILLERS(58)] },
      [{ groupId: 'sg-a', family: 'IPv4', currentRules: 59, rulesAfter: 62, limit: 60 }],
    ],
    [
      'a split that exactly fits',
      { rules: [rule('r1', 'sg-a', 'tcp', 0, 65535, '0.0.0.0/0'), ...MANY_FILLERS(58)] },
      [],
    ],
    [
      'a lower limit given by the caller',
      { rules: [rule('r1', 'sg-a', 'tcp', 0, 65535, '0.0.0.0/0')], rulesPerGroupLimit: 1 },
      [{ groupId: 'sg-a', family: 'IPv4', currentRules: 1, rulesAfter: 2, limit: 1 }],
    ],
    [
      'revokes make room',
      {
        rules: [
          rule('r1', 'sg-a', 'tcp', 0, 65535, '0.0.0.0/0'),
          rule('r2', 'sg-a', 'tcp', 22, 22, '::/0'),
          ...MANY_FILLERS(58),
        ],
      },
      [],
    ],
  ])('%s', (_name, scenario, expected) => {
    // Arrange
    const input = portInput(scenario);

    // Act
    const plan = planPortClosure(input);

    // Assert
    expect(plan.quotaProblems).toEqual(expected);
  });
});

describe('planPortClosure: quota as AWS counts it (rev. 2)', () => {
  const v4Fillers = (count: number) =>
    Array.from({ length: count }, (_, i) => rule(`f4-${i}`, 'sg-a', 'tcp', 1000 + i, 1000 + i, '10.0.0.0/8'));
  const v6Fillers = (count: number) =>
    Array.from({ length: count }, (_, i) => rule(`f6-${i}`, 'sg-a', 'tcp', 1000 + i, 1000 + i, 'fd00::/8'));

  it('counts IPv4 and IPv6 rules separately: 59 IPv6 rules leave room for IPv4 replacements', () => {
    // Arrange
    const input = portInput({ rules: [rule('r1', 'sg-a', 'tcp', 0, 65535, '0.0.0.0/0'), ...v6Fillers(59)] });

    // Act
    const plan = planPortClosure(input);

    // Assert
    expect(plan.quotaProblems).toEqual([]);
    expect(plan.revokeFirstGroupIds).toEqual([]);
  });

  it('revokes first, with a warning, when the additions fit only once the old rule is gone', () => {
    // Arrange: 59 fillers + 1 wide = 60 IPv4 rules; limit 61: add-first needs 62, the end state 61
    const input = portInput({
      rules: [rule('r1', 'sg-a', 'tcp', 0, 65535, '0.0.0.0/0'), ...v4Fillers(59)],
      rulesPerGroupLimit: 61,
    });

    // Act
    const plan = planPortClosure(input);

    // Assert
    expect(plan.quotaProblems).toEqual([]);
    expect(plan.revokeFirstGroupIds).toEqual(['sg-a']);
    expect(plan.warnings).toEqual([expect.stringContaining('sg-a has no room for the replacement rules')]);
    // The summary names the effect: 60 rules, one revoked, two added, 61 of 61 afterwards.
    expect(plan.quotaUse).toEqual([
      { groupId: 'sg-a', family: 'IPv4', currentRules: 60, rulesAfter: 61, limit: 61, revokeFirst: true },
    ]);
  });

  it('reports how full a group gets when the additions fit next to the old rule', () => {
    // Arrange
    const input = portInput({ rules: [rule('r1', 'sg-a', 'tcp', 0, 65535, '0.0.0.0/0'), ...v4Fillers(10)] });

    // Act
    const plan = planPortClosure(input);

    // Assert
    expect(plan.quotaUse).toEqual([
      { groupId: 'sg-a', family: 'IPv4', currentRules: 11, rulesAfter: 12, limit: 60, revokeFirst: false },
    ]);
  });

  it('writes nothing when even the end state does not fit, naming the group and the family', () => {
    // Arrange
    const input = portInput({ rules: [rule('r1', 'sg-a', 'tcp', 0, 65535, '::/0'), ...v6Fillers(59)] });

    // Act
    const plan = planPortClosure(input);

    // Assert
    expect(plan.quotaProblems).toEqual([
      { groupId: 'sg-a', family: 'IPv6', currentRules: 60, rulesAfter: 61, limit: 60 },
    ]);
    expect(plan.revokeFirstGroupIds).toEqual([]);
    expect(plan.quotaUse).toEqual([]);
  });

  it('counts a customer-managed prefix list as its MaxEntries, an AWS-managed one and a group reference as one per family', () => {
    // Arrange: a 20-entry list + 39 fillers + the wide rule = 60 IPv4 rules
    const rules = [
      rule('r1', 'sg-a', 'tcp', 0, 65535, '0.0.0.0/0'),
      rule('r-pl', 'sg-a', 'tcp', 443, 443, 'pl-corp'),
      rule('r-aws', 'sg-a', 'tcp', 443, 443, 'pl-aws'),
      rule('r-sg', 'sg-a', 'tcp', 443, 443, 'sg-peer'),
      ...v4Fillers(37),
    ];
    const prefixListFacts = new Map([
      ['pl-corp', { family: 4 as const, maxEntries: 20, awsManaged: false }],
      ['pl-aws', { family: 4 as const, maxEntries: 500, awsManaged: true }],
    ]);

    // Act
    const plan = planPortClosure({ ...portInput({ rules }), prefixListFacts });
    const unknownWeights = planPortClosure(portInput({ rules }));

    // Assert: 1 + 20 + 1 + 1 + 37 = 60 now, 61 at the end: no room
    expect(plan.quotaProblems).toEqual([
      { groupId: 'sg-a', family: 'IPv4', currentRules: 60, rulesAfter: 61, limit: 60 },
    ]);
    // Without the lists' sizes the count is unknown: additions first (AWS refuses them before any revoke), said once
    expect(unknownWeights.quotaProblems).toEqual([]);
    expect(unknownWeights.revokeFirstGroupIds).toEqual([]);
    expect(unknownWeights.warnings).toEqual([expect.stringContaining('could not be checked')]);
  });
});

describe('planPortClosure: idempotence', () => {
  it.each<[string, PortScenario]>([
    ['a split', { rules: [rule('r1', 'sg-a', 'tcp', 0, 65535, '0.0.0.0/0')] }],
    ['a -1 rule', { rules: [rule('r1', 'sg-a', '-1', -1, -1, '::/0')], protocol: 'udp', port: 0 }],
    [
      'a union over shared groups',
      {
        interfaces: { 'eni-1': ['sg-a', 'sg-b'], 'eni-2': ['sg-b', 'sg-c'] },
        rules: [
          rule('r1', 'sg-a', 'tcp', 0, 100, '0.0.0.0/1'),
          rule('r2', 'sg-b', '-1', -1, -1, '128.0.0.0/1'),
          rule('r3', 'sg-c', 'tcp', 22, 22, '0.0.0.0/2'),
          rule('r4', 'sg-c', 'tcp', 22, 22, '64.0.0.0/2'),
          rule('r5', 'sg-b', 'tcp', 22, 22, '10.0.0.0/8'),
        ],
      },
    ],
    [
      'narrow sources covering on their own',
      {
        rules: [
          rule('r1', 'sg-a', 'tcp', 22, 22, '10.0.0.0/8'),
          rule('r2', 'sg-a', 'tcp', 0, 1000, 'pl-slash8'),
        ],
        prefixLists: { 'pl-slash8': Array.from({ length: 256 }, (_, i) => `${i}.0.0.0/8`) },
      },
    ],
  ])('%s: closed after one plan, nothing to do the second time', (_name, scenario) => {
    // Arrange
    const input = portInput(scenario);
    const first = planPortClosure(input);
    const after = applyPlan(input, first);

    // Act
    const second = planPortClosure(after);

    // Assert
    expect(first.revoke).not.toEqual([]);
    expect(findPortExposures(after)).toEqual([]);
    expect(second).toEqual({
      revoke: [],
      authorize: [],
      warnings: [],
      prefixListLosses: [],
      protocolLosses: [],
      quotaUse: [],
      quotaProblems: [],
      changedGroupIds: [],
      revokeFirstGroupIds: [],
    });
  });
});
