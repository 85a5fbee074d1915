import { type IpRange, parseCidr, publicAddressCount } from '../../functions/domain/ip-ranges';
import {
  findPortExposures,
  judgePortExposure,
  type PortProtocol,
  ruleAdmitsPort,
} from '../../functions/domain/port-exposure';
import { type PortScenario, portInput, rule } from '../support/security-groups';

/** Exposures as `interface:rule` pairs, the shape every table below asserts on. */
function exposedPairs(scenario: PortScenario): string[] {
  return findPortExposures(portInput(scenario)).map(
    (e) => `${e.networkInterfaceId}:${e.securityGroupRuleId}`,
  );
}

const ONE_ENI = { 'eni-1': ['sg-a'] };
const ALL_SLASH_8 = Array.from({ length: 256 }, (_, i) => `${i}.0.0.0/8`);

function cidrOf(text: string | undefined): IpRange {
  const range = parseCidr(text ?? '');
  if (range === undefined) throw new Error(`bad test CIDR ${text}`);
  return range;
}

/** The fewest IPv4 CIDR blocks covering first..last except the holes (test-side, written independently). */
function cidrsBetween(first: number, last: number, holes: readonly string[]): string[] {
  const cut = holes.map(cidrOf).map((r) => [Number(r.first), Number(r.last)] as const);
  const blocks: string[] = [];
  let next = first;
  while (next <= last) {
    const hole = cut.find(([a, b]) => a <= next && next <= b);
    if (hole) {
      next = hole[1] + 1;
      continue;
    }
    let size = 1;
    while (
      next % (size * 2) === 0 &&
      next + size * 2 - 1 <= last &&
      !cut.some(([a, b]) => a <= next + size * 2 - 1 && b >= next)
    )
      size *= 2;
    blocks.push(
      `${[24, 16, 8, 0].map((s) => Math.floor(next / 2 ** s) % 256).join('.')}/${32 - Math.log2(size)}`,
    );
    next += size;
  }
  return blocks;
}

describe('ruleAdmitsPort', () => {
  it.each([
    ['tcp in range', rule('r', 'sg', 'tcp', 20, 30, '0.0.0.0/0'), 25, 'tcp', true],
    ['tcp at fromPort', rule('r', 'sg', 'tcp', 22, 30, '0.0.0.0/0'), 22, 'tcp', true],
    ['tcp at toPort', rule('r', 'sg', 'tcp', 10, 22, '0.0.0.0/0'), 22, 'tcp', true],
    ['tcp one below fromPort', rule('r', 'sg', 'tcp', 23, 30, '0.0.0.0/0'), 22, 'tcp', false],
    ['tcp one above toPort', rule('r', 'sg', 'tcp', 10, 21, '0.0.0.0/0'), 22, 'tcp', false],
    ['tcp 0-65535 at port 0', rule('r', 'sg', 'tcp', 0, 65535, '0.0.0.0/0'), 0, 'tcp', true],
    ['tcp 0-65535 at port 65535', rule('r', 'sg', 'tcp', 0, 65535, '0.0.0.0/0'), 65535, 'tcp', true],
    ['tcp rule, udp asked', rule('r', 'sg', 'tcp', 0, 65535, '0.0.0.0/0'), 53, 'udp', false],
    ['protocol number 6 is tcp', rule('r', 'sg', '6', 22, 22, '0.0.0.0/0'), 22, 'tcp', true],
    ['protocol number 17 is udp', rule('r', 'sg', '17', 53, 53, '0.0.0.0/0'), 53, 'udp', true],
    ['protocol number 6 is not udp', rule('r', 'sg', '6', 53, 53, '0.0.0.0/0'), 53, 'udp', false],
    ['-1 admits tcp', rule('r', 'sg', '-1', -1, -1, '0.0.0.0/0'), 22, 'tcp', true],
    ['-1 admits udp', rule('r', 'sg', '-1', -1, -1, '0.0.0.0/0'), 65535, 'udp', true],
    ['icmp never', rule('r', 'sg', 'icmp', -1, -1, '0.0.0.0/0'), 22, 'tcp', false],
    ['icmp with a type in range never', rule('r', 'sg', 'icmp', 8, 22, '0.0.0.0/0'), 22, 'tcp', false],
    ['icmpv6 never', rule('r', 'sg', 'icmpv6', -1, -1, '::/0'), 22, 'tcp', false],
    ['GRE 47 never', rule('r', 'sg', '47', -1, -1, '0.0.0.0/0'), 22, 'tcp', false],
    ['ESP 50 never', rule('r', 'sg', '50', -1, -1, '0.0.0.0/0'), 500, 'udp', false],
    ['egress never', { ...rule('r', 'sg', '-1', -1, -1, '0.0.0.0/0'), isEgress: true }, 22, 'tcp', false],
  ] as const)('%s', (_name, r, port, protocol, expected) => {
    // Act
    const admits = ruleAdmitsPort(r, port, protocol);

    // Assert
    expect(admits).toBe(expected);
  });
});

