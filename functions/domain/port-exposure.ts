/**
 * Does an instance have port P open to the internet, and through which rules?
 *
 * Implements "EC2: does instance I have port P open to the internet?" of
 * shared/semantics.md. The rules reported here are exactly the rules
 * `planPortClosure` revokes, so finding and closing can never disagree.
 */
import {
  type AddressInterval,
  addressCount,
  IP_FAMILIES,
  type IpFamily,
  type IpRange,
  mergeIntervals,
  PUBLIC_SPACE_LIMIT,
  parseCidr,
  publicIntervals,
} from './ip-ranges';

/** The transport protocols a port belongs to. */
export type PortProtocol = 'tcp' | 'udp';

/** One security group rule, shaped after EC2 `SecurityGroupRule`. */
export interface IngressRule {
  securityGroupRuleId: string;
  groupId: string;
  /** As AWS returns it: 'tcp' | 'udp' | 'icmp' | 'icmpv6' | '-1' | a protocol number such as '6', '17', '47'. */
  ipProtocol: string;
  /** AWS gives -1 for '-1' and for protocols without ports. */
  fromPort: number;
  toPort: number;
  cidrIpv4?: string;
  cidrIpv6?: string;
  prefixListId?: string;
  referencedGroupId?: string;
  description?: string;
  /** Egress rules never expose anything; the adapter should not pass them, but if it does they are ignored. */
  isEgress?: boolean;
}

/** The security groups attached to one network interface. */
export interface InterfaceGroups {
  networkInterfaceId: string;
  groupIds: string[];
}

/** Everything needed to decide whether a port is open to the internet on one instance. */
export interface PortExposureInput {
  /** Every network interface of the instance, not only the primary one. */
  interfaces: readonly InterfaceGroups[];
  /** Ingress rules of each security group. */
  rulesByGroup: ReadonlyMap<string, readonly IngressRule[]>;
  /** Managed prefix list id -> the CIDRs of its entries. */
  prefixListCidrs: ReadonlyMap<string, readonly string[]>;
  /** Prefix lists whose entries could not be read: only verdicts that depend on them become unknown. */
  unreadablePrefixLists?: { has(prefixListId: string): boolean };
  port: number;
  protocol: PortProtocol;
}

/** One rule that exposes the port on one network interface. */
export interface PortExposure {
  networkInterfaceId: string;
  securityGroupId: string;
  securityGroupRuleId: string;
  ipProtocol: string;
  fromPort: number;
  toPort: number;
  /** The CIDR, or the prefix list id followed by its entries. */
  source: string;
}

/**
 * A rule that admits the port but whose verdict cannot be known: its source is
 * a prefix list that could not be read, and the interface is not already open
 * through the rules that could be judged.
 */
export interface UnknownExposure {
  networkInterfaceId: string;
  securityGroupId: string;
  securityGroupRuleId: string;
  prefixListId: string;
}

/** What can be said about one instance: the exposures found, and what could not be judged. */
export interface PortVerdict {
  exposures: PortExposure[];
  /** Non-empty only for interfaces with no established exposure. */
  unknown: UnknownExposure[];
}

/** The highest port number. */
export const MAX_PORT = 65535;

/** Protocol numbers AWS also accepts, mapped to the names it echoes back. */
const PROTOCOL_NAMES: Readonly<Record<string, string>> = {
  '1': 'icmp',
  '6': 'tcp',
  '17': 'udp',
  '58': 'icmpv6',
};

/**
 * Canonical spelling of an `IpProtocol`: protocol numbers that have a name in
 * the EC2 API ('6', '17', '1', '58') become that name, so `6` and `tcp` match.
 *
 * @param ipProtocol - the protocol as AWS returns it
 */
export function normaliseIpProtocol(ipProtocol: string): string {
  const lower = ipProtocol.trim().toLowerCase();
  return PROTOCOL_NAMES[lower] ?? lower;
}

/**
 * Whether a rule lets traffic to `port`/`protocol` in, whatever its source.
 * '-1' allows every protocol and port; another protocol (icmp, GRE '47',
 * ESP '50'...) never carries a tcp or udp port.
 *
 * @param rule - the ingress rule
 * @param port - 0..65535
 * @param protocol - tcp or udp
 */
