/** The `summary` of `findEc2InstancesWithOpenPort`: one paragraph from the scan across Regions. */
import { SEVERITIES, type Severity, type SeverityCounts } from '../exposure-risk';
import { quoteUntrusted } from '../untrusted-text';
import { plural } from './plural';

/** Instances named in the summary; the rest are counted. */
const NAMED_IN_SUMMARY = 10;

/** Open ranges named per instance in an all-ports answer; the rest are counted. */
const PORTS_IN_SUMMARY = 3;

/** An exposed instance, as much as the sentence names. */
export interface ExposedInstanceSummary {
  instanceId: string;
  name?: string | null | undefined;
  region: string;
  state: string;
  publicIp?: string | null | undefined;
  ipv6Addresses: readonly string[];
  severity?: Severity;
  /** Open ranges, worst first: named when there is more than the one port asked. */
  openPorts?: ReadonlyArray<{ protocol: string; fromPort: number; toPort: number; service: string | null }>;
}

/** What the sentences need from a port scan. */
export interface PortScanSummaryInput {
  /** Undefined: every port was checked. */
  port: number | undefined;
  protocol: string;
  /** The Region the caller asked for; undefined when every enabled Region was scanned. */
  regionAsked: string | undefined;
  /** Regions that were to be scanned. */
  regionCount: number;
  /** Regions scanned, completely or not. */
  attemptedCount: number;
  /** Regions not reached before the time limit. */
  notAttempted: readonly string[];
  /** In risk order (worst first): the summary names the first ones. */
  instances: readonly ExposedInstanceSummary[];
  bySeverity?: SeverityCounts;
  /** Exposed instances tagged as intended (or open through tagged groups), listed apart in `intendedInstances`. */
  intendedCount?: number;
  /** Of those, instances also in `instances`: part of what is open on them is a finding, part on purpose. */
  intendedAlsoFindings?: number;
  /** Regions where security-group tags could not be read. */
  groupTagsUnread?: ReadonlyArray<{ region: string }>;
  /** The intent tag key, named in the sentence. */
  intendedTag?: string;
  unknownRegions: ReadonlyArray<{ region: string }>;
  /** Instances whose verdict depends on a prefix list that could not be read. */
  unknownInstances: ReadonlyArray<{ instanceId: string }>;
  truncated: boolean;
  limit: number;
}

function isStopped(instance: ExposedInstanceSummary): boolean {
  return instance.state === 'stopped' || instance.state === 'stopping';
}

function describeInstance(instance: ExposedInstanceSummary): string {
  const details = [instance.instanceId, ...(instance.severity ? [instance.severity] : []), instance.region];
  const open = instance.openPorts ?? [];
  if (open.length > 1 || open.some((p) => p.fromPort !== p.toPort)) {
    const ports = open
      .slice(0, PORTS_IN_SUMMARY)
      .map(
        (p) =>
          `${p.protocol} ${p.fromPort === p.toPort ? p.fromPort : `${p.fromPort}-${p.toPort}`}${p.service ? ` ${p.service}` : ''}`,
      );
    if (open.length > PORTS_IN_SUMMARY) ports.push(`${open.length - PORTS_IN_SUMMARY} more`);
    details.push(`open: ${ports.join(', ')}`);
  }
  if (isStopped(instance)) details.push(`${instance.state}: exposed once started`);
  else if (instance.publicIp) details.push(`public IP ${instance.publicIp}`);
  else if (instance.ipv6Addresses.length > 0) details.push('IPv6 only');
  else details.push('no public address');
  // A Name tag is written by whoever can tag the instance: quoted and cleaned, it reads as data.
  return instance.name
    ? `${quoteUntrusted(instance.name)} (${details.join(', ')})`
    : `${details[0]} (${details.slice(1).join(', ')})`;
}

