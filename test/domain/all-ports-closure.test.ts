/**
 * Closing every internet-open port of an instance except the kept ones: tables for the shapes people
 * meet, and a property test (random groups) that the plan closes everything it should, keeps every port
 * it should, and is idempotent.
 */
import fc from 'fast-check';
import { judgeOpenPortRanges } from '../../functions/domain/open-port-ranges';
import {
  type AllPortsClosureInput,
  openRangesToClose,
  planAllPortsClosure,
  planPortClosure,
  rulesAfterPlan,
} from '../../functions/domain/port-closure-plan';
import { type IngressRule, type PortProtocol, ruleAdmitsPort } from '../../functions/domain/port-exposure';
import type { NewIngressRule } from '../../functions/domain/security-group-rules';
import { remoteAccessLost } from '../../functions/domain/summaries/port-closure-summary';
import { portInput, rule } from '../support/security-groups';

function brief(r: NewIngressRule): string {
  const source = r.cidrIpv4 ?? r.cidrIpv6 ?? r.prefixListId ?? r.referencedGroupId;
  return `${r.groupId} ${r.ipProtocol} ${r.fromPort}-${r.toPort} ${source}`;
}

function allPorts(
  rules: IngressRule[],
  keep: number[],
  protocols: PortProtocol[] = ['tcp', 'udp'],
  prefixLists: Record<string, string[]> = {},
): AllPortsClosureInput {
  const { port: _port, protocol: _protocol, ...facts } = portInput({ rules, prefixLists });
  return { ...facts, closing: { protocols, keep } };
}

describe('planAllPortsClosure', () => {
  it('keeps 80 and 443 of an every-port rule, and revokes the rest', () => {
    const input = allPorts([rule('r1', 'sg-a', 'tcp', 0, 65535, '0.0.0.0/0', 'legacy')], [80, 443]);
    const plan = planAllPortsClosure(input);
    expect(plan.revoke.map((r) => r.securityGroupRuleId)).toEqual(['r1']);
    expect(plan.authorize.map(brief)).toEqual(['sg-a tcp 80-80 0.0.0.0/0', 'sg-a tcp 443-443 0.0.0.0/0']);
    expect(plan.authorize.every((r) => r.description === 'legacy')).toBe(true);
  });

  it('revokes only the rules of ports not kept, adds nothing, and leaves narrow sources alone', () => {
    const input = allPorts(
      [
        rule('r22', 'sg-a', 'tcp', 22, 22, '0.0.0.0/0'),
        rule('r443', 'sg-a', 'tcp', 443, 443, '0.0.0.0/0'),
        rule('r22-office', 'sg-a', 'tcp', 22, 22, '203.0.113.0/24'),
        rule('r53', 'sg-a', 'udp', 53, 53, '::/0'),
      ],
      [443],
    );
    const plan = planAllPortsClosure(input);
    expect(plan.revoke.map((r) => r.securityGroupRuleId)).toEqual(['r22', 'r53']);
    expect(plan.authorize).toEqual([]);
  });

  it('an all-traffic rule keeps only icmp (and the kept port), and says which protocols are lost', () => {
    const plan = planAllPortsClosure(allPorts([rule('r-all', 'sg-a', '-1', -1, -1, '0.0.0.0/0')], [443]));
    expect(plan.authorize.map(brief)).toEqual([
      'sg-a icmp -1--1 0.0.0.0/0',
      'sg-a tcp 443-443 0.0.0.0/0',
      'sg-a udp 443-443 0.0.0.0/0',
    ]);
    expect(plan.warnings.join(' ')).toContain('other protocols (such as GRE 47 or ESP 50)');
  });

  it('closes only the protocol asked: udp stays whole when tcp is closed', () => {
    const plan = planAllPortsClosure(allPorts([rule('r-all', 'sg-a', '-1', -1, -1, '::/0')], [], ['tcp']));
    expect(plan.authorize.map(brief)).toEqual(['sg-a icmpv6 -1--1 ::/0', 'sg-a udp 0-65535 ::/0']);
    expect(plan.warnings[0]).toContain('replaced by all of udp and icmpv6');
  });

  it('names the prefix list entries that lose the closed ports with the rule', () => {
    const plan = planAllPortsClosure(
      allPorts([rule('r-pl', 'sg-a', 'tcp', 20, 30, 'pl-1')], [], ['tcp'], {
        'pl-1': ['0.0.0.0/0', '10.1.0.0/16'],
      }),
    );
    expect(plan.prefixListLosses).toEqual([
      { securityGroupRuleId: 'r-pl', groupId: 'sg-a', prefixListId: 'pl-1', entries: ['10.1.0.0/16'] },
    ]);
    expect(plan.warnings.join(' ')).toContain('closes tcp ports 20-30 to the list');
  });

  it('agrees with the one-port plan when only that port is open', () => {
    const rules = [
      rule('r1', 'sg-a', 'tcp', 20, 30, '0.0.0.0/0'),
      rule('r2', 'sg-a', 'tcp', 22, 22, '10.0.0.0/8'),
    ];
    const all = planAllPortsClosure(allPorts(rules, [20, 21, 23, 24, 25, 26, 27, 28, 29, 30], ['tcp']));
    const one = planPortClosure(portInput({ rules, port: 22 }));
    expect(all.revoke).toEqual(one.revoke);
    expect(all.authorize.map(brief)).toEqual(one.authorize.map(brief));
  });
});

