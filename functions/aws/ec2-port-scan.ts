/**
 * Finds the instances with a port open to the internet: per Region, the
 * instances, the ingress rules of the groups they use and the prefix lists
 * those rules need (a fixed number of paged calls, whatever the instance
 * count), then the domain's verdict per instance. Regions run concurrently
 * with bounded concurrency and stop starting when the time budget runs out.
 */
import type { EC2Client } from '@aws-sdk/client-ec2';
import {
  type ExposureIntent,
  type ExposureIntentTags,
  groupIntentsOf,
  INTENDED,
  type IntendedGroup,
  intendedGroupOf,
  splitByGroupIntent,
} from '../domain/exposure-intent';
import {
  exposuresOfRanges,
  type MemoisedOpenPortVerdict,
  memoisedOpenPortRanges,
  type OpenPortRange,
  type OpenPortSummary,
  placeholderIndex,
} from '../domain/open-port-ranges';
import {
  type IngressRule,
  judgePortExposure,
  normaliseIpProtocol,
  type PortExposure,
  type PortProtocol,
  type PortVerdict,
  ruleAdmitsPort,
  type UnknownExposure,
} from '../domain/port-exposure';
import { cleanUntrustedText } from '../domain/untrusted-text';
import { UpstreamError } from '../shared/errors';
import { mapWithConcurrency } from './concurrency';
import {
  describeIngressRules,
  describeInstances,
  describeSecurityGroupTags,
  type Ec2InstanceFacts,
  readPrefixListsEach,
} from './ec2-instances';

/** The rules and prefix lists needed to judge a port on the interfaces that use some groups. */
export interface GroupRuleFacts {
  rulesByGroup: Map<string, IngressRule[]>;
  prefixListCidrs: Map<string, string[]>;
  /** Prefix list id -> why it could not be read (the call and the AWS error code). */
  unreadablePrefixLists: Map<string, string>;
}

export interface PortQuery {
  port: number;
  protocol: PortProtocol;
}

/** What a scan asks: one port, or (no port) every port of the protocol or of both. */
export interface ScanQuery {
  /** Undefined: every port of the protocol (or of both, when `allProtocols`). */
  port?: number;
  protocol: PortProtocol;
  /** With no port: tcp and udp both. */
  allProtocols?: boolean;
}

function protocolsOf(query: ScanQuery): PortProtocol[] {
  return query.allProtocols === true ? ['tcp', 'udp'] : [query.protocol];
}

/** Whether a rule can admit something the query asks about (any port, when none is given). */
function ruleMatters(rule: IngressRule, query: ScanQuery): boolean {
  if (query.port !== undefined) return ruleAdmitsPort(rule, query.port, query.protocol);
  const ipProtocol = normaliseIpProtocol(rule.ipProtocol);
  return rule.isEgress !== true && (ipProtocol === '-1' || protocolsOf(query).some((p) => p === ipProtocol));
}

/**
 * Reads the ingress rules of the groups, then the entries of the prefix lists
 * referenced by rules that admit the port (the only ones that can matter).
 */
export async function readGroupRuleFacts(
  ec2: EC2Client,
  groupIds: readonly string[],
  query: ScanQuery,
): Promise<GroupRuleFacts> {
  const rulesByGroup = await describeIngressRules(ec2, groupIds);
  const prefixListIds = new Set<string>();
  for (const rules of rulesByGroup.values()) {
    for (const rule of rules) {
      if (rule.prefixListId && ruleMatters(rule, query)) {
        prefixListIds.add(rule.prefixListId);
      }
    }
  }
  const { cidrs, failures } = await readPrefixListsEach(ec2, [...prefixListIds]);
  const unreadablePrefixLists = new Map(
    [...failures].map(([prefixListId, error]) => [
      prefixListId,
      `${error.awsCall.replace(/^ec2:/, '')} failed with ${error.awsErrorCode} for ${prefixListId}`,
    ]),
  );
  return { rulesByGroup, prefixListCidrs: cidrs, unreadablePrefixLists };
}

/** Every group id used by any interface of the instances. */
export function groupIdsOf(instances: readonly Ec2InstanceFacts[]): string[] {
  return [...new Set(instances.flatMap((i) => i.interfaces.flatMap((eni) => eni.groupIds)))].sort();
}

