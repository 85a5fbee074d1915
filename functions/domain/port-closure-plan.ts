/**
 * How to close port P on an instance without closing anything else.
 *
 * Implements the "Remediation" part of "EC2: does instance I have port P open
 * to the internet?" in shared/semantics.md: revoke exactly the exposing rules,
 * re-authorize what they allowed besides P, and check the group quota first.
 */
import { describeServices } from './exposure-risk';
import { IP_FAMILIES, type IpFamily, isNarrowRange, parseCidr } from './ip-ranges';
import { judgeOpenPortRanges, type OpenPortRange } from './open-port-ranges';
import {
  compareText,
  describeRuleSource,
  findExposingRules,
  type IngressRule,
  MAX_PORT,
  normaliseIpProtocol,
  type PortExposureInput,
  type PortProtocol,
} from './port-exposure';
import { type NewIngressRule, ruleIdentity } from './security-group-rules';

/** The address families as the quota names them. */
export type QuotaFamily = 'IPv4' | 'IPv6';

/** A group and family that would hold more inbound rules than allowed after the change. */
export interface QuotaProblem {
  groupId: string;
  family: QuotaFamily;
  /** Rules as AWS counts them (a customer-managed prefix list counts as its MaxEntries). */
  currentRules: number;
  rulesAfter: number;
  limit: number;
}

/** What the quota needs to know about a managed prefix list (`DescribeManagedPrefixLists`). */
export interface PrefixListFacts {
  /** The list's address family. */
  family: IpFamily;
  maxEntries: number;
  /** AWS-managed lists (owner "AWS") count as one rule of each family, whatever their size. */
  awsManaged: boolean;
}

/**
 * A revoked rule whose prefix list also holds private or narrow entries: they
 * lose the port with it, because a rule referencing a list goes as a whole.
 */
export interface PrefixListLoss {
  securityGroupRuleId: string;
  groupId: string;
  prefixListId: string;
  /** Entries with no more than one /8 (IPv4) or /32 (IPv6) of public space, private ones included. */
  entries: string[];
}

/** A revoked all-traffic rule: what its replacements keep, everything else from its source is lost. */
export interface ProtocolLoss {
  securityGroupRuleId: string;
  groupId: string;
  /** The rule's source as a person reads it (a CIDR, or a prefix list with its entries). */
  source: string;
  /** What the replacement rules keep, e.g. `tcp except port 22, all of udp and icmp`. */
  kept: string;
}

/** How full a group gets with the replacement rules (only groups and families that gain rules). */
export interface QuotaUse {
  groupId: string;
  family: QuotaFamily;
  currentRules: number;
  rulesAfter: number;
  limit: number;
  /** No room to add before revoking: the revokes go first, the other ports close until the additions land. */
  revokeFirst: boolean;
}

/** The writes that close the port, in the order they must happen. */
export interface PortClosurePlan {
  /** Rules to revoke by `securityGroupRuleId`, each once. */
  revoke: IngressRule[];
  /** Rules to authorize, before the revokes (except in `revokeFirstGroupIds`), so the other ports never close. */
  authorize: NewIngressRule[];
  /** Sentences about what closing loses beyond the port (protocols dropped with a '-1' rule, prefix list entries). */
  warnings: string[];
  /** Revoked prefix-list rules whose private or narrow entries lose the port too. */
  prefixListLosses: PrefixListLoss[];
  /** Revoked all-traffic rules, whose protocols beyond tcp, udp and icmp are lost. */
  protocolLosses: ProtocolLoss[];
  /** Rule counts after the change, per group and family that gains rules and fits (known sizes only). */
  quotaUse: QuotaUse[];
  /** Non-empty means the plan does not fit: the caller must write nothing. */
  quotaProblems: QuotaProblem[];
  /** Groups touched by a revoke or an authorize, sorted. */
  changedGroupIds: string[];
  /**
   * Groups whose replacements do not fit next to the rules they replace: their
   * revokes go first and the replacements after (the end state fits). Sorted.
   */
  revokeFirstGroupIds: string[];
}

