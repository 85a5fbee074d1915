/**
 * The two EC2 operations over HTTP on the local server (same Router, handlers
 * and adapters as Lambda), against sandbox accounts that show each case of
 * shared/semantics.md, through finding and through closing.
 */

import type { RuleChange } from '../../functions/domain/security-group-rules';
import type { ScenarioEc2Region, ScenarioInput, ScenarioRule } from '../../functions/local/sandbox/scenario';
import { logger } from '../../functions/shared/logger';
import { closeUnwantedPortForEc2Instance, findEc2InstancesWithOpenPort } from '../../openapi/operations';
import { defaultScenario, scenario, startTestApi, type TestApi } from '../support/local-api';
import { isSnapshotCall, scanCalls } from '../support/snapshot-calls';

// ---------- scenario helpers ----------

type RuleInput = Partial<ScenarioRule> & { ipProtocol: string };

/** A rule written as `[egress] protocol ports source`, e.g. `tcp 20-30 0.0.0.0/0`, `-1 * ::/0`, `tcp 22 pl-1`. */
function rule(spec: string, extra: Partial<ScenarioRule> = {}): RuleInput {
  const parts = spec.split(' ');
  const egress = parts[0] === 'egress';
  if (egress) parts.shift();
  const [ipProtocol = '', ports = '*', source = ''] = parts;
  const [fromPort, toPort] =
    ports === '*'
      ? [-1, -1]
      : ports.includes('-')
        ? ports.split('-').map(Number)
        : [Number(ports), Number(ports)];
  const sourceField = source.startsWith('pl-')
    ? { prefixListId: source }
    : source.startsWith('sg-')
      ? { referencedGroupId: source }
      : source.includes(':')
        ? { cidrIpv6: source }
        : { cidrIpv4: source };
  return { ipProtocol, fromPort, toPort, egress, ...sourceField, ...extra };
}

/** Instance ids as AWS writes them: i- and 17 hex digits. */
function instanceIdOf(n: number): string {
  return `i-0${n.toString(16).padStart(16, '0')}`;
}

interface RegionSpec {
  /** Group id -> rule specs. */
  groups: Record<string, (string | RuleInput)[]>;
  /** Instances; each interface lists its group ids. Default: one running instance with every group on one interface. */
  instances?: {
    id?: string;
    name?: string;
    state?: string;
    interfaces: Record<string, string[]>;
    publicIp?: string;
  }[];
  prefixLists?: Record<string, string[]>;
  /** MaxEntries of every prefix list (the sandbox's default otherwise). */
  prefixListMaxEntries?: number;
  otherInterfaces?: { networkInterfaceId: string; groupIds: string[] }[];
  /** The account's rule quota in the Region (Service Quotas). */
  rulesPerGroupQuota?: number;
}

function ec2Region(spec: RegionSpec) {
  const instances = spec.instances ?? [{ interfaces: { 'eni-01': Object.keys(spec.groups) } }];
  return {
    securityGroups: Object.entries(spec.groups).map(([groupId, rules]) => ({
      groupId,
      rules: rules.map((r) => (typeof r === 'string' ? rule(r) : r)),
    })),
    instances: instances.map((instance, index) => ({
      instanceId: instance.id ?? instanceIdOf(index + 1),
      ...(instance.name ? { name: instance.name } : {}),
      state: instance.state ?? 'running',
      networkInterfaces: Object.entries(instance.interfaces).map(([networkInterfaceId, groupIds], i) => ({
        networkInterfaceId,
        groupIds,
        ...(i === 0 && instance.publicIp ? { publicIp: instance.publicIp } : {}),
      })),
    })),
    prefixLists: Object.entries(spec.prefixLists ?? {}).map(([prefixListId, cidrs]) => ({
      prefixListId,
      cidrs,
      ...(spec.prefixListMaxEntries !== undefined ? { maxEntries: spec.prefixListMaxEntries } : {}),
    })),
    otherInterfaces: spec.otherInterfaces ?? [],
    ...(spec.rulesPerGroupQuota !== undefined ? { rulesPerGroupQuota: spec.rulesPerGroupQuota } : {}),
  };
}

function ec2Scenario(regions: Record<string, RegionSpec>, extra: Partial<ScenarioInput> = {}) {
  return scenario({
    ec2: Object.fromEntries(Object.entries(regions).map(([region, spec]) => [region, ec2Region(spec)])),
    ...extra,
  } as Partial<ScenarioInput>);
}

const DEFAULT = defaultScenario();

/** Id of a default-scenario instance by its Name tag. */
function idOf(name: string): string {
  for (const region of Object.values(DEFAULT.ec2)) {
    const found = region.instances.find((instance) => instance.name === name);
    if (found) return found.instanceId;
  }
  throw new Error(`no instance ${name} in the default scenario`);
}

function groupOf(api: TestApi, region: string, groupId: string) {
  const group = (api.sandbox.scenario.ec2[region] as ScenarioEc2Region).securityGroups.find(
    (g) => g.groupId === groupId,
  );
  if (!group) throw new Error(`no group ${groupId}`);
  return group;
}

/** A group's inbound rules as `protocol from-to source`, sorted: what the tables assert on. */
function inboundOf(api: TestApi, region: string, groupId: string): string[] {
  return groupOf(api, region, groupId)
    .rules.filter((r) => !r.egress)
    .map(
      (r) =>
        `${r.ipProtocol} ${r.fromPort}-${r.toPort} ${r.cidrIpv4 ?? r.cidrIpv6 ?? r.prefixListId ?? r.referencedGroupId}`,
    )
    .sort();
}

function brief(r: RuleChange): string {
  return `${r.securityGroupId} ${r.ipProtocol} ${r.fromPort}-${r.toPort} ${r.source}`;
}

const findPath = (query: string) => `/ec2/instances-with-open-port?${query}`;
const closePath = (instanceId: string) => `/ec2/instances/${instanceId}/close-port`;

// ---------- semantics.md rules, through find and through close ----------

interface RuleCase {
  name: string;
  spec: RegionSpec;
  port?: number;
  protocol?: 'tcp' | 'udp';
  /** Sources of the exposing rules (sorted); empty = not open to the internet. */
  exposed: string[];
}