export function ruleAdmitsPort(rule: IngressRule, port: number, protocol: PortProtocol): boolean {
  if (rule.isEgress === true) return false;
  const ipProtocol = normaliseIpProtocol(rule.ipProtocol);
  if (ipProtocol === '-1') return true;
  return ipProtocol === protocol && rule.fromPort <= port && port <= rule.toPort;
}

/**
 * Throws when the port or protocol is not one a security group rule can name;
 * the API validates first, so reaching this is a programming error.
 *
 * @param port - the port asked about
 * @param protocol - the protocol asked about
 */
export function assertPortQuery(port: number, protocol: string): void {
  if (!Number.isInteger(port) || port < 0 || port > MAX_PORT) {
    throw new RangeError(`port must be an integer from 0 to ${MAX_PORT}, got ${port}`);
  }
  if (protocol !== 'tcp' && protocol !== 'udp') {
    throw new RangeError(`protocol must be tcp or udp, got ${protocol}`);
  }
}

/** A rule that admits the port, with the public address space of its source per family. */
interface SourcedRule {
  readonly rule: IngressRule;
  readonly publicSpace: Readonly<Record<IpFamily, readonly AddressInterval[]>>;
  readonly publicCount: Readonly<Record<IpFamily, bigint>>;
}

/** Parses CIDR texts, dropping what does not parse (it cannot be shown to be public). */
function parseAll(texts: readonly string[]): IpRange[] {
  return texts.flatMap((text) => {
    const range = parseCidr(text);
    return range === undefined ? [] : [range];
  });
}

/**
 * Address ranges a rule's source stands for. Group references carry no
 * addresses (never the internet); an unknown prefix list contributes nothing
 * because nothing can be shown to be public through it. Prefix lists go
 * through `parsedLists` because one list is often referenced by many rules.
 */
function sourceRanges(
  rule: IngressRule,
  prefixListCidrs: ReadonlyMap<string, readonly string[]>,
  parsedLists: Map<string, IpRange[]>,
): IpRange[] {
  const ranges = parseAll([
    ...(rule.cidrIpv4 !== undefined ? [rule.cidrIpv4] : []),
    ...(rule.cidrIpv6 !== undefined ? [rule.cidrIpv6] : []),
  ]);
  const listId = rule.prefixListId;
  if (listId === undefined) return ranges;
  let entries = parsedLists.get(listId);
  if (entries === undefined) {
    entries = parseAll(prefixListCidrs.get(listId) ?? []);
    parsedLists.set(listId, entries);
  }
  return [...ranges, ...entries];
}

function sourced(rule: IngressRule, ranges: readonly IpRange[]): SourcedRule {
  const space = { 4: publicIntervals(ranges, 4), 6: publicIntervals(ranges, 6) };
  return { rule, publicSpace: space, publicCount: { 4: addressCount(space[4]), 6: addressCount(space[6]) } };
}

/**
 * Orders ids by code unit, not by locale, so the output order is the same on every host.
 *
 * @param a - first text
 * @param b - second text
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareRules(a: IngressRule, b: IngressRule): number {
  return compareText(a.groupId, b.groupId) || compareText(a.securityGroupRuleId, b.securityGroupRuleId);
}

/** Public addresses the union of some sources admits in one family. */
function unionCount(sources: readonly SourcedRule[], family: IpFamily): bigint {
  return addressCount(mergeIntervals(sources.flatMap((s) => s.publicSpace[family])));
}

/**
 * Whether the union of some sources (broadest first) admits more public space than the family's limit. The
 * union holds each source, so a broadest source over the limit answers it (the usual 0.0.0.0/0), and one
 * source's union is its own count: the union is worked out only for several narrower sources.
 */
function exceedsLimit(sources: readonly SourcedRule[], family: IpFamily): boolean {
  const broadest = sources[0];
  if (broadest === undefined) return false;
  if (broadest.publicCount[family] > PUBLIC_SPACE_LIMIT[family]) return true;
  return sources.length > 1 && unionCount(sources, family) > PUBLIC_SPACE_LIMIT[family];
}

/**
 * Chooses the rules of one interface that make the port reachable from the
 * internet: in each family where the union of the sources admits more public
 * space than one /8 (IPv4) or one /32 (IPv6), the rules with the broadest
 * public space go first (ties by ids, so input order never matters) until what
 * is left admits no more than that. Rules without public space (private
 * ranges, group references) are never chosen. What is left is under the limit,
 * and so is any subset of it, which makes closing idempotent even when groups
 * are shared between interfaces.
 */
