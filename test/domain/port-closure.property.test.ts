/**
 * Property test of closing a port: random security groups on random
 * interfaces, the plan applied to a model of the groups, and the result judged
 * by a reachability model written independently of the implementation (it
 * shares only CIDR parsing). Port sets are interval lists, never 65,536 ports.
 */
import fc from 'fast-check';
import { parseCidr } from '../../functions/domain/ip-ranges';
import {
  type PortClosureInput,
  type PortClosurePlan,
  planPortClosure,
  rulesAfterPlan,
} from '../../functions/domain/port-closure-plan';
import { findPortExposures, type IngressRule, type PortProtocol } from '../../functions/domain/port-exposure';

// ---------------------------------------------------------------------------
// Reachability model (the oracle)
// ---------------------------------------------------------------------------

/** Protocols the oracle tells apart; `p47` stands for GRE and `other` for every protocol not named. */
type ModelProtocol = 'tcp' | 'udp' | 'icmp' | 'icmpv6' | 'p47' | 'other';
type Interval = readonly [number, number];

const EVERY_PORT: Interval = [0, 65535];

function modelProtocol(ipProtocol: string): ModelProtocol | 'all' | undefined {
  switch (ipProtocol) {
    case 'tcp':
    case '6':
      return 'tcp';
    case 'udp':
    case '17':
      return 'udp';
    case 'icmp':
    case '1':
      return 'icmp';
    case 'icmpv6':
    case '58':
      return 'icmpv6';
    case '47':
      return 'p47';
    case '-1':
      return 'all';
    default:
      return undefined;
  }
}

/** Sorted, merged (overlapping or adjacent) intervals: one spelling per port set. */
function normalise(intervals: readonly Interval[]): Interval[] {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const merged: [number, number][] = [];
  for (const [from, to] of sorted) {
    const last = merged[merged.length - 1];
    if (last !== undefined && from <= last[1] + 1) last[1] = Math.max(last[1], to);
    else merged.push([from, to]);
  }
  return merged;
}

function withoutPort(intervals: readonly Interval[], port: number): Interval[] {
  return normalise(
    intervals.flatMap(([from, to]): Interval[] =>
      port < from || port > to
        ? [[from, to]]
        : (
            [
              [from, port - 1],
              [port + 1, to],
            ] as Interval[]
          ).filter(([a, b]) => a <= b),
    ),
  );
}

function containsPort(intervals: readonly Interval[], port: number): boolean {
  return intervals.some(([from, to]) => from <= port && port <= to);
}

function isSubset(inner: readonly Interval[], outer: readonly Interval[]): boolean {
  return inner.every(([from, to]) => outer.some(([a, b]) => a <= from && to <= b));
}

const parsedCidrs = new Map<string, ReturnType<typeof parseCidr>>();

/** The oracle parses the same few CIDRs thousands of times; remember them. */
function parsed(cidr: string): ReturnType<typeof parseCidr> {
  if (!parsedCidrs.has(cidr)) parsedCidrs.set(cidr, parseCidr(cidr));
  return parsedCidrs.get(cidr);
}

function sourceKey(rule: IngressRule): string {
  if (rule.cidrIpv4 !== undefined) return `v4 ${rule.cidrIpv4}`;
  if (rule.cidrIpv6 !== undefined) return `v6 ${rule.cidrIpv6}`;
  if (rule.prefixListId !== undefined) return `pl ${rule.prefixListId}`;
  return `sg ${rule.referencedGroupId ?? '?'}`;
}

/** Address families a source stands for; a group reference can be either. */
function familiesOf(rule: IngressRule, prefixLists: ReadonlyMap<string, readonly string[]>): Set<4 | 6> {
  if (rule.cidrIpv4 !== undefined) return new Set([4]);
  if (rule.cidrIpv6 !== undefined) return new Set([6]);
  const entries = rule.prefixListId !== undefined ? (prefixLists.get(rule.prefixListId) ?? []) : [];
  const families = new Set<4 | 6>();
  for (const entry of entries) {
    const range = parsed(entry);
    if (range !== undefined) families.add(range.family);
  }
  return families.size === 0 ? new Set([4, 6]) : families;
}