/** Input of {@link planPortClosure}. */
export type PortClosureInput = PortExposureInput & {
  /** Inbound rules per security group and address family; AWS's default quota is 60. */
  rulesPerGroupLimit?: number;
  /**
   * Family, MaxEntries and owner of the prefix lists the groups reference. A
   * list missing here has an unknown weight: its group is never planned
   * revoke-first (an add that does not fit then fails before anything is revoked).
   */
  prefixListFacts?: ReadonlyMap<string, PrefixListFacts>;
};

/** Per family, how many rules a rule counts as; undefined when a prefix list's weight is unknown. */
type RuleWeight = Record<IpFamily, number>;

/**
 * How the "Inbound or outbound rules per security group" quota counts a rule
 * (Amazon VPC quotas): IPv4 and IPv6 rules separately; a security group
 * reference or an AWS-managed prefix list counts as one rule of each family; a
 * customer-managed prefix list counts as its MaxEntries, in its own family.
 */
function ruleWeight(
  rule: NewIngressRule,
  prefixListFacts: ReadonlyMap<string, PrefixListFacts>,
): RuleWeight | undefined {
  if (rule.cidrIpv4 !== undefined) return { 4: 1, 6: 0 };
  if (rule.cidrIpv6 !== undefined) return { 4: 0, 6: 1 };
  if (rule.prefixListId !== undefined) {
    const facts = prefixListFacts.get(rule.prefixListId);
    if (facts === undefined) return undefined;
    if (facts.awsManaged) return { 4: 1, 6: 1 };
    return facts.family === 4 ? { 4: facts.maxEntries, 6: 0 } : { 4: 0, 6: facts.maxEntries };
  }
  return { 4: 1, 6: 1 };
}

/** Sum of the weights of some rules; undefined if any weight is unknown. */
function totalWeight(
  rules: readonly NewIngressRule[],
  prefixListFacts: ReadonlyMap<string, PrefixListFacts>,
): RuleWeight | undefined {
  const total: RuleWeight = { 4: 0, 6: 0 };
  for (const rule of rules) {
    const weight = ruleWeight(rule, prefixListFacts);
    if (weight === undefined) return undefined;
    total[4] += weight[4];
    total[6] += weight[6];
  }
  return total;
}

function quotaFamily(family: IpFamily): QuotaFamily {
  return family === 4 ? 'IPv4' : 'IPv6';
}

/** AWS default for "Inbound rules per security group". */
export const DEFAULT_RULES_PER_GROUP_LIMIT = 60;

const ALL_PORTS = -1;

/** A rule's source fields only, copied verbatim so the replacement has the very same source. */
function sourceOf(rule: IngressRule): Pick<NewIngressRule, 'cidrIpv4' | 'cidrIpv6' | 'prefixListId'> {
  if (rule.cidrIpv4 !== undefined) return { cidrIpv4: rule.cidrIpv4 };
  if (rule.cidrIpv6 !== undefined) return { cidrIpv6: rule.cidrIpv6 };
  if (rule.prefixListId !== undefined) return { prefixListId: rule.prefixListId };
  return {};
}

/** The source part of {@link ruleIdentity}: what "the same source" means when judging coverage. */
function sourceKeyOf(rule: NewIngressRule): string {
  return ruleIdentity({ ...rule, ipProtocol: '', fromPort: 0, toPort: 0 });
}

/**
 * What the rules left in place admit, per group and source: by protocol, the
 * port intervals; a '-1' rule admits every protocol. Only tcp/udp have port
 * ranges; another protocol counts as admitted whole only by a rule for all its
 * types (fromPort -1), so an icmp rule for one type never hides an icmp replacement.
 */
class Coverage {
  private readonly intervals = new Map<string, [number, number][]>();

