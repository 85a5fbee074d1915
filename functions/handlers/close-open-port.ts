/**
 * `closeUnwantedPortForEc2Instance`: find the instance, read its groups'
 * rules, plan with the domain, check the quota, write (unless dry run or
 * nothing to do), verify, audit.
 */
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { closeUnwantedPortForEc2Instance } from '../../openapi/operations';
import { mapWithConcurrency } from '../aws/concurrency';
import { describeGroupUsers, describeInstances, type Ec2InstanceFacts } from '../aws/ec2-instances';
import {
  exposuresOf,
  type GroupRuleFacts,
  groupIdsOf,
  type PortQuery,
  readGroupRuleFacts,
} from '../aws/ec2-port-scan';
import { applyPortClosure } from '../aws/port-closure';
import { type PortClosurePlan, planPortClosure, rulesAfterPlan } from '../domain/port-closure-plan';
import { undoCommands } from '../domain/port-closure-undo';
import { compareText, type IngressRule } from '../domain/port-exposure';
import { type AddedRule, toRuleChange } from '../domain/security-group-rules';
import {
  instanceLabel,
  quotaRefusal,
  stillOpenWarning,
  summarisePortClosure,
} from '../domain/summaries/port-closure-summary';
import { writeAuditRecord } from '../shared/audit';
import { ApiError, NotFoundError, UpstreamError, ValidationError } from '../shared/errors';
import type { OperationHandler } from '../shared/http-router';
import type { Ec2OperationDeps } from './ec2-deps';
import { regionsToScan } from './find-open-ports';

const OPERATION = 'closeUnwantedPortForEc2Instance';

interface LocatedInstance {
  region: string;
  instance: Ec2InstanceFacts;
}

/** Finds the instance in the Region given, or in every enabled Region at once. */
async function locateInstance(
  deps: Ec2OperationDeps,
  instanceId: string,
  region: string | undefined,
): Promise<LocatedInstance> {
  let regions: string[];
  try {
    regions = await regionsToScan(deps, region);
  } catch (error) {
    if (error instanceof ValidationError && region !== undefined) {
      throw new NotFoundError(
        `Instance ${instanceId} cannot be in ${region}: that Region is not enabled for this account. Leave region out to search every enabled Region.`,
      );
    }
    throw error;
  }
  type Lookup =
    | { region: string; instance: Ec2InstanceFacts | undefined }
    | { region: string; error: UpstreamError };
  const lookups = await mapWithConcurrency(
    regions,
    Math.max(deps.concurrency, 1),
    async (candidate): Promise<Lookup> => {
      try {
        const [instance] = await describeInstances(deps.ec2(candidate), { instanceId });
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
  throw new NotFoundError(
    region !== undefined
      ? `Instance ${instanceId} is not in ${region} (terminated instances do not count); check the id and the Region, or leave region out to search every enabled Region.`
      : `Instance ${instanceId} is not in any enabled Region of this account (${regions.join(', ')}; terminated instances do not count); check the id, e.g. with GET /ec2/instances-with-open-port?port=22.`,
  );
}

/** The groups' facts as they will be once the plan is carried out (added rules get placeholder ids). */
function factsAfterPlan(facts: GroupRuleFacts, plan: PortClosurePlan): GroupRuleFacts {
  return {
    rulesByGroup: rulesAfterPlan(facts.rulesByGroup, plan, 'planned-rule-'),
    prefixListCidrs: facts.prefixListCidrs,
  };
}

export function createCloseOpenPortHandler(
  deps: Ec2OperationDeps,
): OperationHandler<typeof closeUnwantedPortForEc2Instance> {
  return async ({ params, body }, context) => {
    const instanceId = params.instanceId;
    const query: PortQuery = { port: body.port, protocol: body.protocol ?? 'tcp' };
    const dryRun = body.dryRun === true;
    let auditRegion: string | null = body.region ?? null;
    const audit = (record: Omit<Parameters<typeof writeAuditRecord>[2], 'operation' | 'target' | 'dryRun'>) =>
      writeAuditRecord(context.caller, context.requestId, {
        operation: OPERATION,
        target: `${instanceId} ${query.protocol}/${query.port}`,
        dryRun,
        ...record,
      });

    try {
      const { region, instance } = await locateInstance(deps, instanceId, body.region);
      auditRegion = region;
      const ec2: EC2Client = deps.ec2(region);
      const groupIds = groupIdsOf([instance]);
      const facts = await readGroupRuleFacts(ec2, groupIds, query);
      const plan = planPortClosure({
        interfaces: instance.interfaces,
        rulesByGroup: facts.rulesByGroup,
        prefixListCidrs: facts.prefixListCidrs,
        port: query.port,
        protocol: query.protocol,
      });

      if (plan.quotaProblems.length > 0) {
        throw new ValidationError(quotaRefusal(query, instanceId, plan.quotaProblems), {
          quotaProblems: plan.quotaProblems,
        });
      }

      const changed = plan.revoke.length > 0 || plan.authorize.length > 0;
      const ownInterfaces = new Set(instance.interfaces.map((eni) => eni.networkInterfaceId));
      const users = changed ? await describeGroupUsers(ec2, plan.changedGroupIds) : [];
      const alsoAffected = users
        .filter((user) => !ownInterfaces.has(user.networkInterfaceId) && user.instanceId !== instanceId)
        .flatMap((user) =>
          plan.changedGroupIds
            .filter((groupId) => user.groupIds.includes(groupId))
            .map((securityGroupId) => ({
              networkInterfaceId: user.networkInterfaceId,
              instanceId: user.instanceId,
              securityGroupId,
            })),
        )
        .sort(
          (a, b) =>
            compareText(a.securityGroupId, b.securityGroupId) ||
            compareText(a.networkInterfaceId, b.networkInterfaceId),
        );

      const warnings = [...plan.warnings];
      let revoked: IngressRule[] = plan.revoke;
      let added: AddedRule[] = plan.authorize;
      let remaining = exposuresOf(instance, factsAfterPlan(facts, plan), query);
      let verifiedAfterWrite = false;

      if (changed && !dryRun) {
        const applied = await applyPortClosure(ec2, region, plan);
        revoked = applied.revokedRules;
        added = applied.addedRules;
        warnings.push(...applied.notices);
        try {
          remaining = exposuresOf(instance, await readGroupRuleFacts(ec2, groupIds, query), query);
          verifiedAfterWrite = true;
        } catch (error) {
          if (!(error instanceof UpstreamError)) throw error;
          warnings.push(
            `The change was made, but re-reading the groups to verify it failed (${error.awsCall} failed with ${error.awsErrorCode}); stillOpen is the prediction.`,
          );
        }
      }
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

      audit({
        region,
        outcome: !changed ? 'unchanged' : dryRun ? 'would-change' : 'changed',
        revokedRules,
        addedRules,
        undo,
      });
      return {
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
    } catch (error) {
      const apiError =
        error instanceof ApiError
          ? error
          : new ApiError(500, 'InternalError', 'The request failed unexpectedly.');
      audit({
        region: auditRegion,
        outcome: apiError.status < 500 ? 'rejected' : 'failed',
        error: {
          code: apiError.code,
          message: apiError.message,
          ...(apiError.details ? { details: apiError.details } : {}),
        },
      });
      throw error;
    }
  };
}