/** What one rule lets in, per model protocol. ICMP flavours of '-1' follow the source's family. */
function grants(
  rule: IngressRule,
  prefixLists: ReadonlyMap<string, readonly string[]>,
): [ModelProtocol, Interval][] {
  const protocol = modelProtocol(rule.ipProtocol);
  if (protocol === undefined) return [];
  if (protocol === 'tcp' || protocol === 'udp') return [[protocol, [rule.fromPort, rule.toPort]]];
  if (protocol !== 'all') return [[protocol, EVERY_PORT]];
  const families = familiesOf(rule, prefixLists);
  return [
    ['tcp', EVERY_PORT],
    ['udp', EVERY_PORT],
    ['p47', EVERY_PORT],
    ['other', EVERY_PORT],
    ...(families.has(4) ? [['icmp', EVERY_PORT] as [ModelProtocol, Interval]] : []),
    ...(families.has(6) ? [['icmpv6', EVERY_PORT] as [ModelProtocol, Interval]] : []),
  ];
}

function rulesOfInterface(input: PortClosureInput, groupIds: readonly string[]): IngressRule[] {
  return [...new Set(groupIds)].flatMap((groupId) => [...(input.rulesByGroup.get(groupId) ?? [])]);
}

/** Per interface: `protocol|source` -> the ports that protocol can reach from that source. */
function reachability(input: PortClosureInput): Map<string, Map<string, Interval[]>> {
  const result = new Map<string, Map<string, Interval[]>>();
  for (const { networkInterfaceId, groupIds } of input.interfaces) {
    const bySource = new Map<string, Interval[]>();
    for (const rule of rulesOfInterface(input, groupIds)) {
      for (const [protocol, interval] of grants(rule, input.prefixListCidrs)) {
        const key = `${protocol}|${sourceKey(rule)}`;
        bySource.set(key, [...(bySource.get(key) ?? []), interval]);
      }
    }
    result.set(
      networkInterfaceId,
      new Map([...bySource].map(([key, intervals]) => [key, normalise(intervals)])),
    );
  }
  return result;
}

/**
 * Address space that is never the internet, written here from the IANA
 * registries independently of the implementation's table: IPv4 special-purpose
 * blocks that are not globally reachable, multicast and reserved; for IPv6
 * everything outside 2000::/3, plus 2001::/23, 2001:db8::/32 and 3fff::/20.
 */
const ORACLE_NOT_INTERNET: Record<4 | 6, string[]> = {
  4: [
    '0.0.0.0/8',
    '10.0.0.0/8',
    '100.64.0.0/10',
    '127.0.0.0/8',
    '169.254.0.0/16',
    '172.16.0.0/12',
    '192.0.0.0/24',
    '192.0.2.0/24',
    '192.168.0.0/16',
    '198.18.0.0/15',
    '198.51.100.0/24',
    '203.0.113.0/24',
    '224.0.0.0/3',
  ],
  6: ['::/3', '4000::/2', '8000::/1', '2001::/23', '2001:db8::/32', '3fff::/20'],
};

/** One /8 of IPv4, one /32 of IPv6: more public space than this is the internet. */
const ORACLE_LIMIT: Record<4 | 6, bigint> = { 4: 1n << 24n, 6: 1n << 96n };

/** Addresses in the union of `ranges` that are not in the union of `holes`, by a sweep over the boundaries. */
function countOutside(ranges: [bigint, bigint][], holes: [bigint, bigint][]): bigint {
  const events: [bigint, number, number][] = [];
  for (const [first, last] of ranges) events.push([first, 1, 0], [last + 1n, -1, 0]);
  for (const [first, last] of holes) events.push([first, 0, 1], [last + 1n, 0, -1]);
  events.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  let inRange = 0;
  let inHole = 0;
  let count = 0n;
  let previous = 0n;
  for (const [at, dRange, dHole] of events) {
    if (inRange > 0 && inHole === 0) count += at - previous;
    inRange += dRange;
    inHole += dHole;
    previous = at;
  }
  return count;
}