  add(rule: NewIngressRule): void {
    const protocol = normaliseIpProtocol(rule.ipProtocol);
    const ranged = protocol === 'tcp' || protocol === 'udp';
    if (!ranged && protocol !== '-1' && rule.fromPort !== ALL_PORTS) return;
    const key = `${sourceKeyOf(rule)}|${protocol}`;
    const interval: [number, number] = ranged ? [rule.fromPort, rule.toPort] : [0, MAX_PORT];
    this.intervals.set(key, [...(this.intervals.get(key) ?? []), interval]);
  }

  /** Whether the rules added so far already admit everything `rule` would. */
  covers(rule: NewIngressRule): boolean {
    const source = sourceKeyOf(rule);
    if ((this.intervals.get(`${source}|-1`) ?? []).length > 0) return true;
    const protocol = normaliseIpProtocol(rule.ipProtocol);
    const ranged = protocol === 'tcp' || protocol === 'udp';
    const [from, to] = ranged ? [rule.fromPort, rule.toPort] : [0, MAX_PORT];
    const sorted = [...(this.intervals.get(`${source}|${protocol}`) ?? [])].sort((a, b) => a[0] - b[0]);
    let next = from;
    for (const [first, last] of sorted) {
      if (first > next) break;
      if (last >= next) next = last + 1;
      if (next > to) return true;
    }
    return false;
  }
}

/** A closed stretch of ports, both ends included. */
export type PortInterval = readonly [number, number];

/** `from..to` without the `closed` intervals, in port order, skipping empty ranges. */
function rangesWithout(from: number, to: number, closed: readonly PortInterval[]): [number, number][] {
  const ranges: [number, number][] = [];
  let next = from;
  for (const [first, last] of [...closed].sort((a, b) => a[0] - b[0])) {
    if (last < next) continue;
    if (first > to) break;
    if (first > next) ranges.push([next, first - 1]);
    next = Math.max(next, last + 1);
  }
  if (next <= to) ranges.push([next, to]);
  return ranges;
}

/** The ports a revoked rule stops admitting, per protocol (empty: that protocol is kept whole). */
export type ClosedPorts = Record<PortProtocol, PortInterval[]>;

/** `22`, `20-30`: one interval as people write it. */
function intervalText([first, last]: PortInterval): string {
  return first === last ? `${first}` : `${first}-${last}`;
}

/** `tcp port 22`, `tcp ports 20-30, 3389`: what a closure closes for one protocol. */
export function describeClosedPorts(protocol: string, closed: readonly PortInterval[]): string {
  const single = closed.length === 1 && closed[0]?.[0] === closed[0]?.[1];
  return `${protocol} ${single ? 'port' : 'ports'} ${closed.map(intervalText).join(', ')}`;
}

function describeClosed(closed: ClosedPorts): string {
  return PROTOCOLS.filter((p) => closed[p].length > 0)
    .map((p) => describeClosedPorts(p, closed[p]))
    .join(' and ');
}

const PROTOCOLS: readonly PortProtocol[] = ['tcp', 'udp'];

/** Which ICMP flavours a '-1' rule's source needs kept: by the families of its addresses. */
function icmpProtocolsFor(
  rule: IngressRule,
  prefixListCidrs: ReadonlyMap<string, readonly string[]>,
): string[] {
  const texts =
    rule.cidrIpv4 !== undefined
      ? [rule.cidrIpv4]
      : rule.cidrIpv6 !== undefined
        ? [rule.cidrIpv6]
        : rule.prefixListId !== undefined
          ? [...(prefixListCidrs.get(rule.prefixListId) ?? [])]
          : [];
  const families = new Set<IpFamily>();
  for (const text of texts) {
    const range = parseCidr(text);
    if (range !== undefined) families.add(range.family);
  }
  // With nothing to go on, keep both: an extra icmp rule is harmless, a missing one is not.
  const kept = families.size === 0 ? IP_FAMILIES : IP_FAMILIES.filter((family) => families.has(family));
  return kept.map((family) => (family === 4 ? 'icmp' : 'icmpv6'));
}

/** `a`, `a and b`, `a, b and c`. */
function andList(parts: readonly string[]): string {
  return parts.length <= 1 ? parts.join('') : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
}