/** The verdict on one instance from the facts read: exposures, and what an unreadable prefix list leaves unknown. */
export function verdictOf(instance: Ec2InstanceFacts, facts: GroupRuleFacts, query: PortQuery): PortVerdict {
  return judgePortExposure({
    interfaces: instance.interfaces,
    rulesByGroup: facts.rulesByGroup,
    prefixListCidrs: facts.prefixListCidrs,
    unreadablePrefixLists: facts.unreadablePrefixLists,
    port: query.port,
    protocol: query.protocol,
  });
}

/** The exposures of one instance on the facts read. */
export function exposuresOf(instance: Ec2InstanceFacts, facts: GroupRuleFacts, query: PortQuery) {
  return verdictOf(instance, facts, query).exposures;
}

/** A verdict, and with no port asked every internet-open range (shared summaries, and the ranges on demand). */
type InstanceVerdict = PortVerdict &
  Partial<Pick<MemoisedOpenPortVerdict, 'openPorts' | 'ranges' | 'sharedExposures' | 'interfaceIds'>>;

/** Judges each instance of one Region: its verdict, and (with no port asked) every internet-open range. */
function instanceJudge(
  facts: GroupRuleFacts,
  query: ScanQuery,
): (instance: Ec2InstanceFacts) => InstanceVerdict {
  const { port } = query;
  if (port !== undefined) return (instance) => verdictOf(instance, facts, { ...query, port });
  const rangesOf = memoisedOpenPortRanges(
    {
      rulesByGroup: facts.rulesByGroup,
      prefixListCidrs: facts.prefixListCidrs,
      unreadablePrefixLists: facts.unreadablePrefixLists,
    },
    protocolsOf(query),
  );
  return (instance) => rangesOf(instance.interfaces);
}

/** An exposure with what a person recognises it by: the group's name and the rule's description (both cleaned). */
export interface NamedExposure extends PortExposure {
  securityGroupName: string | null;
  ruleDescription: string | null;
}

/**
 * Names the exposures from facts already read (the instance's group names from DescribeInstances, the rule
 * descriptions from DescribeSecurityGroupRules): no call. Both are text anyone able to edit them wrote.
 */
export function namedExposures(
  instance: Ec2InstanceFacts,
  exposures: readonly PortExposure[],
  descriptions: ReadonlyMap<string, string>,
  clean: (text: string) => string = cleanUntrustedText,
): NamedExposure[] {
  return exposures.map((exposure) => {
    const groupName = instance.groupNames?.[exposure.securityGroupId];
    const description = descriptions.get(exposure.securityGroupRuleId);
    // Spelled out, not spread: one object shape for every exposure of a 10,000-instance answer.
    return {
      networkInterfaceId: exposure.networkInterfaceId,
      securityGroupId: exposure.securityGroupId,
      securityGroupName: groupName ? clean(groupName) : null,
      securityGroupRuleId: exposure.securityGroupRuleId,
      ruleDescription: description ? clean(description) : null,
      ipProtocol: exposure.ipProtocol,
      fromPort: exposure.fromPort,
      toPort: exposure.toPort,
      source: exposure.source,
    };
  });
}

/**
 * What a list of named exposures is made of, when the scan built it from its group set's own exposures: those
 * exposures named (the same list for every instance on those groups, whose groups carry the same names), with
 * placeholder interface ids, and the instance's interface ids. Lets an answer store the shared part once.
 */
export interface ExposureTemplate {
  template: NamedExposure[];
  interfaceIds: string[];
}

/**
 * Where a list of exposures built from a template keeps it: a symbol key, never serialised, and gone from any
 * copy or merge of the list (a new array), which is then listed as it is.
 */
const EXPOSURE_TEMPLATE: unique symbol = Symbol('exposureTemplate');

/** The template of a list the scan built from one (the very list, not a copy); undefined for any other. */
export function exposureTemplateOf(exposures: readonly NamedExposure[]): ExposureTemplate | undefined {
  return (exposures as { [EXPOSURE_TEMPLATE]?: ExposureTemplate })[EXPOSURE_TEMPLATE];
}

/** Named exposures from a template: the interface ids put in, each exposure spelled out as the scan gives it. */
export function fromTemplate(
  template: readonly NamedExposure[],
  interfaceIds: readonly string[],
): NamedExposure[] {
  // One interface (most instances): every placeholder stands for it.
  const only = interfaceIds.length === 1 ? interfaceIds[0] : undefined;
  return template.map((exposure) => ({
    networkInterfaceId:
      only ?? interfaceIds[placeholderIndex(exposure.networkInterfaceId)] ?? exposure.networkInterfaceId,
    securityGroupId: exposure.securityGroupId,
    securityGroupName: exposure.securityGroupName,
    securityGroupRuleId: exposure.securityGroupRuleId,
    ruleDescription: exposure.ruleDescription,
    ipProtocol: exposure.ipProtocol,
    fromPort: exposure.fromPort,
    toPort: exposure.toPort,
    source: exposure.source,
  }));
}

