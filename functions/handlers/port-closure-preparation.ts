/**
 * The steps close-port and its preview share: locate the instance, read its groups' rules, plan with the
 * domain against the account's quota (writes nothing), and shape the answer from what was (or would be)
 * written. One preparation, so the preview, the dry run and the write can never plan differently.
 */
import type { EC2Client } from '@aws-sdk/client-ec2';
import { prefixListFactsOf, rulesPerGroupQuotaOf } from '../aws/closure-quota';
import { describeGroupUsers, describeInstanceNames } from '../aws/ec2-instances';
import { type GroupRuleFacts, groupIdsOf, readGroupIntents, readGroupRuleFacts } from '../aws/ec2-port-scan';
import { type LocatedInstance, locateInstanceByIdOrName } from '../aws/instance-location';
import { type ClosureOutcome, scanQueryOf } from '../aws/verified-port-closure';
import {
  DEFAULT_EXPOSURE_TAGS,
  type ExposureIntent,
  type ExposureIntentTags,
  exposureIntentOf,
  type IntendedGroup,
  intendedExposureForced,
  intendedExposureRefusal,
  intendedGroupOf,
} from '../domain/exposure-intent';
import { describeServices } from '../domain/exposure-risk';
import { type ChangeBinding, portClosureBinding } from '../domain/plan-bindings';
import {
  type ClosureQuery,
  openRangesToClose,
  type PortClosurePlan,
  planClosure,
} from '../domain/port-closure-plan';
import { undoCommands } from '../domain/port-closure-undo';
import { toRuleChange } from '../domain/security-group-rules';
import { findAlsoAffected } from '../domain/shared-group-impact';
import {
  assumedQuotaWarning,
  groupLabel,
  instanceLabel,
  quotaRefusal,
  remoteAccessLost,
  stillOpenWarning,
  summarisePortClosure,
} from '../domain/summaries/port-closure-summary';
import { cleanUntrustedText } from '../domain/untrusted-text';
import { ValidationError } from '../shared/errors';
import type { Ec2OperationDeps } from './ec2-deps';

/** The instance and its groups as read, and the plan made from them: the same for preview, dry run and write. */
export interface PreparedClosure {
  located: LocatedInstance;
  ec2: EC2Client;
  facts: GroupRuleFacts;
  plan: PortClosurePlan;
  changed: boolean;
  alsoAffected: ReturnType<typeof findAlsoAffected>;
  binding: ChangeBinding;
  /** What the caller should know about the quota check (an assumed quota, unreadable list sizes). */
  quotaNotes: string[];
  /** Set when the instance is tagged as exposed on purpose: the write refuses without force. */
  intent: ExposureIntent | undefined;
  /** Changed security groups tagged as exposed on purpose: the write refuses without force. */
  intendedGroups: IntendedGroup[];
  /** Why the changed groups' tags could not be read (then the write refuses without force); undefined if read. */
  groupTagsUnread: string | undefined;
  /** The refusal (write) or warning (preview) sentence when `intent` is set and the change would write. */
  intentNotice: string | undefined;
  /** The internet-open (protocol, port range)s the change closes, before it is made. */
  closedPorts: { protocol: 'tcp' | 'udp'; fromPort: number; toPort: number; service: string | null }[];
}

/**
 * Locates the instance, reads its groups' rules, plans and checks the quota; writes nothing.
 *
 * @param instanceRef - the instance id, or its Name tag (one instance must carry it); everything after the
 *   lookup, the planId binding included, uses the id found
 */
