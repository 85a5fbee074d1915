/**
 * Finds the instances with a port open to the internet: per Region, the
 * instances, the ingress rules of the groups they use and the prefix lists
 * those rules need (a fixed number of paged calls, whatever the instance
 * count), then the domain's verdict per instance. Regions run concurrently
 * with bounded concurrency and stop starting when the time budget runs out.
 */
import type { EC2Client } from '@aws-sdk/client-ec2';
import { exposuresOfRanges, memoisedOpenPortRanges, type OpenPortRange } from '../domain/open-port-ranges';
import {
  findPortExposures,
  type IngressRule,
  normaliseIpProtocol,
  type PortExposure,
  type PortProtocol,
  ruleAdmitsPort,
} from '../domain/port-exposure';
import { UpstreamError } from '../shared/errors';
import { mapWithConcurrency } from './concurrency';
import {
  describeIngressRules,
  describeInstances,
  type Ec2InstanceFacts,
  readPrefixListEntries,
} from './ec2-instances';

/** The rules and prefix lists needed to judge a port on the interfaces that use some groups. */
export interface GroupRuleFacts {
  rulesByGroup: Map<string, IngressRule[]>;
  prefixListCidrs: Map<string, string[]>;
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
  const prefixListCidrs = await readPrefixListEntries(ec2, [...prefixListIds]);
  return { rulesByGroup, prefixListCidrs };
}

/** Every group id used by any interface of the instances. */
export function groupIdsOf(instances: readonly Ec2InstanceFacts[]): string[] {
  return [...new Set(instances.flatMap((i) => i.interfaces.flatMap((eni) => eni.groupIds)))].sort();
}

/** The exposures of one instance on the facts read. */
export function exposuresOf(
  instance: Ec2InstanceFacts,
  facts: GroupRuleFacts,
  query: PortQuery,
): PortExposure[] {
  return findPortExposures({
    interfaces: instance.interfaces,
    rulesByGroup: facts.rulesByGroup,
    prefixListCidrs: facts.prefixListCidrs,
    port: query.port,
    protocol: query.protocol,
  });
}

/** The exposures of one instance, and (with no port asked) every internet-open range. */
/** Judges each instance of one Region: its exposures, and (with no port asked) every internet-open range. */
function instanceJudge(
  facts: GroupRuleFacts,
  query: ScanQuery,
): (instance: Ec2InstanceFacts) => { exposures: PortExposure[]; openPorts?: OpenPortRange[] } {
  const { port } = query;
  if (port !== undefined)
    return (instance) => ({ exposures: exposuresOf(instance, facts, { ...query, port }) });
  const rangesOf = memoisedOpenPortRanges(
    { rulesByGroup: facts.rulesByGroup, prefixListCidrs: facts.prefixListCidrs },
    protocolsOf(query),
  );
  return (instance) => {
    const openPorts = rangesOf(instance.interfaces);
    return { exposures: exposuresOfRanges(openPorts), openPorts };
  };
}

export interface ExposedInstance extends Ec2InstanceFacts {
  region: string;
  exposures: PortExposure[];
  /** Set when no port was asked: every internet-open (protocol, port range), services named. */
  openPorts?: OpenPortRange[];
}

export interface UnknownRegion {
  region: string;
  reason: string;
}

export interface OpenPortScanResult {
  /** Regions read completely, in the order asked. */
  scannedRegions: string[];
  /** Exposed instances, by Region (in the order asked) then instance id. */
  instances: ExposedInstance[];
  /** Regions where a read failed: never assume them safe. */
  unknownRegions: UnknownRegion[];
  /** Regions never tried because the time budget ran out. */
  notAttempted: string[];
}

export interface OpenPortScanOptions extends ScanQuery {
  regions: readonly string[];
  concurrency: number;
  /** True when the scan must stop starting new Regions (time budget). */
  shouldStop: () => boolean;
}

type RegionOutcome = { kind: 'scanned'; instances: ExposedInstance[] } | { kind: 'unknown'; reason: string };

/** Why a Region could not be read, in a sentence naming the AWS call and error code. */
export function regionFailureReason(error: UpstreamError): string {
  const call = error.awsCall.replace(/^ec2:/, '');
  return `${call} failed with ${error.awsErrorCode}, so instances in this Region could not be checked`;
}

async function scanRegion(ec2: EC2Client, region: string, query: ScanQuery): Promise<ExposedInstance[]> {
  const instances = await describeInstances(ec2);
  if (instances.length === 0) return [];
  const facts = await readGroupRuleFacts(ec2, groupIdsOf(instances), query);
  const judge = instanceJudge(facts, query);
  return instances
    .map((instance) => ({ ...instance, region, ...judge(instance) }))
    .filter((instance) => instance.exposures.length > 0)
    .sort((a, b) => (a.instanceId < b.instanceId ? -1 : 1));
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
        return { kind: 'scanned', instances: await scanRegion(ec2(region), region, query) };
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
    unknownRegions: [],
    notAttempted: [],
  };
  outcomes.forEach((outcome, index) => {
    const region = options.regions[index] as string;
    if (outcome === undefined) result.notAttempted.push(region);
    else if (outcome.kind === 'unknown') result.unknownRegions.push({ region, reason: outcome.reason });
    else {
      result.scannedRegions.push(region);
      result.instances.push(...outcome.instances);
    }
  });
  return result;
}
