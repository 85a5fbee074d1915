/**
 * `closeUnwantedPortForEc2Instance`: find the instance, read its groups'
 * rules, plan with the domain, check the quota, write (unless dry run or
 * nothing to do), verify, audit.
 */
import type { EC2Client } from '@aws-sdk/client-ec2';
import type {
  closeUnwantedPortForEc2Instance,
  previewCloseUnwantedPortForEc2Instance,
} from '../../openapi/operations';
import { describeGroupUsers, describePrefixListFacts } from '../aws/ec2-instances';
import { type GroupRuleFacts, groupIdsOf, type PortQuery, readGroupRuleFacts } from '../aws/ec2-port-scan';
import { type LocatedInstance, locateInstance } from '../aws/instance-location';
import type { RulesPerGroupQuota } from '../aws/service-quotas';
import { type ClosureOutcome, closePortAndVerify } from '../aws/verified-port-closure';
import { type ChangeBinding, portClosureBinding } from '../domain/plan-bindings';
import {
  DEFAULT_RULES_PER_GROUP_LIMIT,
  type PortClosurePlan,
  planPortClosure,
} from '../domain/port-closure-plan';
import { undoCommands } from '../domain/port-closure-undo';
import { normaliseIpProtocol } from '../domain/port-exposure';
import { toRuleChange } from '../domain/security-group-rules';
import { findAlsoAffected } from '../domain/shared-group-impact';
import {
  assumedQuotaWarning,
  instanceLabel,
  quotaRefusal,
  stillOpenWarning,
  summarisePortClosure,
} from '../domain/summaries/port-closure-summary';
import { auditedWrite, type WriteRecord } from '../shared/audited-write';
import { UpstreamError, ValidationError } from '../shared/errors';
import type { OperationHandler } from '../shared/http-router';
import { issuePlan, requirePlan } from '../shared/plan-signing';
import type { Ec2OperationDeps } from './ec2-deps';

const OPERATION = 'closeUnwantedPortForEc2Instance';

/** The rule quota of the Region, or AWS's default with the reason when it cannot be read. */
async function rulesPerGroupQuotaOf(deps: Ec2OperationDeps, region: string): Promise<RulesPerGroupQuota> {
  if (deps.rulesPerGroupQuota === undefined) {
    return { limit: DEFAULT_RULES_PER_GROUP_LIMIT, assumedBecause: 'no Service Quotas client is configured' };
  }
  return deps.rulesPerGroupQuota(region);
}

/**
 * Weights of the prefix lists the changed groups reference. If they cannot be
 * read, the plan treats those groups' counts as unknown (additions first, so a
 * full group refuses the addition before anything is revoked) and a note says so.
 */
async function prefixListFactsOf(
  ec2: EC2Client,
  groupIds: readonly string[],
  facts: GroupRuleFacts,
  notes: string[],
) {
  const ids = groupIds.flatMap((groupId) =>
    (facts.rulesByGroup.get(groupId) ?? []).flatMap((rule) => (rule.prefixListId ? [rule.prefixListId] : [])),
  );
  try {
    return await describePrefixListFacts(ec2, ids);
  } catch (error) {
    if (!(error instanceof UpstreamError)) throw error;
    notes.push(
      `The prefix lists' sizes could not be read (${error.awsCall} failed with ${error.awsErrorCode}), so the rule count of groups that reference them is not checked.`,
    );
    return undefined;
  }
}

/** The instance and its groups as read, and the plan made from them: the same for preview, dry run and write. */
interface PreparedClosure {
  located: LocatedInstance;
  ec2: EC2Client;
  facts: GroupRuleFacts;
  plan: PortClosurePlan;
  changed: boolean;
  alsoAffected: ReturnType<typeof findAlsoAffected>;
  binding: ChangeBinding;
  /** What the caller should know about the quota check (an assumed quota, unreadable list sizes). */
  quotaNotes: string[];
}

