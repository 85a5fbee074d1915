/**
 * `closeUnwantedPortForEc2Instance`: find the instance, read its groups'
 * rules, plan with the domain, check the quota, write (unless dry run or
 * nothing to do), verify, audit.
 */
import type { closeUnwantedPortForEc2Instance } from '../../openapi/operations';
import { describeGroupUsers } from '../aws/ec2-instances';
import { groupIdsOf, type PortQuery, readGroupRuleFacts } from '../aws/ec2-port-scan';
import { locateInstance } from '../aws/instance-location';
import { closePortAndVerify } from '../aws/verified-port-closure';
import { type JsonValue, portClosureUndoPlan } from '../domain/change-record';
import { planPortClosure } from '../domain/port-closure-plan';
import { undoCommands } from '../domain/port-closure-undo';
import { toRuleChange } from '../domain/security-group-rules';
import { findAlsoAffected } from '../domain/shared-group-impact';
import {
  instanceLabel,
  quotaRefusal,
  stillOpenWarning,
  summarisePortClosure,
} from '../domain/summaries/port-closure-summary';
import { auditedWrite, type WriteRecord } from '../shared/audited-write';
import { ValidationError } from '../shared/errors';
import type { OperationHandler } from '../shared/http-router';
import type { JournalDeps } from './change-deps';
import type { Ec2OperationDeps } from './ec2-deps';
import { runJournaledChange } from './journaled-change';

const OPERATION = 'closeUnwantedPortForEc2Instance';

export function createCloseOpenPortHandler(
  deps: Ec2OperationDeps,
  journal: JournalDeps,
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
      const closeAndVerify = () => closePortAndVerify(ec2, located, facts, plan, { query, dryRun, changed });
      let changeId: string | null = null;
      let closure: Awaited<ReturnType<typeof closeAndVerify>>;
      if (changed && !dryRun) {
        // The AWS writes run between their journal intent and completion (no intent recorded: no write).
        const journaled = await runJournaledChange(
          journal.journal,
          journal.now,
          context,
          {
            operation: OPERATION,
            target: {
              account: await journal.resolveAccountId(context),
              region,
              kind: 'ec2-instance',
              id: instanceId,
              securityGroupIds: plan.changedGroupIds,
            },
            before: plan.revoke.map(toRuleChange) as unknown as JsonValue,
            planned: {
              port: query.port,
              protocol: query.protocol,
              revoke: plan.revoke.map(toRuleChange),
              authorize: plan.authorize.map(toRuleChange),
            } as unknown as JsonValue,
          },
          async () => {
            const outcome = await closeAndVerify();
            return {
              result: outcome,
              completion: {
                after: outcome.added.map(toRuleChange) as unknown as JsonValue,
                revokedRules: outcome.revoked.map(toRuleChange),
                addedRules: outcome.added.map(toRuleChange),
                undoPlan: portClosureUndoPlan(region, outcome.revoked, outcome.added),
                undoCommands: undoCommands(region, outcome.revoked, outcome.added),
              },
            };
          },
        );
        changeId = journaled.changeId;
        closure = journaled.result;
        if (journaled.journalWarning) closure.warnings.push(journaled.journalWarning);
      } else {
        closure = await closeAndVerify();
      }
      const { revoked, added, remaining, verifiedAfterWrite, warnings } = closure;
      const stillOpen = remaining.length > 0;
      if (stillOpen) warnings.push(stillOpenWarning(remaining, query, verifiedAfterWrite));

      const undo = changed ? undoCommands(region, revoked, added) : [];
      const revokedRules = revoked.map(toRuleChange);
      const addedRules = added.map(toRuleChange);

      const summaryText = summarisePortClosure({
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
      const summary = `${summaryText}${changeId ? ` Recorded as change ${changeId} (GET /changes/${changeId}/undo previews its undo).` : ''}`;

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
        changeId,
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
