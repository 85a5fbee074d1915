/** `findEc2InstancesWithOpenPort`: scan the Regions, judge each instance, and shape the answer. */
import type { findEc2InstancesWithOpenPort } from '../../openapi/operations';
import { scanRegionsForOpenPort } from '../aws/ec2-port-scan';
import { regionsToScan } from '../aws/instance-location';
import { summarisePortScan } from '../domain/summaries/port-scan-summary';
import { cleanUntrustedText } from '../domain/untrusted-text';
import type { OperationHandler } from '../shared/http-router';
import type { Ec2OperationDeps } from './ec2-deps';

const DEFAULT_LIMIT = 100;

export function createFindOpenPortsHandler(
  deps: Ec2OperationDeps,
): OperationHandler<typeof findEc2InstancesWithOpenPort> {
  return async ({ query }, context) => {
    const port = query.port;
    const protocol = query.protocol ?? 'tcp';
    const limit = query.limit ?? DEFAULT_LIMIT;
    const regions = await regionsToScan(deps.ec2(deps.homeRegion), query.region);
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
      unknownInstances: scan.unknownInstances,
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
        name: instance.name ? cleanUntrustedText(instance.name) : null,
        region: instance.region,
        state: instance.state,
        publicIp: instance.publicIp,
        ipv6Addresses: instance.ipv6Addresses,
        exposures: instance.exposures,
      })),
      unknownInstances: scan.unknownInstances.map((instance) => ({
        instanceId: instance.instanceId,
        name: instance.name,
        region: instance.region,
        state: instance.state,
        reason: instance.reason,
        rules: instance.rules,
      })),
      unknownRegions: scan.unknownRegions,
    };
  };
}
