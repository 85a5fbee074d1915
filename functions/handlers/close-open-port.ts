/**
 * `closeUnwantedPortForEc2Instance`: find the instance, read its groups'
 * rules, plan with the domain, check the quota, write (unless dry run or
 * nothing to do), verify, audit.
 */
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { closeUnwantedPortForEc2Instance } from '../../openapi/operations';
import { describeGroupUsers } from '../aws/ec2-instances';
import {
  exposuresOf,
  type GroupRuleFacts,
  groupIdsOf,
  type PortQuery,
  readGroupRuleFacts,
} from '../aws/ec2-port-scan';
import { type LocatedInstance, locateInstance } from '../aws/instance-location';
import { applyPortClosure } from '../aws/port-closure';
import { type PortClosurePlan, planPortClosure, rulesAfterPlan } from '../domain/port-closure-plan';
import { undoCommands } from '../domain/port-closure-undo';
import type { IngressRule, PortExposure } from '../domain/port-exposure';
import { type AddedRule, toRuleChange } from '../domain/security-group-rules';
import { findAlsoAffected } from '../domain/shared-group-impact';
import {
  instanceLabel,
  quotaRefusal,
  stillOpenWarning,
  summarisePortClosure,
  verifyFailedWarning,
} from '../domain/summaries/port-closure-summary';
import { auditedWrite, type WriteRecord } from '../shared/audited-write';
import { UpstreamError, ValidationError } from '../shared/errors';
import type { OperationHandler } from '../shared/http-router';
import type { Ec2OperationDeps } from './ec2-deps';

const OPERATION = 'closeUnwantedPortForEc2Instance';

/** What the write did (or, in a dry run or with nothing to do, what the plan predicts). */
interface ClosureOutcome {
  revoked: IngressRule[];
  added: AddedRule[];
  /** Exposures left: read back after a write, predicted otherwise. */
  remaining: PortExposure[];
  verifiedAfterWrite: boolean;
  warnings: string[];
}

/** Carries out the plan unless it is a dry run or empty, then reads the groups back to see the port closed. */
async function carryOut(
  ec2: EC2Client,
  located: LocatedInstance,
  facts: GroupRuleFacts,
  plan: PortClosurePlan,
  write: { query: PortQuery; dryRun: boolean; changed: boolean },
): Promise<ClosureOutcome> {
  const { instance, region } = located;
  const predicted = { ...facts, rulesByGroup: rulesAfterPlan(facts.rulesByGroup, plan, 'planned-rule-') };
  const outcome: ClosureOutcome = {
    revoked: plan.revoke,
    added: plan.authorize,
    remaining: exposuresOf(instance, predicted, write.query),
    verifiedAfterWrite: false,
    warnings: [...plan.warnings],
  };
  if (!write.changed || write.dryRun) return outcome;
  const applied = await applyPortClosure(ec2, region, plan);
  outcome.revoked = applied.revokedRules;
  outcome.added = applied.addedRules;
  outcome.warnings.push(...applied.notices);
  try {
    const after = await readGroupRuleFacts(ec2, groupIdsOf([instance]), write.query);
    outcome.remaining = exposuresOf(instance, after, write.query);
    outcome.verifiedAfterWrite = true;
  } catch (error) {
    if (!(error instanceof UpstreamError)) throw error;
    outcome.warnings.push(verifyFailedWarning(error));
  }
  return outcome;
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
      const located = await locateInstance(deps.ec2, deps.homeRegion, {
        instanceId,
        region: body.region,
        concurrency: deps.concurrency,
      });
      const { region, instance } = located;
      attempt.foundRegion(region);
      const ec2 = deps.ec2(region);
      const facts = await readGroupRuleFacts(ec2, groupIdsOf([instance]), query);
      const plan = planPortClosure({ ...facts, interfaces: instance.interfaces, ...query });
      if (plan.quotaProblems.length > 0) {
        throw new ValidationError(quotaRefusal(query, instanceId, plan.quotaProblems), {
          quotaProblems: plan.quotaProblems,
        });
      }

      const changed = plan.revoke.length > 0 || plan.authorize.length > 0;
      const alsoAffected = findAlsoAffected({
        instanceId,
        ownInterfaceIds: new Set(instance.interfaces.map((eni) => eni.networkInterfaceId)),
        changedGroupIds: plan.changedGroupIds,
        users: changed ? await describeGroupUsers(ec2, plan.changedGroupIds) : [],
      });
      const { revoked, added, remaining, verifiedAfterWrite, warnings } = await carryOut(
        ec2,
        located,
        facts,
        plan,
        { query, dryRun, changed },
      );
      const stillOpen = remaining.length > 0;
      if (stillOpen) warnings.push(stillOpenWarning(remaining, query, verifiedAfterWrite));

      const undo = changed ? undoCommands(region, revoked, added) : [];
      const revokedRules = revoked.map(toRuleChange);
      const addedRules = added.map(toRuleChange);

      const summary = summarisePortClosure({
        query,
        instanceLabel: instanceLabel(instance, region),
        dryRun,
        changed,
        revoked,
        added,
        changedGroupCount: plan.changedGroupIds.length,
        alsoAffected,
        protocolsLost: plan.warnings.length > 0,
        stillOpen,
      });

      const result = {
        summary,
        instanceId,
        region,
        port: query.port,
        protocol: query.protocol,
        dryRun,
        changed,
        revokedRules,
        addedRules,
        alsoAffected,
        stillOpen,
        warnings,
        undo,
      };
      const record: WriteRecord = {
        region,
        outcome: !changed ? 'unchanged' : dryRun ? 'would-change' : 'changed',
        revokedRules,
        addedRules,
        undo,
      };
      return { result, record };
    });
  };
}