/** What a revoked rule allowed besides the closed ports, as rules to authorize, and what cannot be kept. */
function replacementsFor(
  rule: IngressRule,
  closed: ClosedPorts,
  prefixListCidrs: ReadonlyMap<string, readonly string[]>,
): {
  rules: NewIngressRule[];
  warning?: string;
  loss?: Omit<ProtocolLoss, 'securityGroupRuleId' | 'groupId'>;
} {
  const base = {
    groupId: rule.groupId,
    ...sourceOf(rule),
    ...(rule.description !== undefined ? { description: rule.description } : {}),
  };
  const ipProtocol = normaliseIpProtocol(rule.ipProtocol);
  if (ipProtocol !== '-1') {
    // The rule admits a closed port, so it is a tcp/udp rule; write its canonical name.
    const protocol = ipProtocol as PortProtocol;
    return {
      rules: rangesWithout(rule.fromPort, rule.toPort, closed[protocol]).map(([fromPort, toPort]) => ({
        ...base,
        ipProtocol,
        fromPort,
        toPort,
      })),
    };
  }
  const icmp = icmpProtocolsFor(rule, prefixListCidrs);
  // Protocols that lose ports first, then those kept whole: "tcp except port 22, all of udp".
  const order = [...PROTOCOLS].sort((a, b) => Number(closed[b].length > 0) - Number(closed[a].length > 0));
  const rules: NewIngressRule[] = order.flatMap((protocol) =>
    rangesWithout(0, MAX_PORT, closed[protocol]).map(([fromPort, toPort]) => ({
      ...base,
      ipProtocol: protocol,
      fromPort,
      toPort,
    })),
  );
  rules.push(...icmp.map((name) => ({ ...base, ipProtocol: name, fromPort: ALL_PORTS, toPort: ALL_PORTS })));
  const kept = order.flatMap((protocol) => {
    if (closed[protocol].length === 0) return [`all of ${protocol}`];
    if (rangesWithout(0, MAX_PORT, closed[protocol]).length === 0) return [];
    const ports = closed[protocol];
    return [
      `${protocol} except ${ports.length === 1 && ports[0]?.[0] === ports[0]?.[1] ? 'port' : 'ports'} ${ports.map(intervalText).join(', ')}`,
    ];
  });
  const source = describeRuleSource(rule, prefixListCidrs);
  const keptText = andList([...kept, icmp.join(' and ')]);
  const warning =
    `Rule ${rule.securityGroupRuleId} in ${rule.groupId} allowed all traffic from ${source}; ` +
    `it is replaced by ${keptText}, ` +
    `so other protocols (such as GRE 47 or ESP 50) from ${source} are no longer allowed.`;
  return { rules, warning, loss: { source, kept: keptText } };
}

/** The entries of a revoked rule's prefix list that are not what made the port open, and lose it anyway. */
function prefixListLossOf(
  rule: IngressRule,
  prefixListCidrs: ReadonlyMap<string, readonly string[]>,
): PrefixListLoss | undefined {
  if (rule.prefixListId === undefined) return undefined;
  const entries = (prefixListCidrs.get(rule.prefixListId) ?? []).filter((text) => {
    const range = parseCidr(text);
    return range !== undefined && isNarrowRange(range);
  });
  if (entries.length === 0) return undefined;
  return {
    securityGroupRuleId: rule.securityGroupRuleId,
    groupId: rule.groupId,
    prefixListId: rule.prefixListId,
    entries,
  };
}

function compareNewRules(a: NewIngressRule, b: NewIngressRule): number {
  return (
    compareText(a.groupId, b.groupId) ||
    compareText(a.ipProtocol, b.ipProtocol) ||
    a.fromPort - b.fromPort ||
    a.toPort - b.toPort ||
    compareText(ruleIdentity(a), ruleIdentity(b))
  );
}

/** The quota facts both planners take. */
interface QuotaInput {
  /** Inbound rules per security group and address family; AWS's default quota is 60. */
  rulesPerGroupLimit?: number;
  /** As in {@link PortClosureInput}. */
  prefixListFacts?: ReadonlyMap<string, PrefixListFacts>;
}