// ---------------------------------------------------------------------------
// Property: closes what it should, keeps the rest, idempotent
// ---------------------------------------------------------------------------

const SOURCES = [
  '0.0.0.0/0',
  '0.0.0.0/1',
  '128.0.0.0/1',
  '10.0.0.0/8',
  '203.0.113.0/24',
  '::/0',
  '2000::/3',
  '2001:db8::/32',
  'pl-a',
  'sg-ref',
];
const PORTS = [0, 1, 21, 22, 23, 53, 80, 443, 3389, 65534, 65535];
const portArb = fc.oneof(fc.constantFrom(...PORTS), fc.integer({ min: 0, max: 65535 }));

const scenarioArb = fc
  .record({
    rules: fc.array(
      fc.record({
        group: fc.constantFrom('sg-a', 'sg-b'),
        ipProtocol: fc.constantFrom('tcp', 'tcp', 'udp', '-1', 'icmp', '47'),
        ports: fc.tuple(portArb, portArb),
        source: fc.constantFrom(...SOURCES),
      }),
      { maxLength: 8 },
    ),
    keep: fc.uniqueArray(portArb, { maxLength: 4 }),
    protocols: fc.constantFrom<PortProtocol[]>(['tcp'], ['udp'], ['tcp', 'udp']),
    plA: fc.subarray(['0.0.0.0/1', '128.0.0.0/1', '10.0.0.0/8', '::/0']),
    twoInterfaces: fc.boolean(),
  })
  .map(({ rules, keep, protocols, plA, twoInterfaces }): AllPortsClosureInput => {
    const built = rules.map((shape, i) => {
      const ranged = shape.ipProtocol === 'tcp' || shape.ipProtocol === 'udp';
      const [a, b] = shape.ports;
      return rule(
        `sgr-${i}`,
        shape.group,
        shape.ipProtocol,
        ranged ? Math.min(a, b) : -1,
        ranged ? Math.max(a, b) : -1,
        shape.source,
      );
    });
    const rulesByGroup = new Map<string, IngressRule[]>([
      ['sg-a', built.filter((r) => r.groupId === 'sg-a')],
      ['sg-b', built.filter((r) => r.groupId === 'sg-b')],
    ]);
    return {
      interfaces: twoInterfaces
        ? [
            { networkInterfaceId: 'eni-1', groupIds: ['sg-a'] },
            { networkInterfaceId: 'eni-2', groupIds: ['sg-b'] },
          ]
        : [{ networkInterfaceId: 'eni-1', groupIds: ['sg-a', 'sg-b'] }],
      rulesByGroup,
      prefixListCidrs: new Map([['pl-a', plA]]),
      closing: { protocols, keep: [...keep].sort((x, y) => x - y) },
    };
  });