function selectExposingRules(admitting: readonly SourcedRule[]): SourcedRule[] {
  const chosen = new Set<SourcedRule>();
  for (const family of IP_FAMILIES) {
    const remaining = admitting
      .filter((s) => !chosen.has(s) && s.publicCount[family] > 0n)
      .sort(
        (a, b) =>
          (a.publicCount[family] > b.publicCount[family]
            ? -1
            : a.publicCount[family] < b.publicCount[family]
              ? 1
              : 0) || compareRules(a.rule, b.rule),
      );
    while (exceedsLimit(remaining, family)) {
      const next = remaining.shift();
      if (next !== undefined) chosen.add(next);
    }
  }
  return admitting.filter((s) => chosen.has(s));
}

interface InterfaceVerdict {
  networkInterfaceId: string;
  rules: IngressRule[];
  unknown: IngressRule[];
}

/**
 * Each rule's public source space, remembered by rule: a rule's source does not depend on the port asked, so
 * judging many ports (or many group sets) on the same rules and prefix lists parses each source once. Belongs
 * to one set of rules and prefix lists; null: the source stands for no address.
 */
export type RuleSourceMemo = Map<IngressRule, SourcedRule | null>;

/** A rule's public source space, from the memo when there is one; null when its source holds no address. */
function sourcedRule(
  rule: IngressRule,
  prefixListCidrs: ReadonlyMap<string, readonly string[]>,
  parsedLists: Map<string, IpRange[]>,
  sources: RuleSourceMemo | undefined,
): SourcedRule | null {
  let known = sources?.get(rule);
  if (known === undefined) {
    const ranges = sourceRanges(rule, prefixListCidrs, parsedLists);
    known = ranges.length > 0 ? sourced(rule, ranges) : null;
    sources?.set(rule, known);
  }
  return known;
}

/**
 * Whether a rule can change a verdict on some port: its source holds public addresses, or it names a prefix
 * list that could not be read (its rule is then reported unknown). A rule of private ranges or group
 * references never can: the verdict is the same on either side of its port range.
 *
 * @param rule - the rule
 * @param facts - the prefix lists read and those that could not be
 * @param sources - sources already parsed for these rules and prefix lists (filled as it goes)
 */
export function ruleCanExpose(
  rule: IngressRule,
  facts: Pick<PortExposureInput, 'prefixListCidrs' | 'unreadablePrefixLists'>,
  sources: RuleSourceMemo,
): boolean {
  if (rule.prefixListId !== undefined && facts.unreadablePrefixLists?.has(rule.prefixListId) === true)
    return true;
  const source = sourcedRule(rule, facts.prefixListCidrs, new Map(), sources);
  return source !== null && (source.publicCount[4] > 0n || source.publicCount[6] > 0n);
}

/** The exposing rules of every interface, interfaces and rules in a stable order. */
function exposingRulesByInterface(input: PortExposureInput, sources?: RuleSourceMemo): InterfaceVerdict[] {
  assertPortQuery(input.port, input.protocol);
  const interfaces = [...input.interfaces].sort((a, b) =>
    compareText(a.networkInterfaceId, b.networkInterfaceId),
  );
  const unreadable = input.unreadablePrefixLists ?? new Set<string>();
  const parsedLists = new Map<string, IpRange[]>();
  return interfaces.map(({ networkInterfaceId, groupIds }) => {
    const seen = new Set<string>();
    const admitting: SourcedRule[] = [];
    const unknown: IngressRule[] = [];
    for (const groupId of new Set(groupIds)) {
      for (const rule of input.rulesByGroup.get(groupId) ?? []) {
        if (seen.has(rule.securityGroupRuleId)) continue;
        seen.add(rule.securityGroupRuleId);
        if (!ruleAdmitsPort(rule, input.port, input.protocol)) continue;
        if (rule.prefixListId !== undefined && unreadable.has(rule.prefixListId)) unknown.push(rule);
        const source = sourcedRule(rule, input.prefixListCidrs, parsedLists, sources);
        if (source !== null) admitting.push(source);
      }
    }
    const rules = selectExposingRules(admitting)
      .map((s) => s.rule)
      .sort(compareRules);
    // An exposure established by the rules that could be read stands whatever the unreadable lists hold.
    return { networkInterfaceId, rules, unknown: rules.length > 0 ? [] : unknown.sort(compareRules) };
  });
}