const ruleCases: RuleCase[] = [
  {
    name: '1. the group of a secondary interface counts',
    spec: {
      groups: { 'sg-primary': ['tcp 22 10.0.0.0/8'], 'sg-secondary': ['tcp 22 0.0.0.0/0'] },
      instances: [{ interfaces: { 'eni-01': ['sg-primary'], 'eni-02': ['sg-secondary'] } }],
    },
    exposed: ['0.0.0.0/0'],
  },
  {
    name: '2. tcp rule on the port',
    spec: { groups: { 'sg-a': ['tcp 22 0.0.0.0/0'] } },
    exposed: ['0.0.0.0/0'],
  },
  {
    name: '2. protocol given as number 6',
    spec: { groups: { 'sg-a': ['6 22 0.0.0.0/0'] } },
    exposed: ['0.0.0.0/0'],
  },
  { name: '2. all traffic (-1)', spec: { groups: { 'sg-a': ['-1 * 0.0.0.0/0'] } }, exposed: ['0.0.0.0/0'] },
  {
    name: '2. GRE (47) never carries a tcp port',
    spec: { groups: { 'sg-a': ['47 * 0.0.0.0/0'] } },
    exposed: [],
  },
  {
    name: '2. icmp never carries a tcp port',
    spec: { groups: { 'sg-a': ['icmp * 0.0.0.0/0'] } },
    exposed: [],
  },
  {
    name: '2. a udp rule does not open tcp',
    spec: { groups: { 'sg-a': ['udp 22 0.0.0.0/0'] } },
    exposed: [],
  },
  {
    name: '2. a udp rule opens udp (protocol 17)',
    spec: { groups: { 'sg-a': ['17 53 0.0.0.0/0'] } },
    port: 53,
    protocol: 'udp',
    exposed: ['0.0.0.0/0'],
  },
  {
    name: '2. range containing the port',
    spec: { groups: { 'sg-a': ['tcp 20-30 0.0.0.0/0'] } },
    exposed: ['0.0.0.0/0'],
  },
  {
    name: '2. range ending below the port',
    spec: { groups: { 'sg-a': ['tcp 0-21 0.0.0.0/0'] } },
    exposed: [],
  },
  {
    name: '2. range starting above the port',
    spec: { groups: { 'sg-a': ['tcp 23-30 0.0.0.0/0'] } },
    exposed: [],
  },
  { name: '2. IPv6 ::/0 alone', spec: { groups: { 'sg-a': ['tcp 22 ::/0'] } }, exposed: ['::/0'] },
  {
    name: '2. union of two halves across two groups on one interface',
    spec: { groups: { 'sg-a': ['tcp 22 0.0.0.0/1'], 'sg-b': ['tcp 22 128.0.0.0/1'] } },
    exposed: ['0.0.0.0/1', '128.0.0.0/1'],
  },
  {
    name: '2. two public /8 blocks on two different interfaces are no union',
    spec: {
      groups: { 'sg-a': ['tcp 22 11.0.0.0/8'], 'sg-b': ['tcp 22 12.0.0.0/8'] },
      instances: [{ interfaces: { 'eni-01': ['sg-a'], 'eni-02': ['sg-b'] } }],
    },
    exposed: [],
  },
  {
    name: '2. an IPv6 /32 and a /33 together: the broader goes, the /33 may stay',
    spec: { groups: { 'sg-a': ['tcp 22 2400:1::/32', 'tcp 22 2400:2::/33'] } },
    exposed: ['2400:1::/32'],
  },
  {
    name: '2. (rev. 2) all global unicast IPv6',
    spec: { groups: { 'sg-a': ['tcp 22 2000::/3'] } },
    exposed: ['2000::/3'],
  },
  {
    name: '2. (rev. 2) half of IPv4 alone',
    spec: { groups: { 'sg-a': ['tcp 22 0.0.0.0/1'] } },
    exposed: ['0.0.0.0/1'],
  },
  {
    name: '2. (rev. 2) one partner /8 is not the internet',
    spec: { groups: { 'sg-a': ['tcp 22 11.0.0.0/8'] } },
    exposed: [],
  },
  {
    name: '2. two /8 blocks only admit the port in different ranges: no union',
    spec: { groups: { 'sg-a': ['tcp 22 11.0.0.0/8', 'tcp 23 12.0.0.0/8'] } },
    exposed: [],
  },
  {
    name: '2. prefix list whose entries cover the internet',
    spec: {
      groups: { 'sg-a': ['tcp 22 pl-0000000000000000a'] },
      prefixLists: { 'pl-0000000000000000a': ['0.0.0.0/1', '128.0.0.0/1'] },
    },
    exposed: ['pl-0000000000000000a (0.0.0.0/1, 128.0.0.0/1)'],
  },
  {
    name: '2. prefix list of private ranges',
    spec: {
      groups: { 'sg-a': ['tcp 22 pl-0000000000000000b'] },
      prefixLists: { 'pl-0000000000000000b': ['10.0.0.0/8', '192.168.0.0/16'] },
    },
    exposed: [],
  },
  {
    name: '2. prefix list completing a CIDR to the internet',
    spec: {
      groups: { 'sg-a': ['tcp 22 0.0.0.0/1'], 'sg-b': ['tcp 22 pl-0000000000000000c'] },
      prefixLists: { 'pl-0000000000000000c': ['128.0.0.0/1'] },
    },
    exposed: ['0.0.0.0/1', 'pl-0000000000000000c (128.0.0.0/1)'],
  },
  { name: '2. private range on the port', spec: { groups: { 'sg-a': ['tcp 22 10.0.0.0/8'] } }, exposed: [] },
  { name: '2. a single address', spec: { groups: { 'sg-a': ['tcp 22 203.0.113.7/32'] } }, exposed: [] },
  {
    name: '2. a security group reference',
    spec: { groups: { 'sg-a': ['tcp 22 sg-0123456789abcdef0'] } },
    exposed: [],
  },
  {
    name: '2. egress rules never expose',
    spec: { groups: { 'sg-a': ['egress -1 * 0.0.0.0/0'] } },
    exposed: [],
  },
  {
    name: '2. other sources in the group stay (only the internet rule goes)',
    spec: { groups: { 'sg-a': ['tcp 22 0.0.0.0/0', 'tcp 22 10.0.0.0/8', 'tcp 22 sg-0123456789abcdef0'] } },
    exposed: ['0.0.0.0/0'],
  },
];

describe('each semantics.md EC2 rule, through find and through close', () => {
  it.each(ruleCases)('$name', async ({ spec, port = 22, protocol = 'tcp', exposed }) => {
    // Arrange
    const api = await startTestApi(ec2Scenario({ 'us-east-1': spec }));
    const instanceId = instanceIdOf(1);
    const groupIds = Object.keys(spec.groups);
    const before = Object.fromEntries(groupIds.map((g) => [g, inboundOf(api, 'us-east-1', g)]));
    try {
      // Act
      const found = await api.call('GET', findPath(`port=${port}&protocol=${protocol}`));
      const closed = await api.call('POST', closePath(instanceId), { port, protocol });
      const after = await api.call('GET', findPath(`port=${port}&protocol=${protocol}`));

      // Assert: find
      expect(found.status).toBe(200);
      const sources = (found.body.instances[0]?.exposures ?? [])
        .map((e: { source: string }) => e.source)
        .sort();
      expect(sources).toEqual(exposed);
      expect(found.body.instanceCount).toBe(exposed.length > 0 ? 1 : 0);
      // Assert: close revokes exactly the exposing rules, keeps everything else, and closes the port
      expect(closed.status).toBe(200);
      expect(closed.body.changed).toBe(exposed.length > 0);
      expect(closed.body.revokedRules.map((r: RuleChange) => r.source).sort()).toEqual(
        exposed.map((s) => s.replace(/ \(.*\)$/, '')),
      );
      expect(closed.body.stillOpen).toBe(false);
      expect(after.body.instances).toEqual([]);
      for (const groupId of groupIds) {
        const kept = before[groupId]?.filter(
          (r) =>
            !closed.body.revokedRules.some(
              (c: RuleChange) => r.endsWith(` ${c.source}`) && c.securityGroupId === groupId,
            ),
        );
        expect(inboundOf(api, 'us-east-1', groupId)).toEqual(expect.arrayContaining(kept ?? []));
      }
    } finally {
      await api.close();
    }
  });

  it.each([
    ['running', true],
    ['pending', true],
    ['stopped', true],
    ['stopping', true],
    ['terminated', false],
    ['shutting-down', false],
  ])('3. an instance %s is reported: %s', async (state, reported) => {
    // Arrange
    const api = await startTestApi(
      ec2Scenario({
        'us-east-1': {
          groups: { 'sg-a': ['tcp 22 0.0.0.0/0'] },
          instances: [{ state, interfaces: { 'eni-01': ['sg-a'] } }],
        },
      }),
    );
    try {
      // Act
      const found = await api.call('GET', findPath('port=22'));
      const closed = await api.call('POST', closePath(instanceIdOf(1)), { port: 22, dryRun: true });

      // Assert
      expect(found.body.instances.map((i: { state: string }) => i.state)).toEqual(reported ? [state] : []);
      expect(closed.status).toBe(reported ? 200 : 404);
    } finally {
      await api.close();
    }
  });
});

// ---------- the default scenario ----------

