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

/** An instance id as AWS writes them: i- and 8 or 17 hex digits. Anything else is read as a Name tag. */
const INSTANCE_ID = /^i-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;

/** True when `reference` is an instance id rather than a Name tag. */
export function looksLikeInstanceId(reference: string): boolean {
  return INSTANCE_ID.test(reference);
}

/** An instance that carries the Name asked for, for the caller to pick from (name cleaned). */
export interface NameCandidate {
  instanceId: string;
  name: string;
  region: string;
  state: string;
}

function describeCandidate(candidate: NameCandidate): string {
  return `${candidate.instanceId} (${quoteUntrusted(candidate.name)}, ${candidate.region}, ${candidate.state})`;
}

/**
 * Finds an instance by id, or by its Name tag when `instance` does not look like an id: exactly one live
 * instance with that Name in the Region given (or in every enabled Region) is the one meant.
 *
 * @throws NotFoundError when no instance has that id or Name (closest Names suggested)
 * @throws ValidationError when several instances have that Name (each listed, to pick one by id)
 * @throws UpstreamError when a Region could not be searched, so a Name cannot be known to be unique
 */
export async function locateInstanceByIdOrName(
  ec2: (region: string) => EC2Client,
  homeRegion: string,
  search: { instance: string; region: string | undefined; concurrency: number },
): Promise<LocatedInstance> {
  const { instance: reference, region, concurrency } = search;
  if (looksLikeInstanceId(reference)) {
    return locateInstance(ec2, homeRegion, { instanceId: reference, region, concurrency });
  }
  const asked = quoteUntrusted(cleanUntrustedText(reference));
  const enabled = await listEnabledRegions(ec2(homeRegion));
  if (region !== undefined && !enabled.includes(region)) {
    throw new NotFoundError(
      `No instance named ${asked} can be in ${region}: that Region is not enabled for this account. Leave region out to search every enabled Region.`,
    );
  }
  const regions = region === undefined ? enabled : [region];
  const lookups = await mapWithConcurrency(regions, Math.max(concurrency, 1), async (candidate) => {
    try {
      const found = await describeInstances(ec2(candidate), { name: reference });
      // The filter already matches exactly; this keeps the rule true against an API that ignores filters.
      return { region: candidate, instances: found.filter((instance) => instance.name === reference) };
    } catch (error) {
      if (error instanceof UpstreamError) return { region: candidate, error };
      throw error;
    }
  });
  const matches: LocatedInstance[] = [];
  const failed: { region: string; error: UpstreamError }[] = [];
  for (const lookup of lookups) {
    if (lookup === undefined) continue;
    if ('error' in lookup && lookup.error !== undefined)
      failed.push({ region: lookup.region, error: lookup.error });
    else if ('instances' in lookup && lookup.instances !== undefined)
      matches.push(...lookup.instances.map((instance) => ({ region: lookup.region, instance })));
  }
  const [firstFailure] = failed;
  if (firstFailure) {
    const { awsCall, awsErrorCode } = firstFailure.error;
    const unsearched = failed
      .map((f) => `${f.region} (${f.error.awsCall} failed with ${f.error.awsErrorCode})`)
      .join(', ');
    throw new UpstreamError(
      awsCall,
      awsErrorCode,
      `No instance named ${asked} could be chosen: ${unsearched} could not be searched, so the name may not be unique. Give the instance id, or its region, or grant the API's role the call.`,
      { awsCall, awsErrorCode },
    );
  }
  const [only] = matches;
  if (only !== undefined && matches.length === 1) return only;
  if (matches.length > 1) {
    const candidates: NameCandidate[] = matches.map(({ region: where, instance }) => ({
      instanceId: instance.instanceId,
      name: cleanUntrustedText(reference),
      region: where,
      state: instance.state,
    }));
    throw new ValidationError(
      `${matches.length} instances are named ${asked}: ${candidates.map(describeCandidate).join('; ')}. Nothing was changed: give the instance id of the one you mean instead of the name.`,
      { candidates },
    );
  }
  const didYouMean = await closestNamedInstances(ec2, reference, regions, concurrency);
  const suggestion =
    didYouMean.length > 0 ? ` Did you mean ${orList(didYouMean.map(describeSuggestion))}?` : '';
  throw new NotFoundError(
    `No instance is named ${asked} in ${region ?? `any enabled Region of this account (${regions.join(', ')})`} (Name tags match exactly, case included; terminated instances do not count).${suggestion} Give the instance id, or check the name, e.g. with GET /ec2/instances-with-open-port.`,
    { didYouMean },
  );
}

/** Only on the not-found path: instances of the searched Regions whose Name tag is close to the one asked. */
async function closestNamedInstances(
  ec2: (region: string) => EC2Client,
  asked: string,
  regions: readonly string[],
  concurrency: number,
): Promise<InstanceSuggestion[]> {
  const perRegion = await mapWithConcurrency(regions, Math.max(concurrency, 1), async (candidate) =>
    (await describeInstances(ec2(candidate)).catch(() => [])).flatMap((instance) =>
      instance.name ? [{ instanceId: instance.instanceId, rawName: instance.name, region: candidate }] : [],
    ),
  );
  const named = perRegion.flatMap((found) => found ?? []);
  const closest = closestNames(
    asked,
    named.map((instance) => instance.rawName),
  );
  return closest.flatMap((name) =>
    named
      .filter((instance) => instance.rawName === name)
      .map(({ instanceId, rawName, region }) => ({ instanceId, name: cleanUntrustedText(rawName), region })),
  );
}