/** Per family, the public addresses the sources letting `port`/`protocol` in on one interface admit together. */
function publicSpaceAdmitted(input: PortClosureInput, groupIds: readonly string[]): Record<4 | 6, bigint> {
  const byFamily: Record<4 | 6, [bigint, bigint][]> = { 4: [], 6: [] };
  for (const rule of rulesOfInterface(input, groupIds)) {
    const admits = grants(rule, input.prefixListCidrs).some(
      ([protocol, interval]) => protocol === input.protocol && containsPort([interval], input.port),
    );
    if (!admits) continue;
    const cidrs = [
      ...(rule.cidrIpv4 !== undefined ? [rule.cidrIpv4] : []),
      ...(rule.cidrIpv6 !== undefined ? [rule.cidrIpv6] : []),
      ...(rule.prefixListId !== undefined ? (input.prefixListCidrs.get(rule.prefixListId) ?? []) : []),
    ];
    for (const cidr of cidrs) {
      const range = parsed(cidr);
      if (range !== undefined) byFamily[range.family].push([range.first, range.last]);
    }
  }
  const holes = (family: 4 | 6): [bigint, bigint][] =>
    ORACLE_NOT_INTERNET[family].flatMap((cidr) => {
      const range = parsed(cidr);
      return range === undefined ? [] : [[range.first, range.last] as [bigint, bigint]];
    });
  return { 4: countOutside(byFamily[4], holes(4)), 6: countOutside(byFamily[6], holes(6)) };
}

/** Whether the port is open to the internet on one interface: more than one /8 or one /32 of public space. */
function internetReaches(input: PortClosureInput, groupIds: readonly string[]): boolean {
  const space = publicSpaceAdmitted(input, groupIds);
  return space[4] > ORACLE_LIMIT[4] || space[6] > ORACLE_LIMIT[6];
}

/** The groups once the plan has been carried out: revoked ids gone, authorized rules added. */
function applyPlan(input: PortClosureInput, plan: PortClosurePlan): PortClosureInput {
  return { ...input, rulesByGroup: rulesAfterPlan(input.rulesByGroup, plan, 'sgr-new-') };
}

function permissionKey(rule: Omit<IngressRule, 'securityGroupRuleId'>): string {
  return (
    [rule.groupId, modelProtocol(rule.ipProtocol) ?? rule.ipProtocol, rule.fromPort, rule.toPort].join(' ') +
    ` ${sourceKey({ ...rule, securityGroupRuleId: '' })}`
  );
}

// ---------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------

const CIDR_SOURCES = [
  '0.0.0.0/0',
  '0.0.0.0/1',
  '128.0.0.0/1',
  '0.0.0.0/2',
  '64.0.0.0/2',
  '128.0.0.0/2',
  '192.0.0.0/2',
  '0.0.0.0/7',
  '2.0.0.0/7',
  '10.0.0.0/8',
  '172.16.0.0/16',
  '192.168.1.0/24',
  '203.0.113.5/32',
  '::/0',
  '::/1',
  '8000::/1',
  '2001:db8::/32',
  'fc00::/7',
  '2001:db8::1/128',
  '2000::/3',
  '8.0.0.0/7',
  '11.0.0.0/8',
  '12.0.0.0/8',
  '100.0.0.0/8',
  '2400::/32',
  '2400:1::/32',
  '2400::/31',
];

/** /8 blocks: the low half and the high half, so only the narrow-sources path can cover IPv4. */
const LOW_SLASH_8 = Array.from({ length: 128 }, (_, i) => `${i}.0.0.0/8`);
const HIGH_SLASH_8 = Array.from({ length: 128 }, (_, i) => `${i + 128}.0.0.0/8`);

const PORTS = [0, 1, 21, 22, 23, 53, 80, 443, 1024, 65534, 65535];
const portArb = fc.oneof(fc.constantFrom(...PORTS), fc.integer({ min: 0, max: 65535 }));