/** Closing every internet-open port of the protocols, except the ports kept. */
export interface AllPortsClosure {
  protocols: readonly PortProtocol[];
  /** Ports that stay as they are (in every protocol closed), sorted. */
  keep: readonly number[];
}

/** Input of {@link planAllPortsClosure}: the instance's facts, without a port, and what to close. */
export type AllPortsClosureInput = Omit<PortExposureInput, 'port' | 'protocol'> &
  QuotaInput & { closing: AllPortsClosure };

/** The port intervals `closing` may close in one protocol: everything except the kept ports. */
function closableIntervals(closing: AllPortsClosure, protocol: PortProtocol): PortInterval[] {
  if (!closing.protocols.includes(protocol)) return [];
  return rangesWithout(
    0,
    MAX_PORT,
    closing.keep.map((port) => [port, port]),
  );
}

/**
 * The internet-open ranges of an instance that `closing` closes: every open range of the protocols,
 * cut where a kept port sits (the kept ports stay as they are). Each range carries the rules that open it.
 *
 * @param input - the instance's interfaces, rules and prefix lists
 * @param closing - protocols and kept ports
 */
export function openRangesToClose(
  input: Omit<PortExposureInput, 'port' | 'protocol'>,
  closing: AllPortsClosure,
): OpenPortRange[] {
  const { ranges } = judgeOpenPortRanges(input, closing.protocols);
  return ranges.flatMap((range) =>
    closableIntervals(closing, range.protocol).flatMap(([first, last]) => {
      const fromPort = Math.max(first, range.fromPort);
      const toPort = Math.min(last, range.toPort);
      return fromPort <= toPort
        ? [{ ...range, fromPort, toPort, service: describeServices(range.protocol, fromPort, toPort) }]
        : [];
    }),
  );
}

/** A rule to revoke and the ports it stops admitting. */
interface RuleClosure {
  rule: IngressRule;
  closed: ClosedPorts;
}

/**
 * Plans closing `port`/`protocol` to the internet on an instance: revoke the
 * rules {@link findPortExposures} reports, each once, and authorize (first)
 * what they allowed besides the port, with the same source and description.
 * Replacements already present in the group, or repeated, are left out
 * (AWS would reject them as `InvalidPermission.Duplicate`). Planning again on
 * the state after the plan is applied yields an empty plan.
 *
 * @param input - as for findPortExposures, plus the inbound rule quota per group (default 60)
 * @returns the plan; with `quotaProblems` non-empty nothing may be written
 * @throws RangeError when the port is not 0..65535 or the protocol not tcp/udp
 */
export function planPortClosure(input: PortClosureInput): PortClosurePlan {
  const closures = findExposingRules(input).map((rule) => {
    const closed: ClosedPorts = { tcp: [], udp: [] };
    closed[input.protocol] = [[input.port, input.port]];
    return { rule, closed };
  });
  return planRuleClosures(input, closures);
}

/**
 * Plans closing every internet-open port of the protocols on an instance except the kept ones: per
 * open range (see {@link openRangesToClose}), the rules that open it stop admitting it; each revoked
 * rule is re-authorized for everything else it allowed (kept ports, ranges that were not open, other
 * protocols), exactly as {@link planPortClosure} does for one port, so both plans agree on one port.
 *
 * @param input - the instance's facts, the quota, and the protocols and ports kept
 * @returns the plan; with `quotaProblems` non-empty nothing may be written
 */