/**
 * Names exposures judged through a group set's own exposures: named once per group set and group names (per
 * Region), then the instance's interface ids put in; the list remembers its template.
 */
function templatedNamer(
  descriptions: ReadonlyMap<string, string>,
  clean: (text: string) => string,
): (instance: Ec2InstanceFacts, shared: readonly PortExposure[], interfaceIds: string[]) => NamedExposure[] {
  // Per group set, its templates with the raw group names they were named from (EC2 does not rename a group,
  // so there is one; the names are still compared, never assumed).
  const named = new Map<
    readonly PortExposure[],
    Array<{ names: (string | undefined)[]; template: NamedExposure[] }>
  >();
  return (instance, shared, interfaceIds) => {
    let templates = named.get(shared);
    if (templates === undefined) {
      templates = [];
      named.set(shared, templates);
    }
    const groupNames = instance.groupNames;
    let template = templates.find(({ names }) =>
      names.every((name, index) => name === groupNames?.[(shared[index] as PortExposure).securityGroupId]),
    )?.template;
    if (template === undefined) {
      template = namedExposures(instance, shared, descriptions, clean);
      templates.push({ names: shared.map((exposure) => groupNames?.[exposure.securityGroupId]), template });
    }
    const exposures: NamedExposure[] & { [EXPOSURE_TEMPLATE]?: ExposureTemplate } = fromTemplate(
      template,
      interfaceIds,
    );
    exposures[EXPOSURE_TEMPLATE] = { template, interfaceIds };
    return exposures;
  };
}

/** cleanUntrustedText remembered per text: a Region's instances repeat the same few group names and descriptions. */
function memoisedCleaner(): (text: string) => string {
  const cleaned = new Map<string, string>();
  return (text) => {
    let clean = cleaned.get(text);
    if (clean === undefined) {
      clean = cleanUntrustedText(text);
      cleaned.set(text, clean);
    }
    return clean;
  };
}

/** Rule id -> description, for the rules that have one. */
function ruleDescriptionsOf(facts: GroupRuleFacts): Map<string, string> {
  const descriptions = new Map<string, string>();
  for (const rules of facts.rulesByGroup.values()) {
    for (const rule of rules)
      if (rule.description) descriptions.set(rule.securityGroupRuleId, rule.description);
  }
  return descriptions;
}

export interface ExposedInstance extends Ec2InstanceFacts {
  region: string;
  /** The exposures that are findings (empty when everything open goes through groups tagged as intended). */
  exposures: NamedExposure[];
  /**
   * Set when no port was asked: every internet-open (protocol, port range) that is a finding, services named;
   * shared by instances on the same groups (never changed).
   */
  openPorts?: OpenPortSummary[];
  /** What is open only through security groups tagged as intended: reported apart, never a finding. */
  openOnPurpose?: {
    exposures: NamedExposure[];
    /** Set when no port was asked. */
    openPorts?: OpenPortSummary[];
    groups: IntendedGroup[];
  };
}

export interface UnknownRegion {
  region: string;
  reason: string;
}

/** An instance whose verdict depends on a prefix list that could not be read. */
export interface UnknownInstance extends Ec2InstanceFacts {
  region: string;
  /** The rules whose lists could not be read. */
  rules: UnknownExposure[];
  reason: string;
}

export interface OpenPortScanResult {
  /** Regions read completely, in the order asked. */
  scannedRegions: string[];
  /** Exposed instances, by Region (in the order asked) then instance id. */
  instances: ExposedInstance[];
  /** Instances that may be exposed through a prefix list that could not be read; never assume them safe. */
  unknownInstances: UnknownInstance[];
  /** Regions where a read failed: never assume them safe. */
  unknownRegions: UnknownRegion[];
  /** Regions never tried because the time budget ran out. */
  notAttempted: string[];
  /** Regions where security-group tags could not be read: what is open there stays a finding. */
  groupTagsUnread: UnknownRegion[];
}

export interface OpenPortScanOptions extends ScanQuery {
  regions: readonly string[];
  concurrency: number;
  /** True when the scan must stop starting new Regions (time budget). */
  shouldStop: () => boolean;
  /** The intended-exposure tag names: groups carrying them are read where something is open. Unset: not read. */
  exposureTags?: ExposureIntentTags;
}

