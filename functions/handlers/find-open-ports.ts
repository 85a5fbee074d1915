/** `findEc2InstancesWithOpenPort`: scan the Regions, judge each instance, and shape the answer. */
import type { findEc2InstancesWithOpenPort } from '../../openapi/operations';
import { listEnabledRegions } from '../aws/ec2-instances';
import { scanRegionsForOpenPort } from '../aws/ec2-port-scan';
import { summarisePortScan } from '../domain/summaries/port-scan-summary';
import { ValidationError } from '../shared/errors';
import type { OperationHandler } from '../shared/http-router';
import type { Ec2OperationDeps } from './ec2-deps';

const DEFAULT_LIMIT = 100;
/** The Regions to scan: the one asked for (if enabled), else every enabled Region. */
export async function regionsToScan(deps: Ec2OperationDeps, region: string | undefined): Promise<string[]> {
  const enabled = await listEnabledRegions(deps.ec2(deps.homeRegion));
  if (region === undefined) return enabled;
  if (!enabled.includes(region)) {
    throw new ValidationError(
      `Region ${region} is not enabled for this account; use one of ${enabled.join(', ')}, or leave region out to scan them all.`,
    );
  }
  return [region];
}

export function createFindOpenPortsHandler(
  deps: Ec2OperationDeps,
): OperationHandler<typeof findEc2InstancesWithOpenPort> {
  return async ({ query }, context) => {
    const port = query.port;
    const protocol = query.protocol ?? 'tcp';
    const limit = query.limit ?? DEFAULT_LIMIT;
    const regions = await regionsToScan(deps, query.region);
    const scan = await scanRegionsForOpenPort(deps.ec2, {
      regions,
      port,
      protocol,
      concurrency: deps.concurrency,
      shouldStop: () => context.remainingMs() < deps.timeReserveMs,
    });

    const complete = scan.notAttempted.length === 0;
    const truncated = scan.instances.length > limit;
    const summary = summarisePortScan({
      port,
      protocol,
      regionAsked: query.region,
      regionCount: regions.length,
      attemptedCount: scan.scannedRegions.length + scan.unknownRegions.length,
      notAttempted: scan.notAttempted,
      instances: scan.instances,
      unknownRegions: scan.unknownRegions,
      truncated,
      limit,
    });

    return {
      summary,
      port,
      protocol,
      complete,
      scannedRegions: scan.scannedRegions,
      instanceCount: scan.instances.length,
      truncated,
      instances: scan.instances.slice(0, limit).map((instance) => ({
        instanceId: instance.instanceId,
        name: instance.name,
        region: instance.region,
        state: instance.state,
        publicIp: instance.publicIp,
        ipv6Addresses: instance.ipv6Addresses,
        exposures: instance.exposures,
      })),
      unknownRegions: scan.unknownRegions,
    };
  };
}