/** Range ends near the asked port half of the time, so most runs have something to close. */
function rangeEndArb(port: number): fc.Arbitrary<number> {
  return fc.oneof(fc.constantFrom(port, Math.max(0, port - 1), Math.min(65535, port + 1), 0, 65535), portArb);
}

/** Weighted so that whole-internet sources and covering halves turn up often. */
const mixedSourceArb = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom('0.0.0.0/0', '::/0') },
  {
    weight: 3,
    arbitrary: fc.constantFrom('0.0.0.0/1', '128.0.0.0/1', '::/1', '8000::/1', '0.0.0.0/2', '64.0.0.0/2'),
  },
  { weight: 3, arbitrary: fc.constantFrom(...CIDR_SOURCES) },
  { weight: 3, arbitrary: fc.constantFrom('pl-a', 'pl-b', 'pl-low8', 'pl-high8', 'pl-missing') },
  { weight: 1, arbitrary: fc.constantFrom('sg-ref-1', 'sg-ref-2') },
);

/** No single source is the internet: only unions can be, which is where choosing what to revoke is hard. */
const unionSourceArb = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('0.0.0.0/1', '128.0.0.0/1', '::/1', '8000::/1') },
  { weight: 2, arbitrary: fc.constantFrom(...CIDR_SOURCES.filter((cidr) => !cidr.endsWith('/0'))) },
  { weight: 3, arbitrary: fc.constantFrom('pl-a', 'pl-b', 'pl-low8', 'pl-high8', 'pl-high8') },
  { weight: 1, arbitrary: fc.constantFrom('sg-ref-1', 'sg-ref-2') },
);

function ruleShapeArb(port: number, sourceArb: fc.Arbitrary<string>) {
  return fc.record({
    ipProtocol: fc.constantFrom('tcp', 'tcp', 'udp', '6', '17', 'icmp', 'icmpv6', '-1', '47'),
    ports: fc.tuple(rangeEndArb(port), rangeEndArb(port)),
    source: sourceArb,
    description: fc.option(fc.constantFrom('ssh', 'legacy'), { nil: undefined }),
  });
}

const GROUP_IDS = ['sg-0', 'sg-1', 'sg-2', 'sg-3'];

const scenarioArb = fc
  .record({
    port: portArb,
    protocol: fc.constantFrom<PortProtocol>('tcp', 'udp'),
    sources: fc.constantFrom(mixedSourceArb, unionSourceArb),
  })
  .chain(({ port, protocol, sources }) =>
    fc.record({
      groups: fc.array(fc.array(ruleShapeArb(port, sources), { maxLength: 8, size: 'medium' }), {
        minLength: 1,
        maxLength: GROUP_IDS.length,
      }),
      interfaceGroupPicks: fc.array(
        fc.uniqueArray(fc.nat(GROUP_IDS.length - 1), { minLength: 1, maxLength: 3 }),
        {
          minLength: 1,
          maxLength: 3,
        },
      ),
      plA: fc.subarray(CIDR_SOURCES),
      plB: fc.subarray(CIDR_SOURCES),
      port: fc.constant(port),
      protocol: fc.constant(protocol),
    }),
  )
  .map(({ groups, interfaceGroupPicks, plA, plB, port, protocol }): PortClosureInput => {
    const rulesByGroup = new Map<string, IngressRule[]>();
    groups.forEach((shapes, g) => {
      const groupId = GROUP_IDS[g] ?? `sg-${g}`;
      rulesByGroup.set(
        groupId,
        shapes.map((shape, i) => {
          const ranged =
            modelProtocol(shape.ipProtocol) === 'tcp' || modelProtocol(shape.ipProtocol) === 'udp';
          const [a, b] = shape.ports;
          const source = shape.source;
          return {
            securityGroupRuleId: `sgr-${g}-${i}`,
            groupId,
            ipProtocol: shape.ipProtocol,
            fromPort: ranged ? Math.min(a, b) : -1,
            toPort: ranged ? Math.max(a, b) : -1,
            ...(source.startsWith('pl-')
              ? { prefixListId: source }
              : source.startsWith('sg-')
                ? { referencedGroupId: source }
                : source.includes(':')
                  ? { cidrIpv6: source }
                  : { cidrIpv4: source }),
            ...(shape.description !== undefined ? { description: shape.description } : {}),
          };
        }),
      );
    });
    const groupCount = groups.length;
    return {
      interfaces: interfaceGroupPicks.map((picks, i) => ({
        networkInterfaceId: `eni-${i}`,
        groupIds: picks.map((pick) => GROUP_IDS[pick % groupCount] ?? 'sg-0'),
      })),
      rulesByGroup,
      prefixListCidrs: new Map([
        ['pl-a', plA],
        ['pl-b', plB],
        ['pl-low8', LOW_SLASH_8],
        ['pl-high8', HIGH_SLASH_8],
      ]),
      port,
      protocol,
    };
  });