export function planAllPortsClosure(input: AllPortsClosureInput): PortClosurePlan {
  const byRule = new Map<string, RuleClosure>();
  const rules = new Map<string, IngressRule>();
  for (const groupRules of input.rulesByGroup.values()) {
    for (const rule of groupRules) rules.set(rule.securityGroupRuleId, rule);
  }
  for (const range of openRangesToClose(input, input.closing)) {
    for (const exposure of range.exposures) {
      const rule = rules.get(exposure.securityGroupRuleId);
      if (rule === undefined) continue;
      let closure = byRule.get(rule.securityGroupRuleId);
      if (closure === undefined) {
        closure = { rule, closed: { tcp: [], udp: [] } };
        byRule.set(rule.securityGroupRuleId, closure);
      }
      const intervals = closure.closed[range.protocol];
      const last = intervals.at(-1);
      // The same rule on two interfaces names the same range twice; neighbouring ranges join.
      if (last !== undefined && last[1] + 1 >= range.fromPort)
        intervals[intervals.length - 1] = [last[0], Math.max(last[1], range.toPort)];
      else intervals.push([range.fromPort, range.toPort]);
    }
  }
  const closures = [...byRule.values()].sort(
    (a, b) =>
      compareText(a.rule.groupId, b.rule.groupId) ||
      compareText(a.rule.securityGroupRuleId, b.rule.securityGroupRuleId),
  );
  return planRuleClosures(input, closures);
}

/** The shared half of both planners: replacements, redundancy, prefix-list losses and the quota. */
function planRuleClosures(
  input: Pick<PortExposureInput, 'rulesByGroup' | 'prefixListCidrs'> & QuotaInput,
  closures: readonly RuleClosure[],
): PortClosurePlan {
  const limit = input.rulesPerGroupLimit ?? DEFAULT_RULES_PER_GROUP_LIMIT;
  const revoke = closures.map((closure) => closure.rule);
  const revokedIds = new Set(revoke.map((rule) => rule.securityGroupRuleId));

  const inPlace = new Set<string>();
  const coverage = new Coverage();
  for (const rules of input.rulesByGroup.values()) {
    for (const rule of rules) {
      if (rule.isEgress !== true && !revokedIds.has(rule.securityGroupRuleId)) {
        inPlace.add(ruleIdentity(rule));
        coverage.add(rule);
      }
    }
  }

  const candidates: NewIngressRule[] = [];
  const warnings: string[] = [];
  const prefixListLosses: PrefixListLoss[] = [];
  const protocolLosses: ProtocolLoss[] = [];
  for (const { rule, closed } of closures) {
    const { rules, warning, loss: protocolLoss } = replacementsFor(rule, closed, input.prefixListCidrs);
    candidates.push(...rules);
    if (warning !== undefined) warnings.push(warning);
    if (protocolLoss !== undefined) {
      protocolLosses.push({
        securityGroupRuleId: rule.securityGroupRuleId,
        groupId: rule.groupId,
        ...protocolLoss,
      });
    }
    const loss = prefixListLossOf(rule, input.prefixListCidrs);
    if (loss !== undefined) {
      prefixListLosses.push(loss);
      warnings.push(
        `Rule ${loss.securityGroupRuleId} in ${loss.groupId} references prefix list ${loss.prefixListId}, and a rule goes as a whole: ` +
          `revoking it also closes ${describeClosed(closed)} to the list's private or narrow entries ${loss.entries.join(', ')}. ` +
          'Add a rule for those that still need the port.',
      );
    }
  }
  // Widest first, so a narrow replacement inside a wider one (two revoked rules, same source) is the one left out.
  candidates.sort((a, b) => b.toPort - b.fromPort - (a.toPort - a.fromPort) || compareNewRules(a, b));
  const authorize: NewIngressRule[] = [];
  for (const replacement of candidates) {
    const key = ruleIdentity(replacement);
    // Already admitted by a rule that stays (same group, source and protocol): adding it is redundant.
    if (inPlace.has(key) || coverage.covers(replacement)) continue;
    inPlace.add(key);
    coverage.add(replacement);
    authorize.push(replacement);
  }
  authorize.sort(compareNewRules);

  const changedGroupIds = [...new Set([...revoke, ...authorize].map((rule) => rule.groupId))].sort((a, b) =>
    compareText(a, b),
  );
  const prefixListFacts = input.prefixListFacts ?? new Map<string, PrefixListFacts>();
  const quotaProblems: QuotaProblem[] = [];
  const revokeFirstGroupIds: string[] = [];
  const quotaUse: QuotaUse[] = [];
  for (const groupId of changedGroupIds) {
    const inGroup = <T extends NewIngressRule>(rules: readonly T[]) =>
      rules.filter((r) => r.groupId === groupId);
    const current = totalWeight(
      inGroup(input.rulesByGroup.get(groupId) ?? []).filter((rule) => rule.isEgress !== true),
      prefixListFacts,
    );
    const revoked = totalWeight(inGroup(revoke), prefixListFacts);
    const added = totalWeight(inGroup(authorize), prefixListFacts);
    if (current === undefined || revoked === undefined || added === undefined) {
      if (inGroup(authorize).length > 0) {
        warnings.push(
          `The rule count of ${groupId} could not be checked (the size of a prefix list it references is unknown): the rules are added before the revokes, so if the group is full AWS refuses the addition and nothing in it is revoked.`,
        );
      }
      continue;
    }
    let revokeFirst = false;
    for (const family of IP_FAMILIES) {
      const rulesAfter = current[family] - revoked[family] + added[family];
      if (rulesAfter > limit && added[family] > 0) {
        quotaProblems.push({
          groupId,
          family: quotaFamily(family),
          currentRules: current[family],
          rulesAfter,
          limit,
        });
      } else if (added[family] > 0) {
        const familyRevokesFirst = current[family] + added[family] > limit;
        if (familyRevokesFirst) revokeFirst = true;
        quotaUse.push({
          groupId,
          family: quotaFamily(family),
          currentRules: current[family],
          rulesAfter,
          limit,
          revokeFirst: familyRevokesFirst,
        });
      }
    }
    if (revokeFirst && !quotaProblems.some((problem) => problem.groupId === groupId)) {
      revokeFirstGroupIds.push(groupId);
      warnings.push(
        `${groupId} has no room for the replacement rules next to the rules they replace, so the rules are revoked first and the replacements added right after: ` +
          `between the two calls the other ports of the revoked rules are closed too, and if the second call fails they stay closed (the undo list restores them).`,
      );
    }
  }

  return {
    revoke,
    authorize,
    warnings,
    prefixListLosses,
    protocolLosses,
    quotaUse: quotaProblems.length > 0 ? [] : quotaUse,
    quotaProblems,
    changedGroupIds,
    revokeFirstGroupIds,
  };
}

