/** `findEc2InstancesWithOpenPort`: scan the Regions, judge each instance, and shape the answer. */
import type { findEc2InstancesWithOpenPort } from '../../openapi/operations';
import {
  type ExposedInstance,
  exposureTemplateOf,
  fromTemplate,
  type NamedExposure,
  scanRegionsForOpenPort,
} from '../aws/ec2-port-scan';
import { regionsToScan } from '../aws/instance-location';
import type { JsonValue } from '../domain/change-record';
import {
  DEFAULT_EXPOSURE_TAGS,
  type ExposureIntentTags,
  exposureIntentOf,
  type IntendedGroup,
} from '../domain/exposure-intent';
import { rankExposedInstances } from '../domain/risk-report';
import { summarisePortScan } from '../domain/summaries/port-scan-summary';
import { cleanUntrustedText } from '../domain/untrusted-text';
import type { OperationHandler } from '../shared/http-router';
import type { InvocationContext } from '../shared/invocation';
import type { Ec2OperationDeps } from './ec2-deps';
import { pagedFind, type RowPacker } from './paged-scan';

export function createFindOpenPortsHandler(
  deps: Ec2OperationDeps,
): OperationHandler<typeof findEc2InstancesWithOpenPort> {
  return async ({ query }, context) =>
    pagedFind(
      deps.snapshots,
      context,
      {
        operation: 'findEc2InstancesWithOpenPort',
        service: 'ec2',
        packers: { instances: instanceRowPacker },
      },
      query,
      (parameters) => scanWhole(deps, parameters, context),
    );
}

/** The whole answer, every list complete and in risk order: pagedScan keeps it and cuts the pages. */
async function scanWhole(
  deps: Ec2OperationDeps,
  query: { port?: number | undefined; protocol?: 'tcp' | 'udp' | undefined; region?: string | undefined },
  context: InvocationContext,
) {
  const port = query.port;
  const protocol = query.protocol ?? 'tcp';
  // With no port and no protocol, every open port of both: "what is open on my instances?"
  const allProtocols = port === undefined && query.protocol === undefined;
  const regions = await regionsToScan(deps.ec2(deps.homeRegion), query.region);
  const tagNames = deps.exposureTags ?? DEFAULT_EXPOSURE_TAGS;
  const scan = await scanRegionsForOpenPort(deps.ec2, {
    regions,
    ...(port !== undefined ? { port } : {}),
    protocol,
    allProtocols,
    concurrency: deps.concurrency,
    shouldStop: () => context.remainingMs() < deps.timeReserveMs,
    exposureTags: tagNames,
  });

  // What is exposed on purpose (the instance or the security groups opening it are tagged) is reported apart,
  // never mixed with the findings; an instance can be in both lists, for different ports.
  const { findings, intended: onPurpose } = splitIntendedInstances(scan.instances, tagNames);
  const asked = { ...(port !== undefined ? { port } : {}), protocol };
  const ranked = rankExposedInstances(findings, asked);
  const intended = rankExposedInstances(onPurpose, asked).instances;
  const findingIds = new Set(findings.map((i) => i.instanceId));
  const complete = scan.notAttempted.length === 0;
  const summary = summarisePortScan({
    port,
    protocol: allProtocols ? 'tcp and udp' : protocol,
    regionAsked: query.region,
    regionCount: regions.length,
    attemptedCount: scan.scannedRegions.length + scan.unknownRegions.length,
    notAttempted: scan.notAttempted,
    // Only what the sentences read: no copy of each instance's facts.
    instances: ranked.instances.map(({ instance, severity, openPorts }) => ({
      instanceId: instance.instanceId,
      name: instance.name,
      region: instance.region,
      state: instance.state,
      publicIp: instance.publicIp,
      ipv6Addresses: instance.ipv6Addresses,
      severity,
      openPorts,
    })),
    bySeverity: ranked.counts.bySeverity,
    intendedCount: intended.length,
    intendedAlsoFindings: intended.filter(({ instance }) => findingIds.has(instance.instanceId)).length,
    intendedTag: tagNames.intentKey,
    groupTagsUnread: scan.groupTagsUnread,
    unknownRegions: scan.unknownRegions,
    unknownInstances: scan.unknownInstances,
    // The page's own sentence says where the lists go on.
    truncated: false,
    limit: 0,
  });

  return {
    fields: {
      summary,
      port: port ?? null,
      protocol: allProtocols ? 'tcp and udp' : protocol,
      complete,
      scannedRegions: scan.scannedRegions,
      instanceCount: findings.length,
      counts: ranked.counts,
      intendedCount: intended.length,
      unknownRegions: scan.unknownRegions,
      groupTagsUnread: scan.groupTagsUnread,
    },
    lists: {
      instances: ranked.instances.map(
        ({ instance, severity, openPorts }): InstanceRow => ({
          severity,
          instanceId: instance.instanceId,
          name: instance.name ? cleanUntrustedText(instance.name) : null,
          region: instance.region,
          state: instance.state,
          publicIp: instance.publicIp,
          ipv6Addresses: instance.ipv6Addresses,
          exposures: instance.exposures,
          openPorts,
        }),
      ),
      intendedInstances: intended.map(({ instance, severity, openPorts }) => ({
        instanceId: instance.instanceId,
        name: instance.name ? cleanUntrustedText(instance.name) : null,
        region: instance.region,
        state: instance.state,
        severity,
        intendedBy: instance.intendedBy,
        reason: instance.reason,
        securityGroups: instance.groups,
        openPorts,
      })),
      unknownInstances: scan.unknownInstances.map((instance) => ({
        instanceId: instance.instanceId,
        name: instance.name ? cleanUntrustedText(instance.name) : null,
        region: instance.region,
        state: instance.state,
        reason: instance.reason,
        rules: instance.rules,
      })),
    },
    reusable: complete,
  };
}

