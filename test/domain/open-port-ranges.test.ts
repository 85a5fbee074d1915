import {
  exposuresOfRanges,
  findOpenPortRanges,
  judgeOpenPortRanges,
  memoisedOpenPortRanges,
} from '../../functions/domain/open-port-ranges';
import { findPortExposures, type IngressRule } from '../../functions/domain/port-exposure';

const rule = (
  id: string,
  ipProtocol: string,
  fromPort: number,
  toPort: number,
  source: Partial<IngressRule>,
) => ({ securityGroupRuleId: id, groupId: 'sg-1', ipProtocol, fromPort, toPort, ...source }) as IngressRule;

const input = (rules: IngressRule[]) => ({
  interfaces: [{ networkInterfaceId: 'eni-1', groupIds: ['sg-1'] }],
  rulesByGroup: new Map([['sg-1', rules]]),
  prefixListCidrs: new Map<string, string[]>(),
});

const ranges = (rules: IngressRule[]) =>
  findOpenPortRanges(input(rules)).map((r) => [r.protocol, r.fromPort, r.toPort, r.service]);

describe('findOpenPortRanges', () => {
  it('names the service of each internet-open range and leaves narrow sources out', () => {
    expect(
      ranges([
        rule('r-ssh', 'tcp', 22, 22, { cidrIpv4: '0.0.0.0/0' }),
        rule('r-web', 'tcp', 80, 80, { cidrIpv4: '10.0.0.0/8' }),
        rule('r-pg', '6', 5432, 5432, { cidrIpv6: '::/0' }),
      ]),
    ).toEqual([
      ['tcp', 22, 22, 'SSH'],
      ['tcp', 5432, 5432, 'PostgreSQL'],
    ]);
  });

  it('an all-traffic rule opens every tcp and udp port', () => {
    expect(ranges([rule('r-all', '-1', -1, -1, { cidrIpv4: '0.0.0.0/0' })])).toEqual([
      ['tcp', 0, 65535, 'FTP data, FTP, SSH, Telnet and 28 more'],
      ['udp', 0, 65535, 'DNS, NetBIOS, SNMP, RDP and 1 more'],
    ]);
  });

  it('splits where the opening rules change, and merges where they do not', () => {
    expect(
      ranges([
        rule('r-wide', 'tcp', 20, 30, { cidrIpv4: '0.0.0.0/0' }),
        rule('r-ssh', 'tcp', 22, 22, { cidrIpv4: '0.0.0.0/0' }),
        rule('r-narrow', 'tcp', 25, 25, { cidrIpv4: '192.0.2.0/24' }),
      ]),
    ).toEqual([
      ['tcp', 20, 21, 'FTP data, FTP'],
      ['tcp', 22, 22, 'SSH'],
      ['tcp', 23, 30, 'Telnet, SMTP'],
    ]);
  });

  it('two halves of the address space together open the port (the union rule)', () => {
    expect(
      ranges([
        rule('r-a', 'udp', 53, 53, { cidrIpv4: '0.0.0.0/1' }),
        rule('r-b', 'udp', 53, 53, { cidrIpv4: '128.0.0.0/1' }),
      ]),
    ).toEqual([['udp', 53, 53, 'DNS']]);
  });

  it('agrees with the single-port verdict on every port of a mixed rule set', () => {
    const rules = [
      rule('r-1', 'tcp', 0, 1000, { cidrIpv4: '0.0.0.0/1' }),
      rule('r-2', 'tcp', 500, 2000, { cidrIpv4: '128.0.0.0/1' }),
      rule('r-3', 'tcp', 443, 443, { cidrIpv6: '::/0' }),
      rule('r-4', 'udp', 100, 200, { cidrIpv4: '0.0.0.0/0' }),
      rule('r-5', 'tcp', 3000, 3100, { referencedGroupId: 'sg-2' }),
      // Private sources inside and across open ranges: they cut no stretch, the verdicts must still agree.
      rule('r-6', 'tcp', 700, 1500, { cidrIpv4: '10.0.0.0/8' }),
      rule('r-7', 'udp', 150, 150, { cidrIpv4: '192.168.0.0/16' }),
    ];
    const open = findOpenPortRanges(input(rules));
    const disagreements: string[] = [];
    for (const protocol of ['tcp', 'udp'] as const) {
      for (let port = 0; port <= 3200; port++) {
        const single = findPortExposures({ ...input(rules), port, protocol });
        const range = open.find((r) => r.protocol === protocol && r.fromPort <= port && port <= r.toPort);
        if (JSON.stringify(range?.exposures ?? []) !== JSON.stringify(single))
          disagreements.push(`${protocol}/${port}`);
      }
    }
    expect(open.length).toBeGreaterThan(0);
    expect(disagreements).toEqual([]);
  });

  it('only the protocols asked for', () => {
    const all = rule('r-all', '-1', -1, -1, { cidrIpv4: '0.0.0.0/0' });
    expect(findOpenPortRanges(input([all]), ['udp']).map((r) => r.protocol)).toEqual(['udp']);
  });
});