/**
 * The groups' rules as they will be once `plan` is carried out: revoked rule ids gone,
 * authorized rules added with ids `${idPrefix}${index}` (AWS assigns the real ones).
 */
export function rulesAfterPlan(
  rulesByGroup: ReadonlyMap<string, readonly IngressRule[]>,
  plan: PortClosurePlan,
  idPrefix: string,
): Map<string, IngressRule[]> {
  const revoked = new Set(plan.revoke.map((rule) => rule.securityGroupRuleId));
  const after = new Map<string, IngressRule[]>();
  for (const [groupId, rules] of rulesByGroup) {
    after.set(
      groupId,
      rules.filter((rule) => !revoked.has(rule.securityGroupRuleId)),
    );
  }
  plan.authorize.forEach((rule, index) => {
    after.set(rule.groupId, [
      ...(after.get(rule.groupId) ?? []),
      { ...rule, securityGroupRuleId: `${idPrefix}${index}` },
    ]);
  });
  return after;
}

/** What a close-port call closes: one port of one protocol, or every internet-open port except those kept. */
export type ClosureQuery = { port: number; protocol: PortProtocol } | { closing: AllPortsClosure };

/**
 * The plan for a closure query on an instance's facts: {@link planPortClosure} for one port,
 * {@link planAllPortsClosure} for every port.
 *
 * @param input - the instance's interfaces, rules, prefix lists and quota facts
 * @param query - what to close
 */
export function planClosure(
  input: Omit<PortExposureInput, 'port' | 'protocol'> & QuotaInput,
  query: ClosureQuery,
): PortClosurePlan {
  return 'port' in query
    ? planPortClosure({ ...input, port: query.port, protocol: query.protocol })
    : planAllPortsClosure({ ...input, closing: query.closing });
}