export async function prepareClosure(
  deps: Ec2OperationDeps,
  instanceRef: string,
  query: ClosureQuery,
  regionAsked: string | undefined,
  foundRegion: (region: string) => void = () => {},
  force = false,
): Promise<PreparedClosure> {
  const located = await locateInstanceByIdOrName(deps.ec2, deps.homeRegion, {
    instance: instanceRef,
    region: regionAsked,
    concurrency: deps.concurrency,
  });
  const { region, instance } = located;
  const instanceId = instance.instanceId;
  foundRegion(region);
  const ec2 = deps.ec2(region);
  const facts = await readGroupRuleFacts(ec2, groupIdsOf([instance]), scanQueryOf(query));
  const planInput = { ...facts, interfaces: instance.interfaces };
  let plan = planClosure(planInput, query);
  const quotaNotes: string[] = [];
  if (plan.authorize.length > 0) {
    // Additions must fit the quota as AWS counts it: read its value and the prefix lists' weights, then plan again.
    const quota = await rulesPerGroupQuotaOf(deps.rulesPerGroupQuota, region);
    if (quota.assumedBecause !== undefined) quotaNotes.push(assumedQuotaWarning(quota));
    plan = planClosure(
      {
        ...planInput,
        rulesPerGroupLimit: quota.limit,
        prefixListFacts: await prefixListFactsOf(ec2, plan.changedGroupIds, facts, quotaNotes),
      },
      query,
    );
  }
  if (plan.quotaProblems.length > 0) {
    throw new ValidationError(
      [quotaRefusal(query, instanceId, plan.quotaProblems), ...quotaNotes].join(' '),
      {
        quotaProblems: plan.quotaProblems,
      },
    );
  }
  const changed = plan.revoke.length > 0 || plan.authorize.length > 0;
  const ownInterfaceIds = new Set(instance.interfaces.map((eni) => eni.networkInterfaceId));
  const users = changed ? await describeGroupUsers(ec2, plan.changedGroupIds) : [];
  // Other instances are named by their Name tag: read only when a changed group is shared with one.
  const otherInstanceIds = users.flatMap((user) =>
    user.instanceId !== null &&
    user.instanceId !== instanceId &&
    !ownInterfaceIds.has(user.networkInterfaceId)
      ? [user.instanceId]
      : [],
  );
  const alsoAffected = findAlsoAffected({
    instanceId,
    ownInterfaceIds,
    changedGroupIds: plan.changedGroupIds,
    users,
    instanceNames:
      otherInstanceIds.length > 0 ? await describeInstanceNames(ec2, otherInstanceIds) : new Map(),
  });
  const binding = portClosureBinding({
    instanceId,
    parameters:
      'port' in query
        ? { port: query.port, protocol: query.protocol }
        : { allPorts: true, protocols: query.closing.protocols, keep: query.closing.keep },
    region,
    interfaces: instance.interfaces,
    ...facts,
  });
  const closedPorts =
    'port' in query
      ? changed
        ? [
            {
              protocol: query.protocol,
              fromPort: query.port,
              toPort: query.port,
              service: describeServices(query.protocol, query.port, query.port),
            },
          ]
        : []
      : openRangesToClose(planInput, query.closing).map(({ protocol, fromPort, toPort, service }) => ({
          protocol,
          fromPort,
          toPort,
          service,
        }));
  const tagNames = deps.exposureTags ?? DEFAULT_EXPOSURE_TAGS;
  const intent = exposureIntentOf(instance.tags, tagNames);
  // The groups the change would touch may be tagged as exposed on purpose too: read only when it writes.
  const groupIntents = changed
    ? await changedGroupIntents(ec2, plan.changedGroupIds, instance.groupNames, tagNames)
    : { groups: [] };
  const intentNotice = changed
    ? intentNoticeOf(
        { instance: intent, instanceLabel: instanceLabel(instance, region), ...groupIntents },
        tagNames,
        force,
      )
    : undefined;
  return {
    located,
    ec2,
    facts,
    plan,
    changed,
    alsoAffected,
    binding,
    quotaNotes,
    closedPorts,
    intent,
    intendedGroups: groupIntents.groups,
    groupTagsUnread: groupIntents.unread,
    intentNotice,
  };
}

/**
 * The changed groups tagged as exposed on purpose, from one `DescribeTags` naming them. A failed read is
 * returned as its reason: the change then needs force, since an intended exposure could not be ruled out.
 */
async function changedGroupIntents(
  ec2: EC2Client,
  groupIds: readonly string[],
  groupNames: Readonly<Record<string, string>> | undefined,
  tagNames: ExposureIntentTags,
): Promise<{ groups: IntendedGroup[]; unread?: string }> {
  const { intents, failure } = await readGroupIntents(ec2, tagNames, groupIds);
  return {
    groups: [...intents].map(([securityGroupId, intent]) =>
      intendedGroupOf(securityGroupId, groupNames?.[securityGroupId], intent),
    ),
    ...(failure !== undefined ? { unread: `${failure} for ${groupIds.join(', ')}` } : {}),
  };
}

/** Security groups named one by one in a refusal; the rest are counted. */
const GROUPS_NAMED = 3;

/**
 * The refusal (or, with force, the warning) sentences for a change on something exposed on purpose: the
 * instance, each changed group tagged so, or groups whose tags could not be read. Undefined when none.
 */