describe('GET /ec2/instances-with-open-port on the default scenario', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(() => api.close());

  it('finds every exposed instance in both Regions, and nothing else', async () => {
    // Act
    const reply = await api.call('GET', findPath('port=22'));

    // Assert
    expect(reply.status).toBe(200);
    const names = reply.body.instances.map((i: { name: string }) => i.name).sort();
    expect(names).toEqual(
      [
        'bastion-a',
        'bastion-b',
        'batch-worker',
        'debug-box',
        'ipv6-web',
        'multi-nic',
        'partner-gateway',
        'split-cidrs',
        'web-legacy',
      ].sort(),
    );
    expect(new Set(reply.body.instances.map((i: { region: string }) => i.region))).toEqual(
      new Set(['us-east-1', 'eu-west-1']),
    );
    expect(reply.body).toMatchObject({
      port: 22,
      protocol: 'tcp',
      complete: true,
      instanceCount: 9,
      truncated: false,
      unknownRegions: [],
      scannedRegions: ['ap-southeast-2', 'eu-west-1', 'us-east-1'],
    });
    expect(reply.body.summary).toContain('9 instances have it open to the internet');
  });

  it.each([
    ['multi-nic', { publicIp: '52.48.1.2', exposedOn: 1 }],
    ['ipv6-web', { publicIp: null, ipv6: ['2a05:d018:1c4:5600::10'] }],
    ['batch-worker', { state: 'stopped', publicIp: null }],
    ['web-legacy', { publicIp: '54.210.17.43', from: 0, to: 65535 }],
  ])('reports %s with its addresses, state and rule', async (name, expected) => {
    // Act
    const reply = await api.call('GET', findPath('port=22'));

    // Assert
    const instance = reply.body.instances.find((i: { name: string }) => i.name === name);
    const source = DEFAULT.ec2[instance.region]?.instances.find((i) => i.name === name);
    expect(instance.publicIp).toBe(expected.publicIp);
    if ('ipv6' in expected) expect(instance.ipv6Addresses).toEqual(expected.ipv6);
    if ('state' in expected) expect(instance.state).toBe(expected.state);
    if ('exposedOn' in expected) {
      expect(instance.exposures[0].networkInterfaceId).toBe(
        source?.networkInterfaces[expected.exposedOn ?? 0]?.networkInterfaceId,
      );
    }
    if ('from' in expected)
      expect(instance.exposures[0]).toMatchObject({ fromPort: expected.from, toPort: expected.to });
    expect(instance.exposures[0].securityGroupRuleId).toMatch(/^sgr-[0-9a-f]{17}$/);
  });

  it('finds RDP written with protocol number 6, and nothing for udp 22', async () => {
    // Act
    const rdp = await api.call('GET', findPath('port=3389'));
    const udp = await api.call('GET', findPath('port=22&protocol=udp'));

    // Assert
    expect(rdp.body.instances.map((i: { name: string }) => i.name)).toContain('win-jump');
    expect(udp.body.instances.map((i: { name: string }) => i.name)).toEqual(['debug-box']);
  });

  it('narrows to one Region and cuts the list at limit', async () => {
    // Act
    const reply = await api.call('GET', findPath('port=22&region=eu-west-1&limit=2'));

    // Assert
    expect(reply.body).toMatchObject({ scannedRegions: ['eu-west-1'], instanceCount: 4, truncated: true });
    expect(reply.body.instances).toHaveLength(2);
    expect(reply.body.summary).toContain('This page lists instances 1-2 of 4');
    expect(reply.body.nextToken).toEqual(expect.any(String));
  });

  it.each([
    ['port=70000', /port must be from 0 to 65535/],
    ['port=abc', /port must be a whole number/],
    ['port=22.5', /port must be a whole number/],
    ['port=22&protocol=icmp', /protocol must be "tcp" or "udp"/],
    ['port=22&prot=tcp', /unknown query string field "prot"/],
    ['port=22&region=mars', /region must be an AWS Region code/],
    ['port=22&region=us-west-2', /Region us-west-2 is not enabled/],
    ['port=22&limit=0', /limit must be at least 1/],
  ])('rejects %s with a 400 that says what to fix', async (query, message) => {
    // Act
    const reply = await api.call('GET', findPath(query));

    // Assert
    expect(reply.status).toBe(400);
    expect(reply.body.error.code).toBe('ValidationError');
    expect(reply.body.error.message).toMatch(message);
  });

  it('uses only the IAM actions the registry grants', async () => {
    // Arrange
    api.sandbox.calls.length = 0;

    // Act
    await api.call('GET', findPath('port=22'));

    // Assert
    const actions = new Set(
      api.sandbox.calls.filter((c) => !isSnapshotCall(c)).map((c) => `${c.service}:${c.command}`),
    );
    expect([...actions].filter((a) => !findEc2InstancesWithOpenPort.iamActions.includes(a))).toEqual([]);
  });
});

describe('find: Regions and work per Region', () => {
  // A prefix list read that fails makes only what depends on it unknown (see the rev. 2 tests below).
  it.each([['DescribeInstances'], ['DescribeSecurityGroupRules']])(
    'lists a Region whose %s is denied in unknownRegions, and still answers for the others',
    async (command) => {
      // Arrange
      const api = await startTestApi();
      api.sandbox.scenario.ec2['eu-west-1']?.denied.push(command);
      try {
        // Act
        const reply = await api.call('GET', findPath('port=22'));

        // Assert
        expect(reply.status).toBe(200);
        expect(reply.body.unknownRegions).toEqual([
          {
            region: 'eu-west-1',
            reason: expect.stringContaining(`${command} failed with UnauthorizedOperation`),
          },
        ]);
        expect(reply.body.scannedRegions).toEqual(['ap-southeast-2', 'us-east-1']);
        expect(reply.body.complete).toBe(true);
        expect(reply.body.instances.length).toBe(5);
        expect(reply.body.summary).toContain('must not be assumed safe');
      } finally {
        await api.close();
      }
    },
  );

  it('answers 502 naming DescribeRegions when the Region list cannot be read', async () => {
    // Arrange
    const api = await startTestApi();
    api.sandbox.scenario.ec2['us-east-1']?.denied.push('DescribeRegions');
    try {
      // Act
      const reply = await api.call('GET', findPath('port=22'));

      // Assert
      expect(reply.status).toBe(502);
      expect(reply.body.error.message).toContain('ec2:DescribeRegions failed with UnauthorizedOperation');
    } finally {
      await api.close();
    }
  });

  it('makes the same number of calls per Region for 1 instance as for 300', async () => {
    // Arrange
    const callsFor = async (count: number) => {
      const instances = Array.from({ length: count }, (_, i) => ({
        interfaces: { [`eni-${i}`]: [i % 2 === 0 ? 'sg-a' : 'sg-b'] },
      }));
      const api = await startTestApi(
        ec2Scenario({
          'us-east-1': {
            groups: { 'sg-a': ['tcp 22 pl-0000000000000000a'], 'sg-b': ['tcp 22 0.0.0.0/0'] },
            prefixLists: { 'pl-0000000000000000a': ['0.0.0.0/0'] },
            instances,
          },
          'eu-west-1': { groups: { 'sg-a': ['tcp 22 0.0.0.0/0'], 'sg-b': ['tcp 20-30 ::/0'] }, instances },
        }),
      );
      try {
        const reply = await api.call('GET', findPath('port=22'));
        expect(reply.body.instanceCount).toBe(count * 2);
        const perRegion: Record<string, number> = {};
        for (const call of scanCalls(api.sandbox.calls))
          perRegion[call.region] = (perRegion[call.region] ?? 0) + 1;
        return perRegion;
      } finally {
        await api.close();
      }
    };

    // Act
    const one = await callsFor(1);
    const many = await callsFor(300);

    // Assert
    expect(many).toEqual(one);
    // DescribeInstances, DescribeSecurityGroupRules, and DescribeTags (something is open: group intent tags).
    expect(one['eu-west-1']).toBe(3);
  });
});