/** The sources (as text) that admit a port on one interface. */
function admitting(
  input: AllPortsClosureInput,
  groupIds: readonly string[],
  port: number,
  protocol: PortProtocol,
) {
  return [
    ...new Set(
      groupIds
        .flatMap((g) => input.rulesByGroup.get(g) ?? [])
        .filter((r) => ruleAdmitsPort(r, port, protocol))
        .map((r) => r.cidrIpv4 ?? r.cidrIpv6 ?? r.prefixListId ?? r.referencedGroupId),
    ),
  ].sort();
}

describe('planAllPortsClosure (property)', () => {
  it('leaves nothing to close, keeps every port it does not close as it was, and plans nothing the second time', () => {
    fc.assert(
      fc.property(scenarioArb, (input) => {
        const plan = planAllPortsClosure(input);
        const after = { ...input, rulesByGroup: rulesAfterPlan(input.rulesByGroup, plan, 'sgr-new-') };
        expect(openRangesToClose(after, input.closing)).toEqual([]);
        const second = planAllPortsClosure(after);
        expect(second.revoke).toEqual([]);
        expect(second.authorize).toEqual([]);
        // Every port outside what was closed admits exactly the same sources as before.
        const closed = openRangesToClose(input, input.closing);
        const probes = new Set<number>([...PORTS, ...input.closing.keep]);
        for (const rules of input.rulesByGroup.values()) {
          for (const r of rules)
            for (const p of [r.fromPort - 1, r.fromPort, r.toPort, r.toPort + 1]) probes.add(p);
        }
        for (const protocol of ['tcp', 'udp'] as const) {
          for (const port of probes) {
            if (port < 0 || port > 65535) continue;
            if (closed.some((c) => c.protocol === protocol && c.fromPort <= port && port <= c.toPort))
              continue;
            for (const eni of input.interfaces) {
              expect(admitting(after, eni.groupIds, port, protocol)).toEqual(
                admitting(input, eni.groupIds, port, protocol),
              );
            }
          }
        }
        // The kept ports are never among the ranges closed.
        for (const port of input.closing.keep) {
          expect(closed.some((c) => c.fromPort <= port && port <= c.toPort)).toBe(false);
        }
        // Whatever was open in a protocol not asked stays open.
        const others = (['tcp', 'udp'] as const).filter((p) => !input.closing.protocols.includes(p));
        expect(
          judgeOpenPortRanges(after, others).ranges.map((r) => [r.protocol, r.fromPort, r.toPort]),
        ).toEqual(judgeOpenPortRanges(input, others).ranges.map((r) => [r.protocol, r.fromPort, r.toPort]));
      }),
      { numRuns: 300 },
    );
  });
});

describe('remoteAccessLost for an every-port closure', () => {
  const closing = { closing: { protocols: ['tcp', 'udp'], keep: [443] } };
  const base = { changed: true, stillOpen: false, publicAddress: true };

  it.each([
    ['a closed range holding 22', [{ protocol: 'tcp', fromPort: 0, toPort: 442 }], 'SSH'],
    ['a closed range holding 3389 only', [{ protocol: 'tcp', fromPort: 3000, toPort: 4000 }], 'RDP'],
    ['only udp closed at 22', [{ protocol: 'udp', fromPort: 0, toPort: 100 }], null],
    ['nothing remote closed', [{ protocol: 'tcp', fromPort: 80, toPort: 80 }], null],
  ])('%s', (_case, closedPorts, expected) => {
    expect(remoteAccessLost({ query: closing, ...base, closedPorts })).toBe(expected);
  });

  it('says nothing when the instance has no public address', () => {
    const closedPorts = [{ protocol: 'tcp', fromPort: 0, toPort: 65535 }];
    expect(remoteAccessLost({ query: closing, ...base, publicAddress: false, closedPorts })).toBeNull();
  });
});