/** A listed instance, as the answer's `instances` holds it (the operation's response schema). */
type InstanceRow = Awaited<
  ReturnType<OperationHandler<typeof findEc2InstancesWithOpenPort>>
>['instances'][number];

/** A listed instance as stored: its own fields, then its exposures and its ranked ranges. */
type StoredInstanceRow = [
  InstanceRow['severity'],
  string,
  string | null,
  string,
  string,
  string | null,
  string[],
  // The exposures as listed (objects), or their template's number and the interface ids.
  NamedExposure[] | [number, string[]],
  number,
];

/**
 * Listed instances stored packed: instances on the same security groups (a fleet shares a few) share their
 * exposures but for the interface ids, and their ranked ranges; each is stored once per chunk, so a
 * 10,000-instance answer stores a few hundred bytes per instance rather than a kilobyte.
 */
export const instanceRowPacker: RowPacker<InstanceRow> = {
  pack(row, share) {
    const template = exposureTemplateOf(row.exposures);
    const stored: StoredInstanceRow = [
      row.severity,
      row.instanceId,
      row.name,
      row.region,
      row.state,
      row.publicIp,
      row.ipv6Addresses,
      template === undefined ? row.exposures : [share(template.template), template.interfaceIds],
      share(row.openPorts),
    ];
    return stored as unknown as JsonValue;
  },
  unpack(stored, shared) {
    const [severity, instanceId, name, region, state, publicIp, ipv6Addresses, exposures, openPorts] =
      stored as unknown as StoredInstanceRow;
    return {
      severity,
      instanceId,
      name,
      region,
      state,
      publicIp,
      ipv6Addresses,
      exposures:
        typeof exposures[0] === 'number'
          ? fromTemplate(shared(exposures[0]) as unknown as NamedExposure[], exposures[1] as string[])
          : (exposures as NamedExposure[]),
      openPorts: shared(openPorts) as unknown as InstanceRow['openPorts'],
    };
  },
};

/** An instance's part that is exposed on purpose, and why. */
type IntendedPart = ExposedInstance & {
  intendedBy: 'instance' | 'securityGroup';
  reason: string | null;
  groups: IntendedGroup[];
};

/**
 * Findings and what is exposed on purpose. An instance tagged as intended is wholly on purpose; otherwise
 * what only tagged security groups open is on purpose and the rest stays a finding.
 */
function splitIntendedInstances(
  instances: readonly ExposedInstance[],
  tagNames: ExposureIntentTags,
): { findings: ExposedInstance[]; intended: IntendedPart[] } {
  const findings: ExposedInstance[] = [];
  const intended: IntendedPart[] = [];
  for (const instance of instances) {
    const own = exposureIntentOf(instance.tags, tagNames);
    // Neither the instance nor its groups are tagged (the usual case): a finding as it is.
    if (own === undefined && instance.openOnPurpose === undefined) {
      findings.push(instance);
      continue;
    }
    const { openOnPurpose, ...rest } = instance;
    if (own !== undefined) {
      intended.push({
        ...rest,
        exposures: [...rest.exposures, ...(openOnPurpose?.exposures ?? [])],
        ...(rest.openPorts !== undefined
          ? { openPorts: [...rest.openPorts, ...(openOnPurpose?.openPorts ?? [])] }
          : {}),
        intendedBy: 'instance',
        reason: own.reason,
        groups: openOnPurpose?.groups ?? [],
      });
      continue;
    }
    if (rest.exposures.length > 0) findings.push(rest);
    if (openOnPurpose !== undefined) {
      const reasons = openOnPurpose.groups.flatMap((g) => (g.reason === null ? [] : [g.reason]));
      intended.push({
        ...rest,
        exposures: openOnPurpose.exposures,
        ...(openOnPurpose.openPorts !== undefined ? { openPorts: openOnPurpose.openPorts } : {}),
        intendedBy: 'securityGroup',
        reason: reasons.length === 0 ? null : reasons.join('; '),
        groups: openOnPurpose.groups,
      });
    }
  }
  return { findings, intended };
}