describe('find without a port: every open range, in risk order, with counts', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(() => api.close());

  it('lists every internet-open (protocol, port range) per instance with its service, worst first', async () => {
    // Act
    const reply = await api.call('GET', findPath(''));

    // Assert
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ port: null, protocol: 'tcp and udp', complete: true });
    const ssh = await api.call('GET', findPath('port=22'));
    const sshNames = ssh.body.instances.map((i: { name: string | null }) => i.name);
    const allNames = reply.body.instances.map((i: { name: string | null }) => i.name);
    // Every instance with SSH open is among those with some port open, and win-jump (RDP) too.
    expect(allNames).toEqual(expect.arrayContaining([...sshNames, 'win-jump']));
    const winJump = reply.body.instances.find((i: { name: string | null }) => i.name === 'win-jump');
    expect(winJump.openPorts).toContainEqual(
      expect.objectContaining({ protocol: 'tcp', fromPort: 3389, toPort: 3389, service: 'RDP' }),
    );
    const debugBox = reply.body.instances.find((i: { name: string | null }) => i.name === 'debug-box');
    expect(debugBox.openPorts.map((p: { protocol: string }) => p.protocol)).toContain('udp');
    const rank = { critical: 0, high: 1, medium: 2, low: 3 } as const;
    const ranks = reply.body.instances.map((i: { severity: keyof typeof rank }) => rank[i.severity]);
    expect(ranks).toEqual([...ranks].sort((a: number, b: number) => a - b));
    expect(reply.body.counts.bySeverity).toEqual({
      critical: reply.body.instances.filter((i: { severity: string }) => i.severity === 'critical').length,
      high: reply.body.instances.filter((i: { severity: string }) => i.severity === 'high').length,
      medium: reply.body.instances.filter((i: { severity: string }) => i.severity === 'medium').length,
      low: reply.body.instances.filter((i: { severity: string }) => i.severity === 'low').length,
    });
    expect(reply.body.counts.byRegion.reduce((n: number, r: { count: number }) => n + r.count, 0)).toBe(
      reply.body.instanceCount,
    );
    expect(reply.body.counts.byPort).toContainEqual(
      expect.objectContaining({ protocol: 'tcp', fromPort: 3389, toPort: 3389, service: 'RDP' }),
    );
    expect(reply.body.summary).toMatch(
      /instances have ports open to the internet.*; 9 critical, 1 high, worst first: "bastion-a"/,
    );
  });

  it('the single-port answer names the severity of the port and sorts by it', async () => {
    // Act
    const reply = await api.call('GET', findPath('port=22'));

    // Assert
    const bastion = reply.body.instances.find((i: { name: string | null }) => i.name === 'bastion-a');
    expect(bastion).toMatchObject({
      severity: 'critical',
      openPorts: [{ protocol: 'tcp', fromPort: 22, toPort: 22, service: 'SSH', severity: 'critical' }],
    });
    const stopped = reply.body.instances.find((i: { name: string | null }) => i.name === 'batch-worker');
    expect(stopped.severity).toBe('high');
    expect(reply.body.instances.indexOf(stopped)).toBeGreaterThan(reply.body.instances.indexOf(bastion));
    expect(reply.body.counts.byPort).toEqual([
      { protocol: 'tcp', fromPort: 22, toPort: 22, service: 'SSH', count: 9 },
    ]);
  });

  it('makes exactly the AWS calls of a single-port scan (rules are read once either way)', async () => {
    // Arrange: a prefix list referenced by the port-22 rule, so both scans must read it.
    const scenarioInput = ec2Scenario({
      'us-east-1': {
        groups: {
          'sg-a': ['tcp 22 pl-0000000000000000a', 'tcp 3306 0.0.0.0/0', 'udp 53 ::/0'],
          'sg-b': ['-1 * 0.0.0.0/0'],
        },
        prefixLists: { 'pl-0000000000000000a': ['0.0.0.0/0'] },
        instances: [{ interfaces: { 'eni-1': ['sg-a'] } }, { interfaces: { 'eni-2': ['sg-b'] } }],
      },
    });
    const callsOf = async (query: string) => {
      const scoped = await startTestApi(scenarioInput);
      try {
        const reply = await scoped.call('GET', findPath(query));
        expect(reply.status).toBe(200);
        return { reply, calls: scoped.sandbox.calls.map((c) => `${c.region} ${c.command}`).sort() };
      } finally {
        await scoped.close();
      }
    };

    // Act
    const single = await callsOf('port=22');
    const all = await callsOf('');

    // Assert
    expect(all.calls).toEqual(single.calls);
    expect(all.calls).toContain('us-east-1 GetManagedPrefixListEntries');
    const ranges = all.reply.body.instances.flatMap(
      (i: { openPorts: { protocol: string; fromPort: number; toPort: number }[] }) =>
        i.openPorts.map((p) => `${p.protocol} ${p.fromPort}-${p.toPort}`),
    );
    expect(ranges.sort()).toEqual(
      ['tcp 22-22', 'tcp 3306-3306', 'udp 53-53', 'tcp 0-65535', 'udp 0-65535'].sort(),
    );
  });
});

