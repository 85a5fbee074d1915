/**
 * Intended exposure: a resource tagged as public on purpose (a website bucket, a bastion) is reported apart
 * from the findings, counted, and a change on it is refused unless the caller says `force`. The tag names
 * are configurable; the values are data written by whoever can tag the resource, so the reason is cleaned
 * and only ever quoted.
 */
import { cleanUntrustedText, quoteUntrusted } from './untrusted-text';

/** The tag keys that say a resource is exposed on purpose, and why. */
export interface ExposureIntentTags {
  /** Key whose value `intended` (any case, spaces trimmed) marks the exposure as intended. */
  intentKey: string;
  /** Key holding the reason, reported with the resource. */
  reasonKey: string;
}

/** The default tag names (AIOPS_EXPOSURE_TAG / AIOPS_EXPOSURE_REASON_TAG override them in Lambda). */
export const DEFAULT_EXPOSURE_TAGS: ExposureIntentTags = {
  intentKey: 'aiops:exposure',
  reasonKey: 'aiops:exposure-reason',
};

/** The value of the intent tag that marks an exposure as intended. */
export const INTENDED = 'intended';

/** A reason is a sentence, not a document: longer text is cut. */
const REASON_MAX = 200;

/** What a resource's tags say about its exposure: intended (with a reason, or null when none was given). */
export interface ExposureIntent {
  /** The tag's reason, cleaned; null when the reason tag is missing or empty. */
  reason: string | null;
}

/**
 * Whether a resource's tags mark its exposure as intended.
 *
 * @param tags - the resource's tags (key, value), as AWS returns them
 * @param names - the tag keys in use
 * @returns the intent, or undefined when the resource is not tagged as intended
 */
export function exposureIntentOf(
  tags:
    | ReadonlyArray<{ Key?: string | undefined; Value?: string | undefined }>
    | Readonly<Record<string, string>>
    | undefined,
  names: ExposureIntentTags = DEFAULT_EXPOSURE_TAGS,
): ExposureIntent | undefined {
  const value = (key: string): string | undefined =>
    tags === undefined
      ? undefined
      : Array.isArray(tags)
        ? (tags as ReadonlyArray<{ Key?: string; Value?: string }>).find((tag) => tag.Key === key)?.Value
        : Object.hasOwn(tags, key)
          ? (tags as Readonly<Record<string, string>>)[key]
          : undefined;
  if (value(names.intentKey)?.trim().toLowerCase() !== INTENDED) return undefined;
  const reason = value(names.reasonKey);
  const cleaned = reason === undefined ? '' : cleanUntrustedText(reason, REASON_MAX);
  return { reason: cleaned === '' ? null : cleaned };
}

/**
 * The sentence that refuses (or, in a preview, warns about) a change on an intentionally exposed resource.
 *
 * @param what - the resource as a person knows it (already quoted where it came from AWS)
 * @param intent - its intent, with the reason
 * @param names - the tag keys in use
 */
export function intendedExposureRefusal(
  what: string,
  intent: ExposureIntent,
  names: ExposureIntentTags = DEFAULT_EXPOSURE_TAGS,
): string {
  const reason =
    intent.reason === null ? 'no reason given' : `reason ${quoteUntrusted(intent.reason, REASON_MAX)}`;
  return `${what} is tagged ${names.intentKey}=${INTENDED} (${reason}): its exposure is intended, so the change is refused unless the request says force: true. Check with its owner first.`;
}

/**
 * The warning when a change on an intentionally exposed resource went ahead because the caller said force.
 *
 * @param what - the resource as a person knows it
 * @param intent - its intent, with the reason
 * @param names - the tag keys in use
 */
export function intendedExposureForced(
  what: string,
  intent: ExposureIntent,
  names: ExposureIntentTags = DEFAULT_EXPOSURE_TAGS,
): string {
  const reason =
    intent.reason === null ? 'no reason given' : `reason ${quoteUntrusted(intent.reason, REASON_MAX)}`;
  return `${what} is tagged ${names.intentKey}=${INTENDED} (${reason}); the change goes ahead because the request said force: true.`;
}

/**
 * The tag names from the environment (AIOPS_EXPOSURE_TAG, AIOPS_EXPOSURE_REASON_TAG), the defaults when unset.
 *
 * @param env - the variables (process.env in Lambda)
 */
export function exposureTagsFrom(env: Readonly<Record<string, string | undefined>>): ExposureIntentTags {
  return {
    intentKey: env.AIOPS_EXPOSURE_TAG?.trim() || DEFAULT_EXPOSURE_TAGS.intentKey,
    reasonKey: env.AIOPS_EXPOSURE_REASON_TAG?.trim() || DEFAULT_EXPOSURE_TAGS.reasonKey,
  };
}

/** A security group tagged as exposed on purpose, as a person knows it. */
export interface IntendedGroup {
  securityGroupId: string;
  /** The group's name (cleaned); null when not known. */
  securityGroupName: string | null;
  /** The reason tag (cleaned); null when missing or empty. */
  reason: string | null;
}

/**
 * A group tagged as exposed on purpose, as answers show it: its name (somebody's text) cleaned.
 *
 * @param securityGroupId - the group id
 * @param rawName - the group name as AWS returned it; undefined when not known
 * @param intent - its intent, with the reason already cleaned
 */
export function intendedGroupOf(
  securityGroupId: string,
  rawName: string | undefined,
  intent: ExposureIntent | undefined,
): IntendedGroup {
  return {
    securityGroupId,
    securityGroupName: rawName ? cleanUntrustedText(rawName) : null,
    reason: intent?.reason ?? null,
  };
}

/**
 * The groups whose tags mark them as exposed on purpose.
 *
 * @param tagsByGroup - group id -> its tags (only the intent and reason keys need be there)
 * @param names - the tag keys in use
 */
export function groupIntentsOf(
  tagsByGroup: ReadonlyMap<string, Readonly<Record<string, string>>>,
  names: ExposureIntentTags = DEFAULT_EXPOSURE_TAGS,
): Map<string, ExposureIntent> {
  const intents = new Map<string, ExposureIntent>();
  for (const [groupId, tags] of tagsByGroup) {
    const intent = exposureIntentOf(tags, names);
    if (intent !== undefined) intents.set(groupId, intent);
  }
  return intents;
}

/**
 * Splits what is open into findings and what is open on purpose through tagged security groups. A port range
 * (or the one port asked) is intended only when every rule opening it belongs to a group tagged as intended:
 * one untagged rule keeps it a finding, because closing it would still take that rule away.
 *
 * @param units - the open ranges (or one unit holding the asked port's exposures), each with the rules opening it
 * @param intended - the ids of the groups tagged as intended
 * @returns the units in their order, split; `groupIds` are the intended groups the intended units go through
 */
export function splitByGroupIntent<U extends { exposures: ReadonlyArray<{ securityGroupId: string }> }>(
  units: readonly U[],
  intended: { has(groupId: string): boolean },
): { findings: U[]; intended: U[]; groupIds: string[] } {
  const findings: U[] = [];
  const onPurpose: U[] = [];
  for (const unit of units) {
    const all = unit.exposures.length > 0 && unit.exposures.every((e) => intended.has(e.securityGroupId));
    (all ? onPurpose : findings).push(unit);
  }
  const groupIds = [...new Set(onPurpose.flatMap((u) => u.exposures.map((e) => e.securityGroupId)))].sort();
  return { findings, intended: onPurpose, groupIds };
}