function intentNoticeOf(
  found: {
    instance: ExposureIntent | undefined;
    instanceLabel: string;
    groups: readonly IntendedGroup[];
    unread?: string | undefined;
  },
  tagNames: ExposureIntentTags,
  force: boolean,
): string | undefined {
  const sentence = force ? intendedExposureForced : intendedExposureRefusal;
  const names = new Map(
    found.groups.flatMap((g) =>
      g.securityGroupName === null ? [] : [[g.securityGroupId, g.securityGroupName]],
    ),
  );
  const sentences = [
    ...(found.instance === undefined ? [] : [sentence(found.instanceLabel, found.instance, tagNames)]),
    ...found.groups
      .slice(0, GROUPS_NAMED)
      .map((g) => sentence(`Security group ${groupLabel(g.securityGroupId, names)}`, g, tagNames)),
    ...(found.groups.length > GROUPS_NAMED
      ? [
          `${found.groups.length - GROUPS_NAMED} more of the security groups this change modifies are tagged so too.`,
        ]
      : []),
    ...(found.unread === undefined
      ? []
      : [
          `The tags of the security groups this change modifies could not be read (${found.unread}), so an intended exposure cannot be ruled out: ${
            force
              ? 'the change goes ahead because the request said force: true.'
              : 'the change is refused unless the request says force: true.'
          }`,
        ]),
  ];
  return sentences.length === 0 ? undefined : sentences.join(' ');
}

/** The answer, for what was written or (dry run, preview) what would be. */
export function answerOf(
  prepared: PreparedClosure,
  query: ClosureQuery,
  dryRun: boolean,
  outcome: ClosureOutcome,
  preview = false,
) {
  const { located, plan, changed, alsoAffected } = prepared;
  const { region, instance } = located;
  const { revoked, added, remaining, verifiedAfterWrite, warnings } = outcome;
  warnings.unshift(...prepared.quotaNotes);
  if (prepared.intentNotice !== undefined) warnings.unshift(prepared.intentNotice);
  const stillOpen = remaining.length > 0;
  if (stillOpen) warnings.push(stillOpenWarning(remaining, query, verifiedAfterWrite));
  const undo = changed ? undoCommands(region, revoked, added) : [];
  const publicAddress = instance.publicIp !== null || instance.ipv6Addresses.length > 0;
  const consequences = {
    changed,
    stillOpen,
    protocolsLost: plan.protocolLosses,
    prefixListLosses: plan.prefixListLosses,
    quotaUse: plan.quotaUse,
    publicAddress,
    closedPorts: prepared.closedPorts,
  };
  const summary = summarisePortClosure({
    query,
    instanceLabel: instanceLabel(instance, region),
    dryRun,
    preview,
    revoked,
    added,
    changedGroupCount: plan.changedGroupIds.length,
    alsoAffected,
    groupNames: new Map(Object.entries(instance.groupNames ?? {})),
    ...consequences,
  });
  return {
    summary: prepared.intentNotice === undefined ? summary : `${prepared.intentNotice} ${summary}`,
    intendedExposure: intendedExposureOf(prepared),
    instanceId: instance.instanceId,
    instanceName: instance.name ? cleanUntrustedText(instance.name) : null,
    region,
    port: 'port' in query ? query.port : null,
    protocol: 'port' in query ? query.protocol : query.closing.protocols.join(' and '),
    keep: 'port' in query ? [] : [...query.closing.keep],
    closedPorts: prepared.closedPorts,
    dryRun,
    changed,
    revokedRules: revoked.map(toRuleChange),
    addedRules: added.map(toRuleChange),
    alsoAffected,
    protocolsLost: plan.protocolLosses.map(({ groupId, ...loss }) => ({ securityGroupId: groupId, ...loss })),
    prefixListLosses: plan.prefixListLosses.map(({ groupId, ...loss }) => ({
      securityGroupId: groupId,
      ...loss,
    })),
    ruleQuota: plan.quotaUse.map(({ groupId, ...use }) => ({ securityGroupId: groupId, ...use })),
    remoteAccessLost: remoteAccessLost({ query, ...consequences }),
    stillOpen,
    warnings,
    undo,
  };
}

/** What the answer says of intended exposure: null when neither the instance nor a changed group is tagged. */
export function intendedExposureOf(prepared: PreparedClosure) {
  if (
    prepared.intent === undefined &&
    prepared.intendedGroups.length === 0 &&
    prepared.groupTagsUnread === undefined
  )
    return null;
  return {
    reason: prepared.intent?.reason ?? null,
    securityGroups: prepared.intendedGroups,
    groupTagsUnread: prepared.groupTagsUnread ?? null,
  };
}