/**
 * The distinct rules that expose the port on any interface of the instance,
 * sorted by group id then rule id: exactly what closing the port revokes.
 *
 * @param input - interfaces, rules, prefix lists, port and protocol
 */
export function findExposingRules(input: PortExposureInput): IngressRule[] {
  const byId = new Map<string, IngressRule>();
  for (const { rules } of exposingRulesByInterface(input)) {
    for (const rule of rules) byId.set(rule.securityGroupRuleId, rule);
  }
  return [...byId.values()].sort(compareRules);
}

const SHOWN_PREFIX_LIST_ENTRIES = 3;

/**
 * Human-readable source of a rule: the CIDR, the prefix list id with its
 * first entries, or the referenced group.
 *
 * @param rule - the rule
 * @param prefixListCidrs - entries of the managed prefix lists
 */
export function describeRuleSource(
  rule: IngressRule,
  prefixListCidrs: ReadonlyMap<string, readonly string[]>,
): string {
  if (rule.cidrIpv4 !== undefined) return rule.cidrIpv4;
  if (rule.cidrIpv6 !== undefined) return rule.cidrIpv6;
  if (rule.prefixListId !== undefined) {
    const entries = prefixListCidrs.get(rule.prefixListId) ?? [];
    if (entries.length === 0) return rule.prefixListId;
    const shown = entries.slice(0, SHOWN_PREFIX_LIST_ENTRIES).join(', ');
    const more = entries.length - SHOWN_PREFIX_LIST_ENTRIES;
    return `${rule.prefixListId} (${shown}${more > 0 ? `, +${more} more` : ''})`;
  }
  return rule.referencedGroupId ?? 'unknown source';
}

/**
 * Every (network interface, rule) through which `port`/`protocol` is open to
 * the internet on an instance, and the rules that could not be judged.
 *
 * An interface is open when the public addresses admitted for the port (the
 * union of the sources of every admitting rule of every group on it, prefix
 * lists expanded, special-purpose ranges removed) exceed one /8 of IPv4 or one
 * /32 of IPv6. The rules reported are the ones that contribute and that
 * closing revokes: broadest public space first, until the rest is under the limit.
 *
 * @param input - interfaces, rules, prefix lists, port and protocol
 * @param sources - sources already parsed for these rules and prefix lists (filled as it goes)
 * @returns exposures (empty: not open) and unknowns, sorted by interface, group and rule id
 * @throws RangeError when the port is not 0..65535 or the protocol not tcp/udp
 */
export function judgePortExposure(input: PortExposureInput, sources?: RuleSourceMemo): PortVerdict {
  const verdicts = exposingRulesByInterface(input, sources);
  return {
    exposures: verdicts.flatMap(({ networkInterfaceId, rules }) =>
      rules.map((rule) => ({
        networkInterfaceId,
        securityGroupId: rule.groupId,
        securityGroupRuleId: rule.securityGroupRuleId,
        ipProtocol: rule.ipProtocol,
        fromPort: rule.fromPort,
        toPort: rule.toPort,
        source: describeRuleSource(rule, input.prefixListCidrs),
      })),
    ),
    unknown: verdicts.flatMap(({ networkInterfaceId, unknown }) =>
      unknown.map((rule) => ({
        networkInterfaceId,
        securityGroupId: rule.groupId,
        securityGroupRuleId: rule.securityGroupRuleId,
        prefixListId: rule.prefixListId ?? '',
      })),
    ),
  };
}

/**
 * Every (network interface, rule) through which `port`/`protocol` is open to
 * the internet on an instance (see {@link judgePortExposure}). Empty means the
 * port is not open to the internet, as far as the prefix lists read can show.
 *
 * @param input - interfaces, rules, prefix lists, port and protocol
 * @returns exposures sorted by interface, group and rule id
 * @throws RangeError when the port is not 0..65535 or the protocol not tcp/udp
 */
export function findPortExposures(input: PortExposureInput): PortExposure[] {
  return judgePortExposure(input).exposures;
}