// ---------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------

const RUNS = { numRuns: 1000 };

describe('closing a port (property)', () => {
  it('closes the port from the internet on every interface, keeps everything else, and is idempotent', () => {
    fc.assert(
      fc.property(scenarioArb, (before) => {
        // Arrange
        const reachBefore = reachability(before);

        // Act
        const plan = planPortClosure(before);
        const after = applyPlan(before, plan);
        const replan = planPortClosure(after);

        // Assert: every broken promise is collected, so one expect per property keeps 1,000 runs fast.
        const broken: string[] = [];
        const check = (holds: boolean, promise: string): void => {
          if (!holds) broken.push(promise);
        };

        // Finding and closing agree, and detection matches the oracle.
        const revokedIds = new Set(plan.revoke.map((rule) => rule.securityGroupRuleId));
        check(revokedIds.size === plan.revoke.length, 'each rule is revoked once');
        const exposures = findPortExposures(before);
        const exposedIds = new Set(exposures.map((e) => e.securityGroupRuleId));
        check(
          exposedIds.size === revokedIds.size && [...exposedIds].every((id) => revokedIds.has(id)),
          'the rules reported are the rules revoked',
        );
        for (const { networkInterfaceId, groupIds } of before.interfaces) {
          const reported = exposures.some((e) => e.networkInterfaceId === networkInterfaceId);
          check(
            reported === internetReaches(before, groupIds),
            `${networkInterfaceId} reported iff reachable`,
          );
        }

        // (1) The port is closed to the internet everywhere: at most one /8 and one /32 of public space left.
        check(findPortExposures(after).length === 0, 'nothing exposed after the plan');
        for (const { networkInterfaceId, groupIds } of after.interfaces) {
          const left = publicSpaceAdmitted(after, groupIds);
          check(
            left[4] <= ORACLE_LIMIT[4],
            `${networkInterfaceId} admits at most one public /8 after the plan`,
          );
          check(
            left[6] <= ORACLE_LIMIT[6],
            `${networkInterfaceId} admits at most one public /32 after the plan`,
          );
        }

        // 0.0.0.0/0 and ::/0 on the port are always revoked.
        for (const rules of before.rulesByGroup.values()) {
          for (const rule of rules) {
            const everyone = rule.cidrIpv4 === '0.0.0.0/0' || rule.cidrIpv6 === '::/0';
            const admits = grants(rule, before.prefixListCidrs).some(
              ([protocol, interval]) => protocol === before.protocol && containsPort([interval], before.port),
            );
            const attached = before.interfaces.some((eni) => eni.groupIds.includes(rule.groupId));
            if (everyone && admits && attached) {
              check(
                revokedIds.has(rule.securityGroupRuleId),
                `${rule.securityGroupRuleId} (everyone) revoked`,
              );
            }
          }
        }

        // (2) Everything else is exactly as reachable as before.
        const revokedSources = new Set(plan.revoke.map(sourceKey));
        const allTraffic = plan.revoke.filter((rule) => modelProtocol(rule.ipProtocol) === 'all');
        const allTrafficSources = new Set(allTraffic.map(sourceKey));
        for (const rule of allTraffic) {
          check(
            plan.warnings.some((w) => w.includes(rule.securityGroupRuleId)),
            `${rule.securityGroupRuleId} loss warned`,
          );
        }
        const reachAfter = reachability(after);
        for (const [eni, beforeBySource] of reachBefore) {
          const afterBySource = reachAfter.get(eni) ?? new Map<string, Interval[]>();
          const keys = new Set([...beforeBySource.keys(), ...afterBySource.keys()]);
          for (const key of keys) {
            const [protocol = '', source = ''] = key.split('|');
            const was = beforeBySource.get(key) ?? [];
            const is = afterBySource.get(key) ?? [];
            const same = (a: readonly Interval[], b: readonly Interval[]): boolean =>
              JSON.stringify(a) === JSON.stringify(b);
            if (protocol === before.protocol && revokedSources.has(source)) {
              check(
                same(withoutPort(is, before.port), withoutPort(was, before.port)),
                `${eni} ${key}: only port ${before.port} may change (${JSON.stringify(was)} -> ${JSON.stringify(is)})`,
              );
            } else if ((protocol === 'p47' || protocol === 'other') && allTrafficSources.has(source)) {
              check(isSubset(is, was), `${eni} ${key}: may only shrink`);
            } else {
              check(
                same(is, was),
                `${eni} ${key}: unchanged (${JSON.stringify(was)} -> ${JSON.stringify(is)})`,
              );
            }
          }
        }

        // No authorize duplicates a rule left in place or another authorize.
        const inPlace = new Set(
          [...before.rulesByGroup.values()]
            .flat()
            .filter((rule) => !revokedIds.has(rule.securityGroupRuleId))
            .map(permissionKey),
        );
        for (const rule of plan.authorize) {
          const key = permissionKey(rule);
          check(!inPlace.has(key), `authorize ${key} is no duplicate`);
          inPlace.add(key);
        }

        // Quota is judged per family on the real rule count after the change (a CIDR counts in its
        // family, a group reference in both; groups with prefix-list rules have unknown weights here).
        const familyCount = (rules: readonly IngressRule[], family: 4 | 6): number =>
          rules.filter((r) => (family === 4 ? r.cidrIpv6 === undefined : r.cidrIpv4 === undefined)).length;
        for (const groupId of plan.changedGroupIds) {
          const rulesAfter = after.rulesByGroup.get(groupId) ?? [];
          const rulesBefore = before.rulesByGroup.get(groupId) ?? [];
          if ([...rulesBefore, ...rulesAfter].some((r) => r.prefixListId !== undefined)) continue;
          for (const family of [4, 6] as const) {
            const countAfter = familyCount(rulesAfter, family);
            const grows =
              familyCount(plan.authorize.filter((r) => r.groupId === groupId) as IngressRule[], family) > 0;
            const problem = plan.quotaProblems.find(
              (p) => p.groupId === groupId && p.family === (family === 4 ? 'IPv4' : 'IPv6'),
            );
            check(
              (problem?.rulesAfter ?? countAfter) === countAfter,
              `${groupId} IPv${family} rulesAfter is the real count`,
            );
            check(
              (problem !== undefined) === (grows && countAfter > 60),
              `${groupId} IPv${family} problem iff it grows over 60`,
            );
          }
        }

        // (3) Idempotent.
        check(replan.revoke.length === 0 && replan.authorize.length === 0, 'a second plan is empty');

        expect(broken).toEqual([]);
      }),
      RUNS,
    );
  });

  it('plans the same thing whatever the order of interfaces, groups and rules', () => {
    fc.assert(
      fc.property(scenarioArb, (input) => {
        // Arrange
        const reversed: PortClosureInput = {
          ...input,
          interfaces: [...input.interfaces]
            .reverse()
            .map((eni) => ({ ...eni, groupIds: [...eni.groupIds].reverse() })),
          rulesByGroup: new Map(
            [...input.rulesByGroup].reverse().map(([id, rules]) => [id, [...rules].reverse()]),
          ),
        };

        // Act
        const plan = planPortClosure(input);
        const planOfReversed = planPortClosure(reversed);

        // Assert
        expect(planOfReversed).toEqual(plan);
        expect(findPortExposures(reversed)).toEqual(findPortExposures(input));
      }),
      RUNS,
    );
  });
});
