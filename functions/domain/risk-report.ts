/**
 * Findings in risk order, with the counts that answer "how bad is it?" in one call. Pure: the handlers
 * hand in what the scans found and list the first `limit` of what comes back; the counts cover all.
 */
import {
  bucketCauses,
  bucketSeverity,
  compareByRisk,
  compareSeverity,
  countBy,
  countBySeverity,
  describeServices,
  instanceSeverity,
  portSeverity,
  type Severity,
  type SeverityCounts,
} from './exposure-risk';
import type { OpenPortSummary } from './open-port-ranges';
import { compareText, type PortExposure, type PortProtocol } from './port-exposure';

/** A public bucket as the scan found it. */
export interface PublicBucketFinding {
  bucketName: string;
  region: string;
  reasons: string[];
  /** null: the website read failed (`websiteNote` says why). */
  website: boolean | null;
  websiteNote?: string;
  policyAllowsWrite: boolean;
}

export interface RankedBucket {
  bucketName: string;
  region: string;
  severity: Severity;
  access: 'read' | 'write';
  reasons: string[];
  website: boolean | null;
  websiteNote?: string;
}

export interface BucketCounts {
  bySeverity: SeverityCounts;
  byRegion: { region: string; count: number }[];
  byCause: { acl: number; policy: number; read: number; write: number; website: number };
}

/** Public buckets worst first (severity, then name), and the counts over all of them. */
export function rankPublicBuckets(found: readonly PublicBucketFinding[]): {
  buckets: RankedBucket[];
  counts: BucketCounts;
} {
  const byCause = { acl: 0, policy: 0, read: 0, write: 0, website: 0 };
  const buckets = found.map((bucket): RankedBucket => {
    const causes = bucketCauses(bucket.reasons, bucket.policyAllowsWrite, bucket.website === true);
    if (causes.acl) byCause.acl++;
    if (causes.policy) byCause.policy++;
    if (causes.write) byCause.write++;
    else byCause.read++;
    if (causes.website) byCause.website++;
    return {
      bucketName: bucket.bucketName,
      region: bucket.region,
      severity: bucketSeverity({ publicWrite: causes.write, website: bucket.website }),
      access: causes.write ? 'write' : 'read',
      reasons: bucket.reasons,
      website: bucket.website,
      ...(bucket.websiteNote === undefined ? {} : { websiteNote: bucket.websiteNote }),
    };
  });
  buckets.sort(compareByRisk((b) => b.bucketName));
  return {
    buckets,
    counts: {
      bySeverity: countBySeverity(buckets),
      byRegion: countBy(buckets, (b) => b.region).map(({ key, count }) => ({ region: key, count })),
      byCause,
    },
  };
}

/** An exposed instance as the scan found it. */
export interface ExposedInstanceFinding {
  instanceId: string;
  name: string | null;
  region: string;
  state: string;
  publicIp: string | null;
  ipv6Addresses: string[];
  exposures: PortExposure[];
  /** Every open range (all-ports scan); absent when one port was asked. */
  openPorts?: OpenPortSummary[];
}

export interface RankedOpenPort {
  protocol: PortProtocol;
  fromPort: number;
  toPort: number;
  service: string | null;
  severity: Severity;
}

export interface RankedInstance<T extends ExposedInstanceFinding> {
  instance: T;
  severity: Severity;
  /** Shared by instances that rank alike: never changed after ranking. */
  openPorts: RankedOpenPort[];
}

export interface InstanceCounts {
  bySeverity: SeverityCounts;
  byRegion: { region: string; count: number }[];
  byPort: {
    protocol: PortProtocol;
    fromPort: number;
    toPort: number;
    service: string | null;
    count: number;
  }[];
}

/**
 * Exposed instances worst first (severity, then name or id), each with its open ranges worst first,
 * and the counts over all of them.
 *
 * @param asked - the port and protocol asked for; undefined port: the instances carry `openPorts`
 */
export function rankExposedInstances<T extends ExposedInstanceFinding>(
  found: readonly T[],
  asked: { port?: number; protocol: PortProtocol },
): { instances: RankedInstance<T>[]; counts: InstanceCounts } {
  // Instances with the same open ranges (a fleet on shared groups shares one array of them), state and
  // address kind rank alike: their ranked ranges are worked out once and shared (nothing changes them).
  const asksOnePort = asked.port !== undefined;
  const oneAsked =
    asked.port === undefined
      ? []
      : [
          {
            protocol: asked.protocol,
            fromPort: asked.port,
            toPort: asked.port,
            service: describeServices(asked.protocol, asked.port, asked.port),
          },
        ];
  const rankedByRanges = new Map<readonly OpenPortSummary[] | undefined, Map<string, RankedOpenPort[]>>();
  const instances = found.map((instance): RankedInstance<T> => {
    const hasPublicAddress = instance.publicIp !== null || instance.ipv6Addresses.length > 0;
    const shared = asksOnePort ? undefined : instance.openPorts;
    let byState = rankedByRanges.get(shared);
    if (byState === undefined) {
      byState = new Map();
      rankedByRanges.set(shared, byState);
    }
    const stateKey = `${instance.state}|${hasPublicAddress}`;
    let openPorts = byState.get(stateKey);
    if (openPorts === undefined) {
      const ranges = asksOnePort ? oneAsked : (instance.openPorts ?? []);
      openPorts = ranges
        .map((range) => ({
          protocol: range.protocol,
          fromPort: range.fromPort,
          toPort: range.toPort,
          service: range.service,
          severity: portSeverity({
            ipProtocol: range.protocol,
            fromPort: range.fromPort,
            toPort: range.toPort,
            state: instance.state,
            hasPublicAddress,
          }),
        }))
        .sort((a, b) => compareSeverity(a.severity, b.severity) || a.fromPort - b.fromPort);
      byState.set(stateKey, openPorts);
    }
    // The instance is as bad as its worst open port (its exposures' rules may be wider than the port asked).
    const severity =
      openPorts[0]?.severity ??
      instanceSeverity({ ...instance, exposures: instance.exposures.map((e) => ({ ...e })) });
    return { instance, severity, openPorts };
  });
  instances.sort(
    (a, b) =>
      compareSeverity(a.severity, b.severity) ||
      compareText(a.instance.name ?? a.instance.instanceId, b.instance.name ?? b.instance.instanceId) ||
      compareText(a.instance.instanceId, b.instance.instanceId),
  );
  // Instances share their ranked ranges: count each list once, then its ports as often as it is used.
  const uses = new Map<RankedOpenPort[], number>();
  for (const { openPorts } of instances) uses.set(openPorts, (uses.get(openPorts) ?? 0) + 1);
  const portKeys = new Map<string, InstanceCounts['byPort'][number]>();
  for (const [openPorts, used] of uses) {
    for (const port of openPorts) {
      const key = `${port.protocol}/${port.fromPort}-${port.toPort}`;
      const entry = portKeys.get(key);
      if (entry !== undefined) entry.count += used;
      else {
        const { protocol, fromPort, toPort, service } = port;
        portKeys.set(key, { protocol, fromPort, toPort, service, count: used });
      }
    }
  }
  const byPort = [...portKeys.values()].sort(
    (a, b) =>
      b.count - a.count ||
      compareText(a.protocol, b.protocol) ||
      a.fromPort - b.fromPort ||
      a.toPort - b.toPort,
  );
  return {
    instances,
    counts: {
      bySeverity: countBySeverity(instances),
      byRegion: countBy(instances, (i) => i.instance.region).map(({ key, count }) => ({
        region: key,
        count,
      })),
      byPort,
    },
  };
}