describe('memoisedOpenPortRanges', () => {
  it('answers exactly as findOpenPortRanges, with each instance’s own interface ids', () => {
    const rules = [
      rule('r-1', 'tcp', 22, 22, { cidrIpv4: '0.0.0.0/0' }),
      { ...rule('r-2', 'tcp', 3306, 3306, { cidrIpv4: '0.0.0.0/0' }), groupId: 'sg-2' },
    ];
    const facts = {
      rulesByGroup: new Map([
        ['sg-1', rules.filter((r) => r.groupId === 'sg-1')],
        ['sg-2', rules.filter((r) => r.groupId === 'sg-2')],
      ]),
      prefixListCidrs: new Map<string, string[]>(),
    };
    const memoised = memoisedOpenPortRanges(facts);
    const instances = [
      [
        { networkInterfaceId: 'eni-b', groupIds: ['sg-1'] },
        { networkInterfaceId: 'eni-a', groupIds: ['sg-2'] },
      ],
      [
        { networkInterfaceId: 'eni-c', groupIds: ['sg-1'] },
        { networkInterfaceId: 'eni-d', groupIds: ['sg-2'] },
      ],
      [{ networkInterfaceId: 'eni-e', groupIds: ['sg-2', 'sg-1'] }],
      [{ networkInterfaceId: 'eni-f', groupIds: ['sg-1', 'sg-2'] }],
      // One id listed twice (never from AWS): its exposures are still counted once.
      [
        { networkInterfaceId: 'eni-g', groupIds: ['sg-1'] },
        { networkInterfaceId: 'eni-g', groupIds: ['sg-1', 'sg-2'] },
      ],
    ];
    for (const interfaces of instances) {
      const verdict = memoised(interfaces);
      const { exposures, unknown, openPorts } = verdict;
      const direct = judgeOpenPortRanges({ ...facts, interfaces });
      expect({ ranges: verdict.ranges(), unknown }).toEqual(direct);
      expect(exposures).toEqual(exposuresOfRanges(direct.ranges));
      expect(openPorts).toEqual(direct.ranges.map(({ exposures: _, ...summary }) => summary));
    }
    expect(memoised(instances[0] ?? []).ranges()[0]?.exposures[0]?.networkInterfaceId).toBe('eni-b');
    // Instances on the same groups share one list of open ranges.
    expect(memoised(instances[2] ?? []).openPorts).toBe(memoised(instances[3] ?? []).openPorts);
  });
});

describe('judgeOpenPortRanges with an unreadable prefix list', () => {
  const listRule = { ...rule('r-pl', 'tcp', 8080, 8080, {}), prefixListId: 'pl-1' };
  const sshRule = rule('r-22', 'tcp', 22, 22, { cidrIpv4: '0.0.0.0/0' });
  const facts = {
    interfaces: [{ networkInterfaceId: 'eni-1', groupIds: ['sg-1'] }],
    rulesByGroup: new Map([['sg-1', [sshRule, listRule]]]),
    prefixListCidrs: new Map<string, string[]>(),
    unreadablePrefixLists: new Set(['pl-1']),
  };

  it('reports the open ranges it can show and the rule it cannot judge', () => {
    const verdict = judgeOpenPortRanges(facts);
    expect(verdict.ranges.map((r) => [r.protocol, r.fromPort, r.toPort])).toEqual([['tcp', 22, 22]]);
    expect(verdict.unknown).toEqual([
      {
        networkInterfaceId: 'eni-1',
        securityGroupId: 'sg-1',
        securityGroupRuleId: 'r-pl',
        prefixListId: 'pl-1',
      },
    ]);
  });

  it('names the rule once, however many stretches of ports it spans', () => {
    const wide = { ...listRule, fromPort: 1000, toPort: 9000 };
    const verdict = judgeOpenPortRanges({
      ...facts,
      rulesByGroup: new Map([
        ['sg-1', [sshRule, wide, rule('r-5', 'tcp', 5000, 5000, { cidrIpv4: '10.0.0.0/8' })]],
      ]),
    });
    expect(verdict.unknown.map((u) => u.securityGroupRuleId)).toEqual(['r-pl']);
  });
});
