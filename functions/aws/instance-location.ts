/**
 * Where to look: the Regions a scan covers, and the Region an instance is in.
 * Both start from the account's enabled Regions (read in the home Region).
 */
import type { EC2Client } from '@aws-sdk/client-ec2';
import { closestNames } from '../domain/closest-names';
import { orList } from '../domain/summaries/plural';
import { cleanUntrustedText, quoteUntrusted } from '../domain/untrusted-text';
import { NotFoundError, UpstreamError, ValidationError } from '../shared/errors';
import { mapWithConcurrency } from './concurrency';
import { describeInstances, type Ec2InstanceFacts, listEnabledRegions } from './ec2-instances';

/**
 * The Regions to scan: the one asked for (if enabled), else every enabled Region.
 *
 * @throws ValidationError when the Region asked for is not enabled
 */
export async function regionsToScan(home: EC2Client, region: string | undefined): Promise<string[]> {
  const enabled = await listEnabledRegions(home);
  if (region === undefined) return enabled;
  if (!enabled.includes(region)) {
    throw new ValidationError(
      `Region ${region} is not enabled for this account; use one of ${enabled.join(', ')}, or leave region out to scan them all.`,
    );
  }
  return [region];
}

/** An instance and the Region it was found in. */
export interface LocatedInstance {
  region: string;
  instance: Ec2InstanceFacts;
}

type Lookup =
  | { region: string; instance: Ec2InstanceFacts | undefined }
  | { region: string; error: UpstreamError };

/**
 * Finds an instance in the Region given, or in every enabled Region at once.
 *
 * @throws NotFoundError when no Region searched has it (or the Region given is not enabled)
 * @throws UpstreamError when it was not found and some Region could not be searched
 */
export async function locateInstance(
  ec2: (region: string) => EC2Client,
  homeRegion: string,
  search: { instanceId: string; region: string | undefined; concurrency: number },
): Promise<LocatedInstance> {
  const { instanceId, region } = search;
  const enabled = await listEnabledRegions(ec2(homeRegion));
  if (region !== undefined && !enabled.includes(region)) {
    throw new NotFoundError(
      `Instance ${instanceId} cannot be in ${region}: that Region is not enabled for this account. Leave region out to search every enabled Region.`,
    );
  }
  const regions = region === undefined ? enabled : [region];
  const lookups = await mapWithConcurrency(
    regions,
    Math.max(search.concurrency, 1),
    async (candidate): Promise<Lookup> => {
      try {
        const [instance] = await describeInstances(ec2(candidate), { instanceId });
        return { region: candidate, instance };
      } catch (error) {
        if (error instanceof UpstreamError) return { region: candidate, error };
        throw error;
      }
    },
  );
  const failed: { region: string; error: UpstreamError }[] = [];
  for (const lookup of lookups) {
    if (lookup === undefined) continue;
    if ('error' in lookup) failed.push(lookup);
    else if (lookup.instance) return { region: lookup.region, instance: lookup.instance };
  }
  const [firstFailure] = failed;
  if (firstFailure) {
    const { awsCall, awsErrorCode } = firstFailure.error;
    const searched = regions.filter((r) => !failed.some((f) => f.region === r));
    const unsearched = failed
      .map((f) => `${f.region} (${f.error.awsCall} failed with ${f.error.awsErrorCode})`)
      .join(', ');
    throw new UpstreamError(
      awsCall,
      awsErrorCode,
      `Instance ${instanceId} was not found${searched.length > 0 ? ` in ${searched.join(', ')}` : ''}, and ${unsearched} could not be searched. Give the instance's region, or grant the API's role the call.`,
      { awsCall, awsErrorCode },
    );
  }
  const hints = await instanceHints(ec2, instanceId, regions, enabled, search.concurrency);
  const elsewhere =
    hints.foundIn !== undefined
      ? ` It is in ${hints.foundIn}: set region to ${hints.foundIn}, or leave it out.`
      : '';
  const didYouMean =
    hints.didYouMean.length > 0 ? ` Did you mean ${orList(hints.didYouMean.map(describeSuggestion))}?` : '';
  throw new NotFoundError(
    region !== undefined
      ? `Instance ${instanceId} is not in ${region} (terminated instances do not count).${elsewhere}${didYouMean} Check the id and the Region, or leave region out to search every enabled Region.`
      : `Instance ${instanceId} is not in any enabled Region of this account (${regions.join(', ')}; terminated instances do not count).${didYouMean} Check the id, e.g. with GET /ec2/instances-with-open-port?port=22.`,
    {
      ...(hints.foundIn !== undefined ? { foundInRegion: hints.foundIn } : {}),
      didYouMean: hints.didYouMean,
    },
  );
}

/** An instance a person may have meant: its id, its Name tag (cleaned) and Region. */
export interface InstanceSuggestion {
  instanceId: string;
  name: string | null;
  region: string;
}

function describeSuggestion(suggestion: InstanceSuggestion): string {
  // A Name tag is written by whoever can tag the instance: quoted, it reads as data.
  const name = suggestion.name ? `${quoteUntrusted(suggestion.name)}, ` : '';
  return `${suggestion.instanceId} (${name}${suggestion.region})`;
}

/**
 * Only on the not-found path: the Region the exact id is in when the caller named another one, and the
 * instances of the searched Regions whose ids are a few typing mistakes away. Reads that fail suggest nothing.
 */
async function instanceHints(
  ec2: (region: string) => EC2Client,
  instanceId: string,
  searched: readonly string[],
  enabled: readonly string[],
  concurrency: number,
): Promise<{ foundIn?: string; didYouMean: InstanceSuggestion[] }> {
  const others = enabled.filter((candidate) => !searched.includes(candidate));
  const exact = await mapWithConcurrency(others, Math.max(concurrency, 1), async (candidate) => {
    const [instance] = await describeInstances(ec2(candidate), { instanceId }).catch(() => []);
    return instance ? candidate : undefined;
  });
  const foundIn = exact.find((candidate) => candidate !== undefined);
  if (foundIn !== undefined) return { foundIn, didYouMean: [] };
  const perRegion = await mapWithConcurrency(searched, Math.max(concurrency, 1), async (candidate) =>
    (await describeInstances(ec2(candidate)).catch(() => [])).map((instance) => ({
      instanceId: instance.instanceId,
      name: instance.name ? cleanUntrustedText(instance.name) : null,
      region: candidate,
    })),
  );
  const instances = perRegion.flatMap((found) => found ?? []);
  const closest = closestNames(
    instanceId,
    instances.map((instance) => instance.instanceId),
  );
  return {
    didYouMean: closest.flatMap((id) =>
      instances.filter((instance) => instance.instanceId === id).slice(0, 1),
    ),
  };
}