/** Locates the instance, reads its groups' rules, plans and checks the quota; writes nothing. */
async function prepareClosure(
  deps: Ec2OperationDeps,
  instanceId: string,
  query: PortQuery,
  regionAsked: string | undefined,
  foundRegion: (region: string) => void = () => {},
): Promise<PreparedClosure> {
  const located = await locateInstance(deps.ec2, deps.homeRegion, {
    instanceId,
    region: regionAsked,
    concurrency: deps.concurrency,
  });
  const { region, instance } = located;
  foundRegion(region);
  const ec2 = deps.ec2(region);
  const facts = await readGroupRuleFacts(ec2, groupIdsOf([instance]), query);
  const planInput = { ...facts, interfaces: instance.interfaces, ...query };
  let plan = planPortClosure(planInput);
  const quotaNotes: string[] = [];
  if (plan.authorize.length > 0) {
    // Additions must fit the quota as AWS counts it: read its value and the prefix lists' weights, then plan again.
    const quota = await rulesPerGroupQuotaOf(deps, region);
    if (quota.assumedBecause !== undefined) quotaNotes.push(assumedQuotaWarning(quota));
    plan = planPortClosure({
      ...planInput,
      rulesPerGroupLimit: quota.limit,
      prefixListFacts: await prefixListFactsOf(ec2, plan.changedGroupIds, facts, quotaNotes),
    });
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
  const alsoAffected = findAlsoAffected({
    instanceId,
    ownInterfaceIds: new Set(instance.interfaces.map((eni) => eni.networkInterfaceId)),
    changedGroupIds: plan.changedGroupIds,
    users: changed ? await describeGroupUsers(ec2, plan.changedGroupIds) : [],
  });
  const binding = portClosureBinding({
    instanceId,
    ...query,
    region,
    interfaces: instance.interfaces,
    ...facts,
  });
  return { located, ec2, facts, plan, changed, alsoAffected, binding, quotaNotes };
}

/** The answer, for what was written or (dry run, preview) what would be. */
function answerOf(prepared: PreparedClosure, query: PortQuery, dryRun: boolean, outcome: ClosureOutcome) {
  const { located, plan, changed, alsoAffected } = prepared;
  const { region, instance } = located;
  const { revoked, added, remaining, verifiedAfterWrite, warnings } = outcome;
  warnings.unshift(...prepared.quotaNotes);
  const stillOpen = remaining.length > 0;
  if (stillOpen) warnings.push(stillOpenWarning(remaining, query, verifiedAfterWrite));
  const undo = changed ? undoCommands(region, revoked, added) : [];
  const summary = summarisePortClosure({
    query,
    instanceLabel: instanceLabel(instance, region),
    dryRun,
    changed,
    revoked,
    added,
    changedGroupCount: plan.changedGroupIds.length,
    alsoAffected,
    protocolsLost: plan.revoke.some((rule) => normaliseIpProtocol(rule.ipProtocol) === '-1'),
    prefixListLosses: plan.prefixListLosses,
    stillOpen,
  });
  return {
    summary,
    instanceId: instance.instanceId,
    region,
    port: query.port,
    protocol: query.protocol,
    dryRun,
    changed,
    revokedRules: revoked.map(toRuleChange),
    addedRules: added.map(toRuleChange),
    alsoAffected,
    stillOpen,
    warnings,
    undo,
  };
}

/**
 * `previewCloseUnwantedPortForEc2Instance`: the write's answer, predicted, with a planId that binds it.
 * Served by the read function, so it runs without permission to write.
 */
export function createClosePortPreviewHandler(
  deps: Ec2OperationDeps,
): OperationHandler<typeof previewCloseUnwantedPortForEc2Instance> {
  return async ({ params, query: input }) => {
    const query: PortQuery = { port: input.port, protocol: input.protocol ?? 'tcp' };
    const prepared = await prepareClosure(deps, params.instanceId, query, input.region);
    const { ec2, located, facts, plan, changed } = prepared;
    const outcome = await closePortAndVerify(ec2, located, facts, plan, { query, dryRun: true, changed });
    return {
      ...answerOf(prepared, query, true, outcome),
      ...(await issuePlan(deps.plans, prepared.binding)),
    };
  };
}

export function createCloseOpenPortHandler(
  deps: Ec2OperationDeps,
): OperationHandler<typeof closeUnwantedPortForEc2Instance> {
  return async ({ params, body }, context) => {
    const instanceId = params.instanceId;
    const query: PortQuery = { port: body.port, protocol: body.protocol ?? 'tcp' };
    const dryRun = body.dryRun === true;
    const subject = {
      operation: OPERATION,
      target: `${instanceId} ${query.protocol}/${query.port}`,
      dryRun,
      region: body.region,
    };

    return auditedWrite(context, subject, async (attempt) => {
      const prepared = await prepareClosure(deps, instanceId, query, body.region, (region) =>
        attempt.foundRegion(region),
      );
      // With a planId, the fresh read must be the one previewed, or nothing is written.
      if (body.planId !== undefined) await requirePlan(deps.plans, body.planId, prepared.binding);
      const { ec2, located, facts, plan, changed } = prepared;
      const outcome = await closePortAndVerify(ec2, located, facts, plan, { query, dryRun, changed });
      const result = answerOf(prepared, query, dryRun, outcome);
      const record: WriteRecord = {
        region: located.region,
        outcome: !changed ? 'unchanged' : dryRun ? 'would-change' : 'changed',
        revokedRules: result.revokedRules,
        addedRules: result.addedRules,
        undo: result.undo,
      };
      return { result, record };
    });
  };
}