interface RegionScan {
  instances: ExposedInstance[];
  unknownInstances: UnknownInstance[];
  /** Why the security-group tags could not be read, when they could not. */
  groupTagsUnread?: string;
}

type RegionOutcome = ({ kind: 'scanned' } & RegionScan) | { kind: 'unknown'; reason: string };

/** Why a Region could not be read, in a sentence naming the AWS call and error code. */
export function regionFailureReason(error: UpstreamError): string {
  const call = error.awsCall.replace(/^ec2:/, '');
  return `${call} failed with ${error.awsErrorCode}, so instances in this Region could not be checked`;
}

/**
 * The security groups tagged as exposed on purpose: one `DescribeTags` filtered by the two keys (its size follows
 * the tagged groups, not the account), and by `groupIds` when given. A failed read tags nothing and says why
 * (`DescribeTags failed with <code>`): the scan keeps what is open a finding, a change asks for force.
 *
 * @param ec2 - the Region's client
 * @param tagNames - the tag keys in use
 * @param groupIds - the groups to ask about; all of the Region's when omitted
 */
export async function readGroupIntents(
  ec2: EC2Client,
  tagNames: ExposureIntentTags,
  groupIds?: readonly string[],
): Promise<{ intents: Map<string, ExposureIntent>; failure?: string }> {
  try {
    const tags = await describeSecurityGroupTags(ec2, [tagNames.intentKey, tagNames.reasonKey], groupIds);
    return { intents: groupIntentsOf(tags, tagNames) };
  } catch (error) {
    if (!(error instanceof UpstreamError)) throw error;
    return {
      intents: new Map(),
      failure: `${error.awsCall.replace(/^ec2:/, '')} failed with ${error.awsErrorCode}`,
    };
  }
}

/** The instance's facts with its findings; spelled out, not spread, so every one has the same shape. */
function withFindings(
  instance: Ec2InstanceFacts,
  region: string,
  exposures: NamedExposure[],
  openPorts: OpenPortSummary[] | undefined,
): ExposedInstance {
  return {
    instanceId: instance.instanceId,
    name: instance.name,
    state: instance.state,
    publicIp: instance.publicIp,
    ipv6Addresses: instance.ipv6Addresses,
    interfaces: instance.interfaces,
    tags: instance.tags,
    groupNames: instance.groupNames,
    region,
    exposures,
    openPorts,
  };
}

/** What names a Region's exposures: its rule descriptions, a remembering cleaner, the group-set namer. */
interface RegionNaming {
  descriptions: ReadonlyMap<string, string>;
  clean: (text: string) => string;
  nameShared: ReturnType<typeof templatedNamer>;
}

/** An exposed instance, its open ranges split between findings and what tagged groups open on purpose. */
function exposedInstanceOf(
  instance: Ec2InstanceFacts,
  region: string,
  verdict: InstanceVerdict,
  naming: RegionNaming,
  groupIntents: ReadonlyMap<string, ExposureIntent>,
): ExposedInstance {
  const name = (exposures: readonly PortExposure[]) =>
    namedExposures(instance, exposures, naming.descriptions, naming.clean);
  // No group of the Region is tagged (the usual case): nothing to split.
  if (groupIntents.size === 0)
    return withFindings(
      instance,
      region,
      verdict.sharedExposures !== undefined && verdict.interfaceIds !== undefined
        ? naming.nameShared(instance, verdict.sharedExposures, verdict.interfaceIds)
        : name(verdict.exposures),
      verdict.openPorts,
    );
  const ranges = verdict.ranges?.();
  let split: {
    findings: PortExposure[];
    intended: PortExposure[];
    findingRanges?: OpenPortRange[];
    intendedRanges?: OpenPortRange[];
    groupIds: string[];
  };
  if (ranges !== undefined) {
    const byRange = splitByGroupIntent(ranges, groupIntents);
    split = {
      findings: exposuresOfRanges(byRange.findings),
      intended: exposuresOfRanges(byRange.intended),
      findingRanges: byRange.findings,
      intendedRanges: byRange.intended,
      groupIds: byRange.groupIds,
    };
  } else {
    const byPort = splitByGroupIntent([{ exposures: verdict.exposures }], groupIntents);
    split = {
      findings: byPort.findings.flatMap((unit) => unit.exposures),
      intended: byPort.intended.flatMap((unit) => unit.exposures),
      groupIds: byPort.groupIds,
    };
  }
  const exposed = withFindings(instance, region, name(split.findings), split.findingRanges);
  if (split.intended.length === 0) return exposed;
  return {
    ...exposed,
    openOnPurpose: {
      exposures: name(split.intended),
      ...(split.intendedRanges !== undefined ? { openPorts: split.intendedRanges } : {}),
      groups: split.groupIds.map((securityGroupId) =>
        intendedGroupOf(
          securityGroupId,
          instance.groupNames?.[securityGroupId],
          groupIntents.get(securityGroupId),
        ),
      ),
    },
  };
}

