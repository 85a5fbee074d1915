/**
 * Every (protocol, port range) open to the internet on an instance, without being asked for a port.
 *
 * The verdict for one port is `findPortExposures`; here it is asked once per stretch of ports over
 * which the set of rules that could admit traffic does not change (the rules' own range boundaries
 * cut the 0-65535 line into such stretches), so this answer and the single-port answer cannot
 * disagree. Neighbouring stretches exposed by the same rules merge into one range.
 */
import { describeServices } from './exposure-risk';
import {
  type IngressRule,
  type InterfaceGroups,
  judgePortExposure,
  MAX_PORT,
  normaliseIpProtocol,
  type PortExposure,
  type PortExposureInput,
  type PortProtocol,
  type RuleSourceMemo,
  ruleAdmitsPort,
  ruleCanExpose,
  type UnknownExposure,
} from './port-exposure';

/** One internet-open range of one protocol, and the rules (per interface) that open it. */
export interface OpenPortRange {
  protocol: PortProtocol;
  fromPort: number;
  toPort: number;
  /** The well-known services inside the range (`SSH`, `MySQL`...), or null. */
  service: string | null;
  exposures: PortExposure[];
}

const PROTOCOLS: readonly PortProtocol[] = ['tcp', 'udp'];

/**
 * Port numbers where the verdict for a protocol may change: the range edges of the rules that can expose
 * something (a rule of private ranges or group references cuts nothing, so there are fewer stretches to judge).
 *
 * @param exposing - the rules that can expose something (`ruleCanExpose`)
 */
function boundaries(exposing: readonly IngressRule[], protocol: PortProtocol): number[] {
  const cuts = new Set<number>([0]);
  for (const rule of exposing) {
    if (rule.isEgress === true) continue;
    const ipProtocol = normaliseIpProtocol(rule.ipProtocol);
    if (ipProtocol !== protocol) continue;
    cuts.add(Math.max(0, rule.fromPort));
    if (rule.toPort + 1 <= MAX_PORT) cuts.add(rule.toPort + 1);
  }
  return [...cuts].sort((a, b) => a - b);
}

const exposureKey = (exposures: readonly PortExposure[]) =>
  exposures.map((e) => `${e.networkInterfaceId}/${e.securityGroupRuleId}`).join(',');

/** Every open range of an instance, and the rules an unreadable prefix list leaves undecided. */
export interface OpenPortVerdict {
  ranges: OpenPortRange[];
  /** Rules whose prefix list could not be read, on interfaces not already shown open for that port; deduplicated. */
  unknown: UnknownExposure[];
}

/**
 * The internet-open port ranges of one instance, tcp before udp, each in port order.
 *
 * @param input - interfaces, rules and prefix lists, as for `findPortExposures` (without a port)
 * @param protocols - the protocols to look at (both by default)
 */
export function findOpenPortRanges(
  input: Omit<PortExposureInput, 'port' | 'protocol'>,
  protocols: readonly PortProtocol[] = PROTOCOLS,
): OpenPortRange[] {
  return judgeOpenPortRanges(input, protocols).ranges;
}

/**
 * The internet-open port ranges of one instance (see {@link findOpenPortRanges}), and what stays
 * unknown: a rule whose prefix list could not be read, for a stretch of ports where the readable
 * rules do not already open that interface.
 *
 * @param input - interfaces, rules and prefix lists, as for `judgePortExposure` (without a port)
 * @param protocols - the protocols to look at (both by default)
 * @param sources - rule sources already parsed for these rules and prefix lists (each stretch of ports
 *   judges the same rules again)
 */