describe('POST /ec2/instances/{instanceId}/close-port on the default scenario', () => {
  let api: TestApi;
  const web = idOf('web-legacy');
  beforeEach(async () => {
    api = await startTestApi();
  });
  afterEach(() => {
    api.sandbox.beforeCall = undefined;
    return api.close();
  });
  const webGroup = () =>
    DEFAULT.ec2['us-east-1']?.securityGroups.find((g) => g.groupName === 'legacy-wide-open');

  it('splits a range rule exactly: 0-21 and 23-65535, same source, same description', async () => {
    // Act
    const reply = await api.call('POST', closePath(web), { port: 22 });

    // Assert
    expect(reply.status).toBe(200);
    const sg = webGroup()?.groupId;
    expect(reply.body.revokedRules).toEqual([
      {
        securityGroupId: sg,
        securityGroupRuleId: expect.stringMatching(/^sgr-/),
        ipProtocol: 'tcp',
        fromPort: 0,
        toPort: 65535,
        source: '0.0.0.0/0',
        description: 'Legacy: all TCP from anywhere',
      },
    ]);
    expect(reply.body.addedRules).toEqual([
      expect.objectContaining({
        ipProtocol: 'tcp',
        fromPort: 0,
        toPort: 21,
        source: '0.0.0.0/0',
        description: 'Legacy: all TCP from anywhere',
      }),
      expect.objectContaining({
        ipProtocol: 'tcp',
        fromPort: 23,
        toPort: 65535,
        source: '0.0.0.0/0',
        description: 'Legacy: all TCP from anywhere',
      }),
    ]);
    expect(reply.body).toMatchObject({
      region: 'us-east-1',
      changed: true,
      dryRun: false,
      stillOpen: false,
      alsoAffected: [],
    });
    expect(inboundOf(api, 'us-east-1', sg as string)).toEqual([
      'tcp 0-21 0.0.0.0/0',
      'tcp 22-22 10.0.0.0/8',
      'tcp 23-65535 0.0.0.0/0',
    ]);
    expect(api.sandbox.writeCalls().map((c) => c.command)).toEqual([
      'AuthorizeSecurityGroupIngress',
      'RevokeSecurityGroupIngress',
    ]);
    expect(api.sandbox.writeCalls()[1]?.input).toEqual({
      GroupId: sg,
      SecurityGroupRuleIds: [reply.body.revokedRules[0].securityGroupRuleId],
    });
  });

  it('then find no longer lists port 22 on it, while port 23 of the same old rule is still open', async () => {
    // Act
    await api.call('POST', closePath(web), { port: 22 });
    const port22 = await api.call('GET', findPath('port=22'));
    const port23 = await api.call('GET', findPath('port=23'));

    // Assert
    expect(port22.body.instances.map((i: { instanceId: string }) => i.instanceId)).not.toContain(web);
    const still = port23.body.instances.find((i: { instanceId: string }) => i.instanceId === web);
    expect(still.exposures).toEqual([
      expect.objectContaining({ fromPort: 23, toPort: 65535, source: '0.0.0.0/0' }),
    ]);
  });

  it('dry run returns the real call’s body and writes nothing', async () => {
    // Act
    const dry = await api.call('POST', closePath(web), { port: 22, dryRun: true });
    const writesAfterDryRun = api.sandbox.writeCalls().length;
    const real = await api.call('POST', closePath(web), { port: 22 });

    // Assert
    expect(dry.status).toBe(200);
    expect(writesAfterDryRun).toBe(0);
    expect(dry.body.summary).toMatch(/^Dry run: .* Nothing was changed\.$/);
    const comparable = (body: Record<string, unknown>) => ({
      ...body,
      summary: undefined,
      dryRun: undefined,
      // Only the real write is recorded in the journal, so only it has a change id.
      changeId: undefined,
      addedRules: (body.addedRules as RuleChange[]).map(({ securityGroupRuleId: _id, ...rest }) => rest),
      undo: (body.undo as string[]).filter((line) => line.includes('authorize')),
    });
    expect([dry.body.dryRun, real.body.dryRun]).toEqual([true, false]);
    expect(comparable(dry.body)).toEqual(comparable(real.body));
    expect(dry.body.undo).toHaveLength(real.body.undo.length);
  });

  it('a repeat call makes no write and reports unchanged', async () => {
    // Arrange
    await api.call('POST', closePath(web), { port: 22 });
    const writes = api.sandbox.writeCalls().length;

    // Act
    const again = await api.call('POST', closePath(web), { port: 22, region: 'us-east-1' });

    // Assert
    expect(again.body).toMatchObject({
      changed: false,
      revokedRules: [],
      addedRules: [],
      undo: [],
      stillOpen: false,
    });
    expect(again.body.summary).toContain('nothing was changed');
    expect(api.sandbox.writeCalls()).toHaveLength(writes);
  });

  it('returns undo commands that restore the group exactly', async () => {
    // Arrange
    const sg = webGroup()?.groupId as string;
    const before = inboundOf(api, 'us-east-1', sg);

    // Act
    const reply = await api.call('POST', closePath(web), { port: 22 });
    for (const line of reply.body.undo as string[]) await runUndoLine(api, line);

    // Assert
    const [authorize, revokeLow, revokeHigh] = reply.body.undo;
    expect(authorize).toBe(
      `aws ec2 authorize-security-group-ingress --region us-east-1 --group-id ${sg} --ip-permissions '[{"IpProtocol":"tcp","FromPort":0,"ToPort":65535,"IpRanges":[{"CidrIp":"0.0.0.0/0","Description":"Legacy: all TCP from anywhere"}]}]'`,
    );
    expect(revokeLow).toBe(
      `aws ec2 revoke-security-group-ingress --region us-east-1 --group-id ${sg} --security-group-rule-ids ${reply.body.addedRules[0].securityGroupRuleId}`,
    );
    expect(revokeHigh).toContain(reply.body.addedRules[1].securityGroupRuleId);
    expect(inboundOf(api, 'us-east-1', sg)).toEqual(before);
    const description = groupOf(api, 'us-east-1', sg).rules.find((r) => r.fromPort === 0)?.description;
    expect(description).toBe('Legacy: all TCP from anywhere');
  });

  it('replaces an all-traffic rule and says which protocols are lost; undo restores it', async () => {
    // Arrange
    const sg = DEFAULT.ec2['us-east-1']?.securityGroups.find((g) => g.groupName === 'debug-all-traffic')
      ?.groupId as string;
    const before = inboundOf(api, 'us-east-1', sg);

    // Act
    const reply = await api.call('POST', closePath(idOf('debug-box')), { port: 22 });
    for (const line of reply.body.undo as string[]) await runUndoLine(api, line);

    // Assert
    expect(reply.body.addedRules.map(brief)).toEqual([
      `${sg} icmp -1--1 0.0.0.0/0`,
      `${sg} tcp 0-21 0.0.0.0/0`,
      `${sg} tcp 23-65535 0.0.0.0/0`,
      `${sg} udp 0-65535 0.0.0.0/0`,
    ]);
    expect(reply.body.warnings).toEqual([expect.stringMatching(/allowed all traffic .* GRE 47 or ESP 50/)]);
    expect(reply.body.protocolsLost).toEqual([
      expect.objectContaining({ securityGroupId: sg, kept: 'tcp except port 22, all of udp and icmp' }),
    ]);
    expect(reply.body.summary).toContain('so every other protocol (such as GRE 47 or ESP 50) is lost');
    expect(reply.body.remoteAccessLost).toBe('SSH');
    expect(reply.body.summary).toContain('This removed the only path for SSH (port 22) from the internet');
    expect(reply.body.undo[0]).toContain(
      `"IpProtocol":"-1","IpRanges":[{"CidrIp":"0.0.0.0/0","Description":"Temporary debugging"}]`,
    );
    expect(inboundOf(api, 'us-east-1', sg)).toEqual(before);
  });

  it('lists the other instances and interfaces of a shared group, never the target', async () => {
    // Act
    const reply = await api.call('POST', closePath(idOf('bastion-a')), { port: 22, dryRun: true });

    // Assert
    const region = DEFAULT.ec2['us-east-1'];
    const sg = region?.securityGroups.find((g) => g.groupName === 'admin-ports')?.groupId;
    const bastionB = region?.instances.find((i) => i.name === 'bastion-b');
    expect(reply.body.alsoAffected).toEqual(
      [
        {
          networkInterfaceId: bastionB?.networkInterfaces[0]?.networkInterfaceId,
          instanceId: bastionB?.instanceId,
          name: 'bastion-b',
          description: null,
          securityGroupId: sg,
        },
        {
          networkInterfaceId: region?.otherInterfaces[0]?.networkInterfaceId,
          instanceId: null,
          name: null,
          description: 'NAT appliance (not an EC2 instance of this account)',
          securityGroupId: sg,
        },
      ].sort((a, b) => ((a.networkInterfaceId as string) < (b.networkInterfaceId as string) ? -1 : 1)),
    );
    expect(reply.body.addedRules.map((r: RuleChange) => `${r.fromPort}-${r.toPort}`)).toEqual([
      '20-21',
      '23-30',
    ]);
    // Other instances by name, interfaces by their description: both quoted, as data.
    expect(reply.body.summary).toContain(
      `the port would close for 2 other instances or interfaces too: "bastion-b" (${bastionB?.instanceId}), ${region?.otherInterfaces[0]?.networkInterfaceId} ("NAT appliance (not an EC2 instance of this account)")`,
    );
  });

  it('finds the instance in its Region when none is given, asking every Region at once', async () => {
    // Act
    const reply = await api.call('POST', closePath(idOf('multi-nic')), { port: 22, dryRun: true });

    // Assert
    expect(reply.body.region).toBe('eu-west-1');
    expect(reply.body.revokedRules.map((r: RuleChange) => r.description)).toEqual([
      'SSH on the management interface',
    ]);
    const lookups = api.sandbox.calls.filter(
      (c) => c.command === 'DescribeInstances' && JSON.stringify(c.input).includes(idOf('multi-nic')),
    );
    expect(new Set(lookups.map((c) => c.region))).toEqual(new Set(DEFAULT.regions));
  });

  it.each([
    ['prefix list covering the internet', 'partner-gateway', ['pl-']],
    ['two halves in two groups', 'split-cidrs', ['0.0.0.0/1', '128.0.0.0/1']],
    ['IPv6 only', 'ipv6-web', ['::/0']],
    ['stopped instance', 'batch-worker', ['0.0.0.0/0']],
  ])('closes the default scenario’s %s case', async (_case, name, sources) => {
    // Act
    const reply = await api.call('POST', closePath(idOf(name)), { port: 22 });
    const after = await api.call('GET', findPath('port=22'));

    // Assert
    expect(reply.status).toBe(200);
    expect(reply.body.revokedRules.map((r: RuleChange) => r.source).sort()).toEqual(
      sources.map((s) => expect.stringContaining(s)),
    );
    expect(reply.body.stillOpen).toBe(false);
    expect(after.body.instances.map((i: { name: string }) => i.name)).not.toContain(name);
  });

  it('keeps the private prefix list rule of the same group and port', async () => {
    // Act
    const reply = await api.call('POST', closePath(idOf('partner-gateway')), { port: 22 });

    // Assert
    const sg = reply.body.revokedRules[0].securityGroupId;
    expect(inboundOf(api, 'eu-west-1', sg)).toEqual([
      `tcp 22-22 ${DEFAULT.ec2['eu-west-1']?.prefixLists.find((p) => p.name === 'partner-private')?.prefixListId}`,
    ]);
  });

  it.each([
    [
      'a malformed instance id (read as a Name no instance carries)',
      '/ec2/instances/i-xyz/close-port',
      { port: 22 },
      404,
      /No instance is named "i-xyz" in any enabled Region/,
    ],
    [
      'a Name longer than a tag can be',
      `/ec2/instances/${'n'.repeat(257)}/close-port`,
      { port: 22 },
      400,
      /Name tag of at most 256 characters/,
    ],
    ['port 70000', closePath(web), { port: 70000 }, 400, /port must be from 0 to 65535/],
    ['port "abc"', closePath(web), { port: 'abc' }, 400, /port must be a whole number/],
    ['protocol icmp', closePath(web), { port: 22, protocol: 'icmp' }, 400, /protocol must be "tcp" or "udp"/],
    [
      'an unknown body field',
      closePath(web),
      { port: 22, dryrun: true },
      400,
      /unknown request body field "dryrun"/,
    ],
    [
      'a missing port',
      closePath(web),
      { dryRun: true },
      400,
      /say what to close: port \(one port, e\.g\. 22\), or allPorts/,
    ],
    ['no body', closePath(web), undefined, 400, /needs a JSON body/],
    ['malformed JSON', closePath(web), '{"port": 2', 400, /not valid JSON/],
    ['a bad region', closePath(web), { port: 22, region: 'moon' }, 400, /region must be an AWS Region code/],
    [
      'an unknown instance',
      closePath('i-0123456789abcdef0'),
      { port: 22 },
      404,
      /i-0123456789abcdef0 is not in any enabled Region of this account \(ap-southeast-2, eu-west-1, us-east-1/,
    ],
    [
      'an instance of another Region',
      closePath(web),
      { port: 22, region: 'eu-west-1' },
      404,
      /is not in eu-west-1 .*leave region out/,
    ],
    [
      'a Region not enabled',
      closePath(web),
      { port: 22, region: 'us-west-2' },
      404,
      /not enabled for this account/,
    ],
  ])(
    'answers %s with the documented error and writes nothing',
    async (_case, path, body, status, message) => {
      // Act
      const reply = await api.call('POST', path, body);

      // Assert
      expect(reply.status).toBe(status);
      expect(reply.body.error.message).toMatch(message);
      expect(Object.keys(reply.body)).toEqual(['error']);
      expect(api.sandbox.writeCalls()).toHaveLength(0);
    },
  );

  it('treats a rule removed by someone else just before the revoke as done', async () => {
    // Arrange: someone deletes one of the two exposing rules of a group right before our revoke
    const halves = await startTestApi(
      ec2Scenario({
        'us-east-1': { groups: { 'sg-a': ['tcp 22 0.0.0.0/1', 'tcp 22 128.0.0.0/1', 'tcp 80 0.0.0.0/0'] } },
      }),
    );
    let removed = '';
    halves.sandbox.beforeCall = (call) => {
      if (call.command !== 'RevokeSecurityGroupIngress' || removed) return;
      const group = groupOf(halves, 'us-east-1', 'sg-a');
      removed = group.rules[0]?.ruleId as string;
      group.rules.splice(0, 1);
    };
    try {
      // Act
      const reply = await halves.call('POST', closePath(instanceIdOf(1)), { port: 22 });

      // Assert
      expect(reply.status).toBe(200);
      expect(reply.body.revokedRules.map((r: RuleChange) => r.source).sort()).toEqual([
        '0.0.0.0/1',
        '128.0.0.0/1',
      ]);
      expect(reply.body.warnings).toEqual([
        expect.stringContaining(`${removed} in sg-a had already been removed`),
      ]);
      expect(reply.body.stillOpen).toBe(false);
      expect(inboundOf(halves, 'us-east-1', 'sg-a')).toEqual(['tcp 80-80 0.0.0.0/0']);
      const revokes = halves.sandbox.calls.filter((c) => c.command === 'RevokeSecurityGroupIngress');
      expect(revokes.map((c) => c.error)).toEqual(['InvalidSecurityGroupRuleId.NotFound', undefined]);
      expect(revokes[1]?.input.SecurityGroupRuleIds).not.toContain(removed);
    } finally {
      await halves.close();
    }
  });

  it('treats a replacement added by someone else just before the authorize as done, without duplicates', async () => {
    // Arrange
    const sg = webGroup()?.groupId as string;
    api.sandbox.beforeCall = (call) => {
      if (call.command !== 'AuthorizeSecurityGroupIngress' || call.input.IpPermissions === undefined) return;
      const group = groupOf(api, 'us-east-1', sg);
      if (group.rules.some((r) => r.ruleId === 'sgr-0000000000000dup1')) return;
      group.rules.push({
        ...rule('tcp 0-21 0.0.0.0/0'),
        egress: false,
        ruleId: 'sgr-0000000000000dup1',
      } as ScenarioRule);
    };

    // Act
    const reply = await api.call('POST', closePath(web), { port: 22 });

    // Assert
    expect(reply.status).toBe(200);
    expect(reply.body.addedRules.map((r: RuleChange) => [r.fromPort, r.securityGroupRuleId])).toEqual([
      [0, 'sgr-0000000000000dup1'],
      [23, expect.stringMatching(/^sgr-/)],
    ]);
    expect(reply.body.warnings).toEqual([expect.stringContaining('sgr-0000000000000dup1')]);
    expect(inboundOf(api, 'us-east-1', sg)).toEqual([
      'tcp 0-21 0.0.0.0/0',
      'tcp 22-22 10.0.0.0/8',
      'tcp 23-65535 0.0.0.0/0',
    ]);
  });

  it('answers 502 with applied, notApplied and undo when the revoke is refused after the authorize, and a retry completes it', async () => {
    // Arrange
    const sg = webGroup()?.groupId as string;
    const region = api.sandbox.scenario.ec2['us-east-1'] as ScenarioEc2Region;
    region.denied.push('RevokeSecurityGroupIngress');

    // Act
    const failed = await api.call('POST', closePath(web), { port: 22 });
    region.denied.length = 0;
    const retry = await api.call('POST', closePath(web), { port: 22 });

    // Assert: the failure says what happened and how to reverse it
    expect(failed.status).toBe(502);
    const { details, message } = failed.body.error;
    expect(message).toContain('ec2:RevokeSecurityGroupIngress failed with UnauthorizedOperation');
    expect(message).toContain('Send the same request again');
    expect(details.applied.addedRules.map(brief)).toEqual([
      `${sg} tcp 0-21 0.0.0.0/0`,
      `${sg} tcp 23-65535 0.0.0.0/0`,
    ]);
    expect(details.applied.revokedRules).toEqual([]);
    expect(details.notApplied.revokedRules.map(brief)).toEqual([`${sg} tcp 0-65535 0.0.0.0/0`]);
    expect(details.notApplied.addedRules).toEqual([]);
    expect(details.undo).toEqual(
      details.applied.addedRules.map(
        (r: RuleChange) =>
          `aws ec2 revoke-security-group-ingress --region us-east-1 --group-id ${sg} --security-group-rule-ids ${r.securityGroupRuleId}`,
      ),
    );
    // Assert: the retry finishes without adding anything twice
    expect(retry.status).toBe(200);
    expect(retry.body).toMatchObject({ changed: true, addedRules: [], stillOpen: false });
    expect(retry.body.revokedRules.map(brief)).toEqual([`${sg} tcp 0-65535 0.0.0.0/0`]);
    expect(inboundOf(api, 'us-east-1', sg)).toEqual([
      'tcp 0-21 0.0.0.0/0',
      'tcp 22-22 10.0.0.0/8',
      'tcp 23-65535 0.0.0.0/0',
    ]);
  });

  it('reports stillOpen, and why, when an exposing rule appears while the change runs', async () => {
    // Arrange
    const sg = webGroup()?.groupId as string;
    api.sandbox.beforeCall = (call) => {
      if (call.command !== 'RevokeSecurityGroupIngress') return;
      const group = groupOf(api, 'us-east-1', sg);
      if (!group.rules.some((r) => r.ruleId === 'sgr-00000000000000new'))
        group.rules.push({
          ...rule('tcp 22 0.0.0.0/0'),
          egress: false,
          ruleId: 'sgr-00000000000000new',
        } as ScenarioRule);
    };

    // Act
    const reply = await api.call('POST', closePath(web), { port: 22 });

    // Assert
    expect(reply.status).toBe(200);
    expect(reply.body.stillOpen).toBe(true);
    expect(reply.body.warnings).toEqual([
      expect.stringMatching(/still open to the internet through rule sgr-00000000000000new/),
    ]);
    expect(reply.body.summary).toContain('is still open');
  });

  it('writes nothing and answers 400 when the split would exceed the group’s rule quota', async () => {
    // Arrange: 59 narrow rules plus one wide rule = 60; closing 22 adds two and revokes one
    const filler = Array.from({ length: 59 }, (_, i) => `tcp ${1000 + i} 198.51.100.${i}/32`);
    const full = await startTestApi(
      ec2Scenario({ 'us-east-1': { groups: { 'sg-full': [...filler, 'tcp 0-65535 0.0.0.0/0'] } } }),
    );
    try {
      // Act
      const reply = await full.call('POST', closePath(instanceIdOf(1)), { port: 22 });

      // Assert
      expect(reply.status).toBe(400);
      expect(reply.body.error.message).toMatch(
        /sg-full has 60 inbound IPv4 rules and would need 61, over its limit of 60/,
      );
      expect(reply.body.error.message).toContain('remove unneeded inbound rules');
      expect(full.sandbox.writeCalls()).toHaveLength(0);
    } finally {
      await full.close();
    }
  });

  it('writes an audit record for every call: dry run, change, rejection and failure', async () => {
    // Arrange
    const info = jest.spyOn(logger, 'info');
    try {
      // Act
      await api.call('POST', closePath(web), { port: 22, dryRun: true });
      await api.call('POST', closePath('i-0123456789abcdef0'), { port: 22 });
      api.sandbox.scenario.ec2['us-east-1']?.denied.push('AuthorizeSecurityGroupIngress');
      await api.call('POST', closePath(web), { port: 22 });

      // Assert
      const records = info.mock.calls
        .filter(([message]) => message === 'audit')
        .map(
          ([, extra]) => (extra as { audit: { outcome: string; dryRun: boolean; operation: string } }).audit,
        );
      expect(records.map((r) => [r.operation, r.outcome, r.dryRun])).toEqual([
        ['closeUnwantedPortForEc2Instance', 'would-change', true],
        ['closeUnwantedPortForEc2Instance', 'rejected', false],
        ['closeUnwantedPortForEc2Instance', 'failed', false],
      ]);
    } finally {
      info.mockRestore();
    }
  });

  it('uses only the IAM actions the registry grants', async () => {
    // Act
    await api.call('POST', closePath(idOf('bastion-a')), { port: 22 });

    // Assert: STS's AssumeRole of the write role is the stack's own grant (infra/constructs/operation-permissions.ts);
    // GetCallerIdentity is local only (in Lambda the journal takes the account id from the function's ARN).
    expect(api.sandbox.calls.some((c) => c.command === 'AssumeRole')).toBe(true);
    const actions = new Set(
      api.sandbox.calls
        .filter((c) => c.service !== 'sts' && !isSnapshotCall(c))
        .map((c) => `${c.service}:${c.command}`),
    );
    expect([...actions].filter((a) => !closeUnwantedPortForEc2Instance.iamActions.includes(a))).toEqual([]);
  });
});

/** Runs one undo line on the sandbox the way the AWS CLI would send it. */
async function runUndoLine(api: TestApi, line: string): Promise<void> {
  const region = /--region (\S+)/.exec(line)?.[1] as string;
  const groupId = /--group-id (\S+)/.exec(line)?.[1];
  const permissions = /--ip-permissions '(.*)'$/.exec(line)?.[1];
  const ruleIds = /--security-group-rule-ids (.+)$/.exec(line)?.[1];
  const command = line.startsWith('aws ec2 authorize')
    ? 'AuthorizeSecurityGroupIngress'
    : 'RevokeSecurityGroupIngress';
  await api.sandbox.answer('ec2', region, command, {
    GroupId: groupId,
    ...(permissions ? { IpPermissions: JSON.parse(permissions) } : {}),
    ...(ruleIds ? { SecurityGroupRuleIds: ruleIds.split(' ') } : {}),
  });
}

// ---------- issue 12 (semantics.md rev. 2), over HTTP ----------

describe('close-port, semantics.md rev. 2', () => {
  it('names the private and narrow entries of a revoked prefix list in the warnings and the summary, dry run first', async () => {
    // Arrange: the list is open through its two halves and also holds a private range and a partner /24
    const api = await startTestApi(
      ec2Scenario({
        'us-east-1': {
          groups: { 'sg-a': ['tcp 22 pl-0000000000000000d'] },
          prefixLists: {
            'pl-0000000000000000d': ['0.0.0.0/1', '128.0.0.0/1', '10.0.0.0/8', '198.51.100.0/24'],
          },
        },
      }),
    );
    try {
      // Act
      const dry = await api.call('POST', closePath(instanceIdOf(1)), { port: 22, dryRun: true });
      const real = await api.call('POST', closePath(instanceIdOf(1)), { port: 22 });

      // Assert
      for (const reply of [dry, real]) {
        expect(reply.status).toBe(200);
        expect(reply.body.warnings).toEqual(
          expect.arrayContaining([
            expect.stringMatching(
              /references prefix list pl-0000000000000000d.*private or narrow entries 10\.0\.0\.0\/8, 198\.51\.100\.0\/24/,
            ),
          ]),
        );
        expect(reply.body.summary).toMatch(
          /prefix list pl-0000000000000000d .*close.* the port to its private or narrow entries 10\.0\.0\.0\/8, 198\.51\.100\.0\/24/,
        );
      }
      expect(dry.body.warnings).toEqual(real.body.warnings);
    } finally {
      await api.close();
    }
  });
});

describe('find, semantics.md rev. 2: unknown only for what depends on the failed read', () => {
  it('one unreadable prefix list hides no instance open through 0.0.0.0/0 and leaves the Region scanned', async () => {
    // Arrange: pl-…e does not exist in the Region (GetManagedPrefixListEntries fails for it alone)
    const api = await startTestApi(
      ec2Scenario({
        'us-east-1': {
          groups: {
            'sg-open': ['tcp 22 0.0.0.0/0', 'tcp 22 pl-0000000000000000e'],
            'sg-list': ['tcp 22 pl-0000000000000000e'],
            'sg-ok': ['tcp 22 pl-0000000000000000f'],
          },
          prefixLists: { 'pl-0000000000000000f': ['0.0.0.0/0'] },
          instances: [
            { id: instanceIdOf(1), interfaces: { 'eni-01': ['sg-open'] } },
            { id: instanceIdOf(2), interfaces: { 'eni-02': ['sg-list'] } },
            { id: instanceIdOf(3), interfaces: { 'eni-03': ['sg-ok'] } },
          ],
        },
      }),
    );
    try {
      // Act
      const found = await api.call('GET', findPath('port=22&region=us-east-1'));

      // Assert
      expect(found.status).toBe(200);
      expect(found.body.unknownRegions).toEqual([]);
      expect(found.body.scannedRegions).toEqual(['us-east-1']);
      expect(found.body.instances.map((i: { instanceId: string }) => i.instanceId)).toEqual([
        instanceIdOf(1),
        instanceIdOf(3),
      ]);
      expect(found.body.unknownInstances).toEqual([
        expect.objectContaining({
          instanceId: instanceIdOf(2),
          reason: expect.stringContaining(
            'GetManagedPrefixListEntries failed with InvalidPrefixListID.NotFound',
          ),
          rules: [
            expect.objectContaining({ securityGroupId: 'sg-list', prefixListId: 'pl-0000000000000000e' }),
          ],
        }),
      ]);
      expect(found.body.summary).toContain('must not be assumed safe');
    } finally {
      await api.close();
    }
  });

  it('close leaves a rule whose prefix list cannot be read alone and warns that it may still open the port', async () => {
    // Arrange
    const api = await startTestApi(
      ec2Scenario({ 'us-east-1': { groups: { 'sg-list': ['tcp 22 pl-0000000000000000e'] } } }),
    );
    try {
      // Act
      const reply = await api.call('POST', closePath(instanceIdOf(1)), { port: 22, dryRun: true });

      // Assert
      expect(reply.status).toBe(200);
      expect(reply.body.changed).toBe(false);
      expect(reply.body.warnings).toEqual([
        expect.stringMatching(
          /prefix list pl-0000000000000000e, which could not be read .*may still open the port/,
        ),
      ]);
    } finally {
      await api.close();
    }
  });

  it('a Region where prefix lists cannot be read at all still reports what plain CIDR rules show', async () => {
    // Arrange
    const api = await startTestApi(
      ec2Scenario({
        'us-east-1': {
          groups: { 'sg-a': ['tcp 22 0.0.0.0/0', 'tcp 22 pl-0000000000000000f'] },
          prefixLists: { 'pl-0000000000000000f': ['10.0.0.0/8'] },
        },
      }),
    );
    api.sandbox.scenario.ec2['us-east-1']?.denied.push('GetManagedPrefixListEntries');
    try {
      // Act
      const found = await api.call('GET', findPath('port=22&region=us-east-1'));

      // Assert
      expect(found.body.unknownRegions).toEqual([]);
      expect(
        found.body.instances.map((i: { exposures: { source: string }[] }) =>
          i.exposures.map((e) => e.source),
        ),
      ).toEqual([['0.0.0.0/0']]);
      expect(found.body.unknownInstances).toEqual([]);
    } finally {
      await api.close();
    }
  });
});

describe('close-port quota, as AWS counts it (rev. 2): dry run and real run agree', () => {
  const fillers = (count: number, source = (i: number) => `198.51.100.${i}/32`) =>
    Array.from({ length: count }, (_, i) => `tcp ${1000 + i} ${source(i)}`);
  const closeTwice = async (api: TestApi) => {
    const dry = await api.call('POST', closePath(instanceIdOf(1)), { port: 22, dryRun: true });
    const writesAfterDryRun = api.sandbox.writeCalls().length;
    const real = await api.call('POST', closePath(instanceIdOf(1)), { port: 22 });
    return { dry, real, writesAfterDryRun };
  };

  it('adds first when the group has room for the replacements next to the old rule (account quota read: 100)', async () => {
    // Arrange: 60 IPv4 rules, over AWS's default once split, but this account's quota is 100
    const spec = { groups: { 'sg-a': [...fillers(59), 'tcp 0-65535 0.0.0.0/0'] } };
    const api = await startTestApi(ec2Scenario({ 'us-east-1': { ...spec, rulesPerGroupQuota: 100 } }));
    try {
      // Act
      const { dry, real, writesAfterDryRun } = await closeTwice(api);

      // Assert
      expect([dry.status, real.status]).toEqual([200, 200]);
      expect(writesAfterDryRun).toBe(0);
      expect(dry.body.warnings).toEqual([]);
      expect(real.body.warnings).toEqual([]);
      expect(api.sandbox.writeCalls().map((c) => c.command)).toEqual([
        'AuthorizeSecurityGroupIngress',
        'RevokeSecurityGroupIngress',
      ]);
      expect(api.sandbox.calls.filter((c) => c.command === 'GetServiceQuota')[0]?.input).toEqual({
        ServiceCode: 'vpc',
        QuotaCode: 'L-0EA8095F',
      });
    } finally {
      await api.close();
    }
  });

  it('revokes first, warned in the dry run already, when only the end state fits', async () => {
    // Arrange: quota 61; 60 rules now, 62 if added first, 61 at the end
    const spec = { groups: { 'sg-a': [...fillers(59), 'tcp 0-65535 0.0.0.0/0'] } };
    const api = await startTestApi(ec2Scenario({ 'us-east-1': { ...spec, rulesPerGroupQuota: 61 } }));
    try {
      // Act
      const { dry, real, writesAfterDryRun } = await closeTwice(api);

      // Assert
      expect([dry.status, real.status]).toEqual([200, 200]);
      expect(writesAfterDryRun).toBe(0);
      expect(dry.body.warnings).toEqual([
        expect.stringContaining('sg-a has no room for the replacement rules'),
      ]);
      expect(real.body.warnings).toEqual(dry.body.warnings);
      expect(api.sandbox.writeCalls().map((c) => c.command)).toEqual([
        'RevokeSecurityGroupIngress',
        'AuthorizeSecurityGroupIngress',
      ]);
      expect(real.body.stillOpen).toBe(false);
      expect(inboundOf(api, 'us-east-1', 'sg-a')).toEqual(
        expect.arrayContaining(['tcp 0-21 0.0.0.0/0', 'tcp 23-65535 0.0.0.0/0']),
      );
    } finally {
      await api.close();
    }
  });

  it('writes nothing, dry run or not, when the end state does not fit: names the group and the family', async () => {
    // Arrange: 59 IPv6 rules and ::/0 on 0-65535; the 59 IPv4 rules next to them do not matter
    const api = await startTestApi(
      ec2Scenario({
        'us-east-1': {
          groups: {
            'sg-a': [...fillers(59, (i) => `2001:db8::${i}/128`), ...fillers(59), 'tcp 0-65535 ::/0'],
          },
        },
      }),
    );
    try {
      // Act
      const { dry, real } = await closeTwice(api);

      // Assert
      for (const reply of [dry, real]) {
        expect(reply.status).toBe(400);
        expect(reply.body.error.message).toMatch(
          /sg-a has 60 inbound IPv6 rules and would need 61, over its limit of 60/,
        );
      }
      expect(api.sandbox.writeCalls()).toEqual([]);
    } finally {
      await api.close();
    }
  });

  it('counts a customer-managed prefix list as its MaxEntries', async () => {
    // Arrange: a list of MaxEntries 20 + 39 fillers + the wide rule = 60 IPv4 rules
    const spec = {
      groups: { 'sg-a': [...fillers(39), 'tcp 443 pl-0000000000000000c', 'tcp 0-65535 0.0.0.0/0'] },
      prefixLists: { 'pl-0000000000000000c': ['192.0.2.0/24'] },
    };
    const api = await startTestApi(ec2Scenario({ 'us-east-1': { ...spec, prefixListMaxEntries: 20 } }));
    try {
      // Act
      const { dry, real } = await closeTwice(api);

      // Assert
      expect([dry.status, real.status]).toEqual([400, 400]);
      expect(real.body.error.message).toMatch(/sg-a has 60 inbound IPv4 rules and would need 61/);
      expect(api.sandbox.writeCalls()).toEqual([]);
    } finally {
      await api.close();
    }
  });

  it('assumes 60 and says so when the account quota cannot be read', async () => {
    // Arrange
    const api = await startTestApi(
      ec2Scenario({ 'us-east-1': { groups: { 'sg-a': ['tcp 0-65535 0.0.0.0/0'] } } }),
    );
    api.sandbox.scenario.ec2['us-east-1']?.denied.push('GetServiceQuota');
    try {
      // Act
      const reply = await api.call('POST', closePath(instanceIdOf(1)), { port: 22, dryRun: true });

      // Assert
      expect(reply.status).toBe(200);
      expect(reply.body.warnings).toEqual([
        expect.stringMatching(
          /quota could not be read \(servicequotas:GetServiceQuota failed with AccessDeniedException\); AWS's default of 60 is assumed/,
        ),
      ]);
    } finally {
      await api.close();
    }
  });
});