/** The answer's summary: where it looked, which instances have the port open, what could not be read. */
export function summarisePortScan(scan: PortScanSummaryInput): string {
  const { port, protocol } = scan;
  const what = port === undefined ? `every ${protocol} port` : `${protocol} port ${port}`;
  const it = port === undefined ? 'any of them' : 'it';
  const complete = scan.notAttempted.length === 0;
  const sentences: string[] = [];
  if (complete) {
    const where =
      scan.regionAsked !== undefined
        ? `in ${scan.regionAsked}`
        : `in ${scan.regionCount === 1 ? 'the only enabled Region' : `all ${scan.regionCount} enabled Regions`}`;
    sentences.push(`Checked ${what} ${where}.`);
  } else {
    sentences.push(
      `Checked ${what} in ${plural(scan.attemptedCount, 'Region')} before the time limit; ` +
        `${scan.notAttempted.join(', ')} ${scan.notAttempted.length === 1 ? 'was' : 'were'} not checked, so this answer is incomplete: ask again with region set to one of them.`,
    );
  }
  const count = scan.instances.length;
  if (count === 0) {
    sentences.push(
      scan.unknownRegions.length === 0 && scan.unknownInstances.length === 0 && complete
        ? `No instance has ${it} open to the internet.`
        : `No instance was found with ${it} open to the internet.`,
    );
  } else {
    const stopped = scan.instances.filter(isStopped).length;
    const named = scan.instances.slice(0, NAMED_IN_SUMMARY).map(describeInstance);
    const more = count > NAMED_IN_SUMMARY ? ` and ${count - NAMED_IN_SUMMARY} more` : '';
    const counts = scan.bySeverity;
    const severities =
      counts === undefined
        ? ''
        : `; ${SEVERITIES.filter((s) => counts[s] > 0)
            .map((s) => `${counts[s]} ${s}`)
            .join(', ')}, worst first`;
    sentences.push(
      `${plural(count, 'instance has', 'instances have')} ${port === undefined ? 'ports' : 'it'} open to the internet${
        stopped > 0 ? ` (${stopped} of them stopped, exposed once started)` : ''
      }${severities}: ${named.join(', ')}${more}.`,
    );
  }
  const alsoFindings = scan.intendedAlsoFindings ?? 0;
  const onlyIntended = (scan.intendedCount ?? 0) - alsoFindings;
  const tag = scan.intendedTag ?? 'as intended';
  if (onlyIntended > 0) {
    sentences.push(
      `${plural(onlyIntended, 'more instance is', 'more instances are')} exposed on purpose (tagged ${tag}, on the instance or its security groups) and listed apart in intendedInstances.`,
    );
  }
  if (alsoFindings > 0) {
    sentences.push(
      `${plural(alsoFindings, 'of the instances above also has', 'of the instances above also have')} ports open on purpose through security groups tagged ${tag}, listed apart in intendedInstances.`,
    );
  }
  const unread = scan.groupTagsUnread ?? [];
  if (unread.length > 0) {
    sentences.push(
      `Security-group tags could not be read in ${unread.map((u) => u.region).join(', ')} (see groupTagsUnread): anything open there through groups tagged ${tag} is listed as a finding.`,
    );
  }
  if (scan.unknownInstances.length > 0) {
    sentences.push(
      `${plural(scan.unknownInstances.length, 'instance admits', 'instances admit')} ${port === undefined ? 'ports' : 'the port'} from a prefix list that could not be read (${scan.unknownInstances
        .slice(0, NAMED_IN_SUMMARY)
        .map((u) => u.instanceId)
        .join(
          ', ',
        )}${scan.unknownInstances.length > NAMED_IN_SUMMARY ? ` and ${scan.unknownInstances.length - NAMED_IN_SUMMARY} more` : ''}; see unknownInstances) and must not be assumed safe.`,
    );
  }
  if (scan.unknownRegions.length > 0) {
    sentences.push(
      `${plural(scan.unknownRegions.length, 'Region')} could not be checked (${scan.unknownRegions
        .map((u) => u.region)
        .join(', ')}; see unknownRegions for the failed AWS call) and must not be assumed safe.`,
    );
  }
  if (scan.truncated)
    sentences.push(`The list is cut at ${scan.limit} instances; instanceCount covers them all.`);
  return sentences.join(' ');
}
