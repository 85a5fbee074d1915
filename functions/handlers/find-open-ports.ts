/** `findEc2InstancesWithOpenPort`: scan the Regions, judge each instance, and shape the answer. */
import type { findEc2InstancesWithOpenPort } from '../../openapi/operations';
import { listEnabledRegions } from '../aws/ec2-instances';
import { type ExposedInstance, scanRegionsForOpenPort } from '../aws/ec2-port-scan';
import { ValidationError } from '../shared/errors';
import type { OperationHandler } from '../shared/http-router';
import type { Ec2OperationDeps } from './ec2-deps';

const DEFAULT_LIMIT = 100;
const NAMED_IN_SUMMARY = 10;

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

function describeInstance(instance: ExposedInstance): string {
  const details = [instance.instanceId, instance.region];
  if (instance.state === 'stopped' || instance.state === 'stopping') {
    details.push(`${instance.state}: exposed once started`);
  } else if (instance.publicIp) details.push(`public IP ${instance.publicIp}`);
  else if (instance.ipv6Addresses.length > 0) details.push('IPv6 only');
  else details.push('no public address');
  return instance.name
    ? `${instance.name} (${details.join(', ')})`
    : `${details[0]} (${details.slice(1).join(', ')})`;
}

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
    const where =
      query.region !== undefined
        ? `in ${query.region}`
        : `in ${regions.length === 1 ? 'the only enabled Region' : `all ${regions.length} enabled Regions`}`;
    const sentences: string[] = [`Checked ${protocol} port ${port} ${where}.`];
    if (!complete) {
      sentences[0] =
        `Checked ${protocol} port ${port} in ${plural(scan.scannedRegions.length + scan.unknownRegions.length, 'Region')} before the time limit; ` +
        `${scan.notAttempted.join(', ')} ${scan.notAttempted.length === 1 ? 'was' : 'were'} not checked, so this answer is incomplete: ask again with region set to one of them.`;
    }
    if (scan.instances.length === 0) {
      sentences.push(
        scan.unknownRegions.length === 0 && complete
          ? 'No instance has it open to the internet.'
          : 'No instance was found with it open to the internet.',
      );
    } else {
      const stopped = scan.instances.filter((i) => i.state === 'stopped' || i.state === 'stopping').length;
      const named = scan.instances.slice(0, NAMED_IN_SUMMARY).map(describeInstance);
      const more =
        scan.instances.length > NAMED_IN_SUMMARY
          ? ` and ${scan.instances.length - NAMED_IN_SUMMARY} more`
          : '';
      sentences.push(
        `${plural(scan.instances.length, 'instance has', 'instances have')} it open to the internet${
          stopped > 0 ? ` (${stopped} of them stopped, exposed once started)` : ''
        }: ${named.join(', ')}${more}.`,
      );
    }
    if (scan.unknownRegions.length > 0) {
      sentences.push(
        `${plural(scan.unknownRegions.length, 'Region')} could not be checked (${scan.unknownRegions
          .map((u) => u.region)
          .join(', ')}; see unknownRegions for the failed AWS call) and must not be assumed safe.`,
      );
    }
    if (truncated) sentences.push(`The list is cut at ${limit} instances; instanceCount covers them all.`);

    return {
      summary: sentences.join(' '),
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