export function judgeOpenPortRanges(
  input: Omit<PortExposureInput, 'port' | 'protocol'>,
  protocols: readonly PortProtocol[] = PROTOCOLS,
  sources: RuleSourceMemo = new Map(),
): OpenPortVerdict {
  const groups = new Set(input.interfaces.flatMap((eni) => eni.groupIds));
  const rules = [...groups].flatMap((groupId) => input.rulesByGroup.get(groupId) ?? []);
  const ranges: OpenPortRange[] = [];
  const unknown = new Map<string, UnknownExposure>();
  const canExpose = (rule: IngressRule) => ruleCanExpose(rule, input, sources);
  // Only these rules can expose anything or leave it unknown: a stretch none of them admits is closed.
  const exposing = rules.filter(canExpose);
  for (const protocol of PROTOCOLS.filter((p) => protocols.includes(p))) {
    const cuts = boundaries(exposing, protocol);
    let open: { fromPort: number; toPort: number; exposures: PortExposure[]; key: string } | undefined;
    const flush = () => {
      if (open === undefined) return;
      ranges.push({
        protocol,
        fromPort: open.fromPort,
        toPort: open.toPort,
        service: describeServices(protocol, open.fromPort, open.toPort),
        exposures: open.exposures,
      });
      open = undefined;
    };
    cuts.forEach((fromPort, index) => {
      const toPort = (cuts[index + 1] ?? MAX_PORT + 1) - 1;
      // The stretch's rules do not change inside it: none of them admits its first port, none admits any.
      if (!exposing.some((rule) => ruleAdmitsPort(rule, fromPort, protocol))) {
        flush();
        return;
      }
      const verdict = judgePortExposure({ ...input, port: fromPort, protocol }, sources);
      for (const rule of verdict.unknown)
        unknown.set(`${rule.networkInterfaceId}/${rule.securityGroupRuleId}`, rule);
      const { exposures } = verdict;
      if (exposures.length === 0) {
        flush();
        return;
      }
      const key = exposureKey(exposures);
      if (open !== undefined && open.key === key && open.toPort + 1 === fromPort) open.toPort = toPort;
      else {
        flush();
        open = { fromPort, toPort, exposures, key };
      }
    });
    flush();
  }
  return { ranges, unknown: [...unknown.values()] };
}

/** The distinct exposures behind some ranges, in the order `findPortExposures` gives them. */
export function exposuresOfRanges(ranges: readonly OpenPortRange[]): PortExposure[] {
  const seen = new Map<string, PortExposure>();
  for (const range of ranges) {
    for (const exposure of range.exposures) {
      seen.set(`${exposure.networkInterfaceId}/${exposure.securityGroupRuleId}`, exposure);
    }
  }
  return [...seen.values()];
}

/** An open range as lists show it: without the rules behind it. */
export type OpenPortSummary = Omit<OpenPortRange, 'exposures'>;

/** What {@link memoisedOpenPortRanges} answers for one instance. */
export interface MemoisedOpenPortVerdict {
  /**
   * The open ranges without their rules, shared by every instance with the same groups (the same array):
   * never changed by whoever reads them.
   */
  openPorts: OpenPortSummary[];
  /** `exposuresOfRanges(ranges())`, with this instance's interface ids (built when first read). */
  readonly exposures: PortExposure[];
  /**
   * When each exposure is one of the group set's own with the interface id put back: those, index for index
   * (shared by every instance on the same groups; `networkInterfaceId` holds a placeholder). Lets a caller
   * work out once per group set what does not depend on the interface.
   */
  sharedExposures?: readonly PortExposure[];
  /** With `sharedExposures`: the interface ids their placeholders stand for ({@link placeholderIndex}). */
  interfaceIds?: string[];
  unknown: UnknownExposure[];
  /** The ranges with this instance's exposures (`judgeOpenPortRanges`'s answer), built when asked. */
  ranges(): OpenPortRange[];
}

interface OpenPortShape extends OpenPortVerdict {
  openPorts: OpenPortSummary[];
  exposures: PortExposure[];
}

/** The interface id a group set's own exposures carry for its `index`-th interface (in id order). */
function interfacePlaceholder(index: number): string {
  return `#${String(index).padStart(6, '0')}`;
}

/** Which interface a placeholder from {@link interfacePlaceholder} stands for. */
export function placeholderIndex(placeholder: string): number {
  return Number(placeholder.slice(1));
}

const byInterfaceId = (a: InterfaceGroups, b: InterfaceGroups) =>
  a.networkInterfaceId < b.networkInterfaceId ? -1 : a.networkInterfaceId > b.networkInterfaceId ? 1 : 0;

/** The interfaces' groups as one key: each interface's distinct groups in order (most are one or two). */
function groupSetKey(ordered: readonly InterfaceGroups[]): string {
  let key = '';
  for (const eni of ordered) {
    const ids = eni.groupIds;
    let sorted = true;
    for (let i = 1; i < ids.length && sorted; i++) sorted = (ids[i - 1] as string) < (ids[i] as string);
    key += `${sorted ? ids.join(',') : [...new Set(ids)].sort().join(',')}|`;
  }
  return key;
}

/**
 * `judgeOpenPortRanges` for many instances on the same rules: instances whose interfaces carry the same
 * groups (the common case: fleets share a few groups) are judged once. The memo belongs to one set of
 * rules and prefix lists (one Region of one scan); interface ids are put back on each answer.
 *
 * @param facts - the rules and prefix lists every instance of the batch is judged on
 * @param protocols - the protocols to look at
 */