async function scanRegion(
  ec2: EC2Client,
  region: string,
  query: ScanQuery,
  exposureTags: ExposureIntentTags | undefined,
): Promise<RegionScan> {
  const instances = await describeInstances(ec2);
  if (instances.length === 0) return { instances: [], unknownInstances: [] };
  const facts = await readGroupRuleFacts(ec2, groupIdsOf(instances), query);
  const judge = instanceJudge(facts, query);
  const descriptions = ruleDescriptionsOf(facts);
  const exposedVerdicts: Array<{ instance: Ec2InstanceFacts; verdict: ReturnType<typeof judge> }> = [];
  const unknown: UnknownInstance[] = [];
  for (const instance of [...instances].sort((a, b) => (a.instanceId < b.instanceId ? -1 : 1))) {
    const verdict = judge(instance);
    // Judged through its group set's own exposures: their count is the instance's (no need to build its own).
    if ((verdict.sharedExposures ?? verdict.exposures).length > 0)
      exposedVerdicts.push({ instance, verdict });
    else if (verdict.unknown.length > 0) {
      const lists = [...new Set(verdict.unknown.map((rule) => rule.prefixListId))];
      unknown.push({
        ...instance,
        region,
        rules: verdict.unknown,
        reason: lists.map((id) => facts.unreadablePrefixLists.get(id) ?? id).join('; '),
      });
    }
  }
  // Group tags matter only where something is open: a Region with nothing open makes no extra call.
  const clean = memoisedCleaner();
  const naming: RegionNaming = { descriptions, clean, nameShared: templatedNamer(descriptions, clean) };
  const groupIntents =
    exposureTags !== undefined && exposedVerdicts.length > 0
      ? await readGroupIntents(ec2, exposureTags)
      : { intents: new Map<string, ExposureIntent>() };
  return {
    instances: exposedVerdicts.map(({ instance, verdict }) =>
      exposedInstanceOf(instance, region, verdict, naming, groupIntents.intents),
    ),
    unknownInstances: unknown,
    ...(groupIntents.failure !== undefined && exposureTags !== undefined
      ? {
          groupTagsUnread: `${groupIntents.failure}, so security groups tagged ${exposureTags.intentKey}=${INTENDED} here could not be told apart: what is open through them is listed as a finding`,
        }
      : {}),
  };
}

/** Scans the Regions for instances with the port open to the internet. */
export async function scanRegionsForOpenPort(
  ec2: (region: string) => EC2Client,
  options: OpenPortScanOptions,
): Promise<OpenPortScanResult> {
  const query: ScanQuery = {
    ...(options.port !== undefined ? { port: options.port } : {}),
    protocol: options.protocol,
    ...(options.allProtocols !== undefined ? { allProtocols: options.allProtocols } : {}),
  };
  const outcomes = await mapWithConcurrency(
    options.regions,
    options.concurrency,
    async (region): Promise<RegionOutcome> => {
      try {
        return { kind: 'scanned', ...(await scanRegion(ec2(region), region, query, options.exposureTags)) };
      } catch (error) {
        // Adapters throw every AWS failure as an UpstreamError; anything else is a bug and must surface.
        if (!(error instanceof UpstreamError)) throw error;
        return { kind: 'unknown', reason: regionFailureReason(error) };
      }
    },
    options.shouldStop,
  );
  const result: OpenPortScanResult = {
    scannedRegions: [],
    instances: [],
    unknownInstances: [],
    unknownRegions: [],
    notAttempted: [],
    groupTagsUnread: [],
  };
  outcomes.forEach((outcome, index) => {
    const region = options.regions[index] as string;
    if (outcome === undefined) result.notAttempted.push(region);
    else if (outcome.kind === 'unknown') result.unknownRegions.push({ region, reason: outcome.reason });
    else {
      result.scannedRegions.push(region);
      result.instances.push(...outcome.instances);
      result.unknownInstances.push(...outcome.unknownInstances);
      if (outcome.groupTagsUnread !== undefined)
        result.groupTagsUnread.push({ region, reason: outcome.groupTagsUnread });
    }
  });
  return result;
}