describe('findPortExposures', () => {
  it.each<[string, PortScenario, string[]]>([
    [
      '0.0.0.0/0 on the port',
      { interfaces: ONE_ENI, rules: [rule('r1', 'sg-a', 'tcp', 22, 22, '0.0.0.0/0')] },
      ['eni-1:r1'],
    ],
    [
      '::/0 on the port',
      { interfaces: ONE_ENI, rules: [rule('r1', 'sg-a', 'tcp', 22, 22, '::/0')] },
      ['eni-1:r1'],
    ],
    [
      'the groups of a secondary interface count',
      {
        interfaces: { 'eni-1': ['sg-a'], 'eni-2': ['sg-b'] },
        rules: [
          rule('r1', 'sg-a', 'tcp', 22, 22, '10.0.0.0/8'),
          rule('r2', 'sg-b', 'tcp', 22, 22, '0.0.0.0/0'),
        ],
      },
      ['eni-2:r2'],
    ],
    [
      'protocol number 6',
      { interfaces: ONE_ENI, rules: [rule('r1', 'sg-a', '6', 0, 100, '0.0.0.0/0')] },
      ['eni-1:r1'],
    ],
    [
      'protocol number 17',
      {
        interfaces: ONE_ENI,
        rules: [rule('r1', 'sg-a', '17', 53, 53, '0.0.0.0/0')],
        port: 53,
        protocol: 'udp',
      },
      ['eni-1:r1'],
    ],
    [
      '-1 on tcp',
      { interfaces: ONE_ENI, rules: [rule('r1', 'sg-a', '-1', -1, -1, '0.0.0.0/0')] },
      ['eni-1:r1'],
    ],
    [
      '-1 on udp',
      { interfaces: ONE_ENI, rules: [rule('r1', 'sg-a', '-1', -1, -1, '::/0')], port: 500, protocol: 'udp' },
      ['eni-1:r1'],
    ],
    [
      'icmp, icmpv6, GRE and ESP never',
      {
        interfaces: ONE_ENI,
        rules: [
          rule('r1', 'sg-a', 'icmp', -1, -1, '0.0.0.0/0'),
          rule('r2', 'sg-a', 'icmpv6', -1, -1, '::/0'),
          rule('r3', 'sg-a', '47', -1, -1, '0.0.0.0/0'),
          rule('r4', 'sg-a', '50', -1, -1, '0.0.0.0/0'),
        ],
      },
      [],
    ],
    [
      'P = fromPort',
      { interfaces: ONE_ENI, rules: [rule('r1', 'sg-a', 'tcp', 22, 80, '0.0.0.0/0')] },
      ['eni-1:r1'],
    ],
    [
      'P = toPort',
      { interfaces: ONE_ENI, rules: [rule('r1', 'sg-a', 'tcp', 1, 22, '0.0.0.0/0')] },
      ['eni-1:r1'],
    ],
    [
      'P outside the range',
      { interfaces: ONE_ENI, rules: [rule('r1', 'sg-a', 'tcp', 23, 80, '0.0.0.0/0')] },
      [],
    ],
    [
      'port 0',
      { interfaces: ONE_ENI, rules: [rule('r1', 'sg-a', 'tcp', 0, 0, '0.0.0.0/0')], port: 0 },
      ['eni-1:r1'],
    ],
    [
      'port 65535',
      {
        interfaces: ONE_ENI,
        rules: [rule('r1', 'sg-a', 'udp', 65535, 65535, '0.0.0.0/0')],
        port: 65535,
        protocol: 'udp',
      },
      ['eni-1:r1'],
    ],
    [
      'tcp rule, udp asked',
      { interfaces: ONE_ENI, rules: [rule('r1', 'sg-a', 'tcp', 22, 22, '0.0.0.0/0')], protocol: 'udp' },
      [],
    ],
    [
      'union of two groups on the same interface',
      {
        interfaces: { 'eni-1': ['sg-a', 'sg-b'] },
        rules: [
          rule('r1', 'sg-a', 'tcp', 22, 22, '0.0.0.0/1'),
          rule('r2', 'sg-b', 'tcp', 0, 1024, '128.0.0.0/1'),
        ],
      },
      ['eni-1:r1', 'eni-1:r2'],
    ],
    [
      'no union across different interfaces',
      {
        interfaces: { 'eni-1': ['sg-a'], 'eni-2': ['sg-b'] },
        rules: [
          rule('r1', 'sg-a', 'tcp', 22, 22, '11.0.0.0/8'),
          rule('r2', 'sg-b', 'tcp', 22, 22, '12.0.0.0/8'),
        ],
      },
      [],
    ],
    [
      'union only over rules admitting the port',
      {
        interfaces: ONE_ENI,
        rules: [
          rule('r1', 'sg-a', 'tcp', 22, 22, '11.0.0.0/8'),
          rule('r2', 'sg-a', 'tcp', 80, 80, '12.0.0.0/8'),
        ],
      },
      [],
    ],
    [
      'union over tcp and -1 rules',
      {
        interfaces: ONE_ENI,
        rules: [
          rule('r1', 'sg-a', 'tcp', 22, 22, '0.0.0.0/1'),
          rule('r2', 'sg-a', '-1', -1, -1, '128.0.0.0/1'),
        ],
      },
      ['eni-1:r1', 'eni-1:r2'],
    ],
    [
      'IPv6 union',
      {
        interfaces: ONE_ENI,
        rules: [
          rule('r1', 'sg-a', 'tcp', 22, 22, '2400:1::/32'),
          rule('r2', 'sg-a', 'tcp', 22, 22, '2400:2::/32'),
        ],
      },
      ['eni-1:r1'],
    ],
    [
      'a prefix list whose entries cover IPv4',
      {
        interfaces: ONE_ENI,
        rules: [rule('r1', 'sg-a', 'tcp', 22, 22, 'pl-all')],
        prefixLists: { 'pl-all': ['0.0.0.0/1', '128.0.0.0/1'] },
      },
      ['eni-1:r1'],
    ],
    [
      'a prefix list whose entries do not cover',
      {
        interfaces: ONE_ENI,
        rules: [rule('r1', 'sg-a', 'tcp', 22, 22, 'pl-half')],
        prefixLists: { 'pl-half': ['11.0.0.0/8', '192.168.0.0/16'] },
      },
      [],
    ],
    [
      'a prefix list completing a CIDR',
      {
        interfaces: ONE_ENI,
        rules: [
          rule('r1', 'sg-a', 'tcp', 22, 22, 'pl-half'),
          rule('r2', 'sg-a', 'tcp', 22, 22, '128.0.0.0/1'),
        ],
        prefixLists: { 'pl-half': ['0.0.0.0/1'] },
      },
      ['eni-1:r1', 'eni-1:r2'],
    ],
    [
      'an unknown prefix list is not the internet',
      { interfaces: ONE_ENI, rules: [rule('r1', 'sg-a', 'tcp', 22, 22, 'pl-unknown')] },
      [],
    ],
    [
      'a group reference is not the internet',
      { interfaces: ONE_ENI, rules: [rule('r1', 'sg-a', '-1', -1, -1, 'sg-b')] },
      [],
    ],
    [
      'a private CIDR is not the internet',
      { interfaces: ONE_ENI, rules: [rule('r1', 'sg-a', 'tcp', 22, 22, '10.0.0.0/8')] },
      [],
    ],
    [
      'a single address is not the internet',
      { interfaces: ONE_ENI, rules: [rule('r1', 'sg-a', 'tcp', 22, 22, '203.0.113.5/32')] },
      [],
    ],
    [
      'a private /8 in a covering union stays, the broad sources go',
      {
        interfaces: { 'eni-1': ['sg-a', 'sg-b'] },
        rules: [
          rule('r-0', 'sg-a', 'tcp', 22, 22, '0.0.0.0/5'),
          rule('r-8', 'sg-a', 'tcp', 22, 22, '8.0.0.0/7'),
          rule('r-10', 'sg-b', 'tcp', 22, 22, '10.0.0.0/8'),
          rule('r-11', 'sg-b', 'tcp', 22, 22, '11.0.0.0/8'),
          rule('r-12', 'sg-a', 'tcp', 22, 22, '12.0.0.0/6'),
          rule('r-16', 'sg-a', 'tcp', 22, 22, '16.0.0.0/4'),
          rule('r-32', 'sg-a', 'tcp', 22, 22, '32.0.0.0/3'),
          rule('r-64', 'sg-a', 'tcp', 22, 22, '64.0.0.0/2'),
          rule('r-128', 'sg-b', 'tcp', 22, 22, '128.0.0.0/1'),
          rule('r-office', 'sg-b', 'tcp', 22, 22, '198.51.100.0/24'),
        ],
      },
      ['eni-1:r-0', 'eni-1:r-12', 'eni-1:r-16', 'eni-1:r-32', 'eni-1:r-64', 'eni-1:r-8', 'eni-1:r-128'],
    ],
    [
      'narrow sources covering on their own: the broadest public one goes, the private one stays',
      {
        interfaces: ONE_ENI,
        rules: [
          rule('r1', 'sg-a', 'tcp', 22, 22, '10.0.0.0/8'),
          rule('r2', 'sg-a', 'tcp', 22, 22, 'pl-slash8'),
        ],
        prefixLists: { 'pl-slash8': ALL_SLASH_8 },
      },
      ['eni-1:r2'],
    ],
    [
      'a private IPv6 range broader than /32 stays',
      {
        interfaces: ONE_ENI,
        rules: [
          rule('r1', 'sg-a', 'tcp', 22, 22, '::/1'),
          rule('r2', 'sg-a', 'tcp', 22, 22, '8000::/1'),
          rule('r3', 'sg-a', 'tcp', 22, 22, 'fc00::/7'),
        ],
      },
      ['eni-1:r1'],
    ],
    [
      'a group reference and a corporate CIDR next to 0.0.0.0/0 stay',
      {
        interfaces: ONE_ENI,
        rules: [
          rule('r1', 'sg-a', 'tcp', 22, 22, '0.0.0.0/0'),
          rule('r2', 'sg-a', 'tcp', 22, 22, 'sg-bastion'),
          rule('r3', 'sg-a', 'tcp', 22, 22, '198.51.100.0/24'),
        ],
      },
      ['eni-1:r1'],
    ],
    [
      'a shared group is reported on every interface',
      {
        interfaces: { 'eni-2': ['sg-a'], 'eni-1': ['sg-a', 'sg-a'] },
        rules: [rule('r1', 'sg-a', 'tcp', 22, 22, '0.0.0.0/0')],
      },
      ['eni-1:r1', 'eni-2:r1'],
    ],
    [
      '2000::/3 (all global unicast IPv6) is open',
      { interfaces: ONE_ENI, rules: [rule('r1', 'sg-a', 'tcp', 22, 22, '2000::/3')] },
      ['eni-1:r1'],
    ],
    [
      'half of IPv4 is open',
      { interfaces: ONE_ENI, rules: [rule('r1', 'sg-a', 'tcp', 22, 22, '0.0.0.0/1')] },
      ['eni-1:r1'],
    ],
    [
      'two public /8 blocks are open',
      { interfaces: ONE_ENI, rules: [rule('r1', 'sg-a', 'tcp', 22, 22, '8.0.0.0/7')] },
      ['eni-1:r1'],
    ],
    [
      'one public /8 is not open',
      { interfaces: ONE_ENI, rules: [rule('r1', 'sg-a', 'tcp', 22, 22, '11.0.0.0/8')] },
      [],
    ],
    [
      '0.0.0.0/7 is one public /8 (0/8 is special): not open',
      { interfaces: ONE_ENI, rules: [rule('r1', 'sg-a', 'tcp', 22, 22, '0.0.0.0/7')] },
      [],
    ],
    [
      'a /24 is not open',
      { interfaces: ONE_ENI, rules: [rule('r1', 'sg-a', 'tcp', 22, 22, '8.8.8.0/24')] },
      [],
    ],
    [
      'every private range together is not open',
      {
        interfaces: ONE_ENI,
        rules: [
          rule('r1', 'sg-a', 'tcp', 22, 22, '10.0.0.0/8'),
          rule('r2', 'sg-a', 'tcp', 22, 22, '172.16.0.0/12'),
          rule('r3', 'sg-a', 'tcp', 22, 22, '192.168.0.0/16'),
          rule('r4', 'sg-a', 'tcp', 22, 22, '100.64.0.0/10'),
          rule('r5', 'sg-a', 'tcp', 22, 22, 'fc00::/7'),
        ],
      },
      [],
    ],
    [
      '2001:db8::/31 is one public /32: not open',
      { interfaces: ONE_ENI, rules: [rule('r1', 'sg-a', 'tcp', 22, 22, '2001:db8::/31')] },
      [],
    ],
    [
      '2400::/31 is two public /32: open',
      { interfaces: ONE_ENI, rules: [rule('r1', 'sg-a', 'tcp', 22, 22, '2400::/31')] },
      ['eni-1:r1'],
    ],
    [
      'egress rules are ignored',
      { interfaces: ONE_ENI, rules: [{ ...rule('r1', 'sg-a', '-1', -1, -1, '0.0.0.0/0'), isEgress: true }] },
      [],
    ],
  ])('%s', (_name, scenario, expected) => {
    // Act
    const pairs = exposedPairs(scenario);

    // Assert
    expect(pairs).toEqual(expected);
  });

  it('finds every public IPv4 address except RFC 1918, written as CIDR rules, open', () => {
    // Arrange
    const cidrs = cidrsBetween(0, 2 ** 32 - 1, ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16']);
    const rules = cidrs.map((cidr, i) => rule(`r${String(i).padStart(2, '0')}`, 'sg-a', 'tcp', 22, 22, cidr));

    // Act
    const reported = findPortExposures(portInput({ interfaces: ONE_ENI, rules }));

    // Assert: reported are the rules to revoke, broadest first, until what is left is at most one /8
    const revokedIds = new Set(reported.map((e) => e.securityGroupRuleId));
    const left = rules.filter((r) => !revokedIds.has(r.securityGroupRuleId)).map((r) => cidrOf(r.cidrIpv4));
    expect(reported.length).toBeGreaterThan(0);
    expect(publicAddressCount(left, 4)).toBeLessThanOrEqual(1n << 24n);
    expect(
      rules
        .filter((r) => r.cidrIpv4 === '0.0.0.0/5' || r.cidrIpv4 === '128.0.0.0/3')
        .map((r) => revokedIds.has(r.securityGroupRuleId)),
    ).toEqual([true, true]);
  });

  it('finds 256 rules of one /8 each open, and reports all but the last public /8', () => {
    // Arrange
    const rules = ALL_SLASH_8.map((cidr, i) =>
      rule(`r${String(i).padStart(3, '0')}`, 'sg-a', 'tcp', 22, 22, cidr),
    );

    // Act
    const reported = findPortExposures(portInput({ interfaces: ONE_ENI, rules }));

    // Assert
    const revokedIds = new Set(reported.map((e) => e.securityGroupRuleId));
    const left = rules.filter((r) => !revokedIds.has(r.securityGroupRuleId)).map((r) => cidrOf(r.cidrIpv4));
    expect(publicAddressCount(left, 4)).toBeLessThanOrEqual(1n << 24n);
    expect(publicAddressCount(left, 4)).toBeGreaterThan(0n);
    expect(left.map((r) => r.cidr)).toEqual(
      expect.arrayContaining(['10.0.0.0/8', '127.0.0.0/8', '224.0.0.0/8']),
    );
  });
});

describe('judgePortExposure with an unreadable prefix list', () => {
  it('keeps an exposure established by 0.0.0.0/0 and marks nothing unknown', () => {
    // Arrange
    const input = {
      ...portInput({
        rules: [
          rule('r1', 'sg-a', 'tcp', 22, 22, '0.0.0.0/0'),
          rule('r2', 'sg-a', 'tcp', 22, 22, 'pl-denied'),
        ],
      }),
      unreadablePrefixLists: new Set(['pl-denied']),
    };

    // Act
    const verdict = judgePortExposure(input);

    // Assert
    expect(verdict.exposures.map((e) => e.securityGroupRuleId)).toEqual(['r1']);
    expect(verdict.unknown).toEqual([]);
  });

  it('marks unknown only the interface whose verdict depends on the list', () => {
    // Arrange
    const input = {
      ...portInput({
        interfaces: { 'eni-1': ['sg-a'], 'eni-2': ['sg-b'] },
        rules: [
          rule('r1', 'sg-a', 'tcp', 22, 22, 'pl-denied'),
          rule('r2', 'sg-b', 'tcp', 22, 22, '11.0.0.0/8'),
        ],
      }),
      unreadablePrefixLists: new Set(['pl-denied']),
    };

    // Act
    const verdict = judgePortExposure(input);

    // Assert
    expect(verdict.exposures).toEqual([]);
    expect(verdict.unknown).toEqual([
      {
        networkInterfaceId: 'eni-1',
        securityGroupId: 'sg-a',
        securityGroupRuleId: 'r1',
        prefixListId: 'pl-denied',
      },
    ]);
  });

  it('reports the rule, its group, protocol, range and a readable source', () => {
    // Arrange
    const scenario: PortScenario = {
      interfaces: ONE_ENI,
      rules: [rule('r1', 'sg-a', '6', 0, 1024, 'pl-web')],
      prefixLists: { 'pl-web': ['0.0.0.0/1', '128.0.0.0/1', '::/1', '8000::/1', '10.0.0.0/8'] },
    };

    // Act
    const exposures = findPortExposures(portInput(scenario));

    // Assert
    expect(exposures).toEqual([
      {
        networkInterfaceId: 'eni-1',
        securityGroupId: 'sg-a',
        securityGroupRuleId: 'r1',
        ipProtocol: '6',
        fromPort: 0,
        toPort: 1024,
        source: 'pl-web (0.0.0.0/1, 128.0.0.0/1, ::/1, +2 more)',
      },
    ]);
  });

  it.each([
    [-1, 'tcp'],
    [65536, 'tcp'],
    [22.5, 'tcp'],
    [22, 'icmp'],
  ])('refuses port %p protocol %p', (port, protocol) => {
    // Arrange
    const input = {
      ...portInput({ interfaces: ONE_ENI, rules: [] }),
      port,
      protocol: protocol as PortProtocol,
    };

    // Act
    const act = () => findPortExposures(input);

    // Assert
    expect(act).toThrow(RangeError);
  });
});