export function memoisedOpenPortRanges(
  facts: Omit<PortExposureInput, 'port' | 'protocol' | 'interfaces'>,
  protocols: readonly PortProtocol[] = PROTOCOLS,
): (interfaces: PortExposureInput['interfaces']) => MemoisedOpenPortVerdict {
  const memo = new Map<string, OpenPortShape>();
  // Distinct group sets still share most of their rules: each rule's source is parsed once for all of them.
  const sources: RuleSourceMemo = new Map();
  return (interfaces) => {
    // Interfaces in id order, as the verdict orders them; placeholders keep that order. Most instances have
    // one interface: nothing to sort.
    const ordered = interfaces.length === 1 ? interfaces : [...interfaces].sort(byInterfaceId);
    const key = groupSetKey(ordered);
    let shape = memo.get(key);
    if (shape === undefined) {
      const placeholders = ordered.map((eni, index) => ({
        networkInterfaceId: interfacePlaceholder(index),
        groupIds: eni.groupIds,
      }));
      const verdict = judgeOpenPortRanges({ ...facts, interfaces: placeholders }, protocols, sources);
      shape = {
        ...verdict,
        openPorts: verdict.ranges.map((range) => ({
          protocol: range.protocol,
          fromPort: range.fromPort,
          toPort: range.toPort,
          service: range.service,
        })),
        exposures: exposuresOfRanges(verdict.ranges),
      };
      memo.set(key, shape);
    }
    return new InstanceOpenPorts(shape, ordered);
  };
}

/**
 * One instance's answer from its group set's: the shared parts as they are, what carries interface ids built
 * when first read (a caller naming exposures from `sharedExposures` never needs them). A class, not a literal
 * with closures: a 10,000-instance scan makes one small object per instance.
 */
class InstanceOpenPorts implements MemoisedOpenPortVerdict {
  readonly openPorts: OpenPortSummary[];
  readonly sharedExposures?: readonly PortExposure[];
  readonly interfaceIds?: string[];
  readonly unknown: UnknownExposure[];
  #exposures: PortExposure[] | undefined;

  constructor(
    private readonly shape: OpenPortShape,
    private readonly ordered: readonly InterfaceGroups[],
  ) {
    this.openPorts = shape.openPorts;
    // Two interfaces listed with one id would be one in exposuresOfRanges: only then is it asked again.
    if (
      ordered.length === 1 ||
      new Set(ordered.map((eni) => eni.networkInterfaceId)).size === ordered.length
    ) {
      this.sharedExposures = shape.exposures;
      this.interfaceIds = ordered.map((eni) => eni.networkInterfaceId);
    }
    this.unknown =
      shape.unknown.length === 0
        ? []
        : shape.unknown.map((item) => ({
            ...item,
            networkInterfaceId: this.realId(item.networkInterfaceId),
          }));
  }

  get exposures(): PortExposure[] {
    this.#exposures ??=
      this.sharedExposures !== undefined
        ? this.sharedExposures.map((exposure) => this.realise(exposure))
        : exposuresOfRanges(this.ranges());
    return this.#exposures;
  }

  ranges(): OpenPortRange[] {
    // One object per exposure of the shape, shared by every range it opens (as judgeOpenPortRanges does).
    const real = new Map<PortExposure, PortExposure>();
    const once = (exposure: PortExposure) => {
      let found = real.get(exposure);
      if (found === undefined) {
        found = this.realise(exposure);
        real.set(exposure, found);
      }
      return found;
    };
    return this.shape.ranges.map((range) => ({
      protocol: range.protocol,
      fromPort: range.fromPort,
      toPort: range.toPort,
      service: range.service,
      exposures: range.exposures.map(once),
    }));
  }

  private realId(placeholder: string): string {
    return this.ordered[placeholderIndex(placeholder)]?.networkInterfaceId ?? placeholder;
  }

  /** Spelled out, not spread: one object shape per kind, however many instances share the memo. */
  private realise(exposure: PortExposure): PortExposure {
    return {
      networkInterfaceId: this.realId(exposure.networkInterfaceId),
      securityGroupId: exposure.securityGroupId,
      securityGroupRuleId: exposure.securityGroupRuleId,
      ipProtocol: exposure.ipProtocol,
      fromPort: exposure.fromPort,
      toPort: exposure.toPort,
      source: exposure.source,
    };
  }
}
