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
import { compareText, type IngressRule, type PortExposure } from '../domain/port-exposure';
import { type AddedRule, ruleSource, toRuleChange } from '../domain/security-group-rules';
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

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

function describeRule(rule: IngressRule | AddedRule): string {
  const source = ruleSource(rule);
  const ports =
    rule.ipProtocol === '-1'
      ? 'all traffic'
      : rule.fromPort === -1
        ? `all ${rule.ipProtocol}`
        : rule.fromPort === rule.toPort
          ? `${rule.ipProtocol} ${rule.fromPort}`
          : `${rule.ipProtocol} ${rule.fromPort}-${rule.toPort}`;
  return `${rule.groupId} ${ports} from ${source}`;
}

function stillOpenWarning(exposures: readonly PortExposure[], query: PortQuery, afterWrite: boolean): string {
  const through = exposures
    .map(
      (e) =>
        `rule ${e.securityGroupRuleId} in ${e.securityGroupId} (${e.ipProtocol} ${e.fromPort}-${e.toPort} from ${e.source})`,
    )
    .join(', ');
  return afterWrite
    ? `Port ${query.port}/${query.protocol} is still open to the internet through ${through}: the group changed while this request ran. Send the request again to close it.`
    : `Port ${query.port}/${query.protocol} would still be open to the internet through ${through}.`;
}

function label(instance: Ec2InstanceFacts, region: string): string {
  return instance.name
    ? `${instance.name} (${instance.instanceId}, ${region})`
    : `${instance.instanceId} (${region})`;
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
      const who = label(instance, region);

      if (plan.quotaProblems.length > 0) {
        const problems = plan.quotaProblems
          .map(
            (p) =>
              `${p.groupId} has ${p.currentRules} inbound rules and would need ${p.rulesAfter}, over its limit of ${p.limit}`,
          )
          .join('; ');
        throw new ValidationError(
          `Closing port ${query.port}/${query.protocol} on ${instanceId} keeps the other ports open by adding rules, but ${problems}. Nothing was changed: remove unneeded inbound rules from the group first (or raise the "Inbound or outbound rules per security group" quota), then try again.`,
          { quotaProblems: plan.quotaProblems },
        );
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

      const sentences: string[] = [];
      if (!changed) {
        sentences.push(
          `Port ${query.port}/${query.protocol} is not open to the internet on ${who}; nothing was changed.`,
        );
      } else {
        const [revokeVerb, addVerb] = dryRun ? ['would revoke', 'add'] : ['revoked', 'added'];
        const addedText =
          added.length > 0
            ? ` and ${addVerb} ${plural(added.length, 'rule')} so the other ports stay open (${added.map(describeRule).join('; ')})`
            : '';
        const change = `${revokeVerb} ${plural(revoked.length, 'rule')} (${revoked.map(describeRule).join('; ')})${addedText}`;
        sentences.push(
          dryRun
            ? `Dry run: closing ${query.protocol} port ${query.port} to the internet on ${who} ${change}.`
            : `Closed ${query.protocol} port ${query.port} to the internet on ${who}: ${change}.`,
        );
        if (alsoAffected.length > 0) {
          const instances = [...new Set(alsoAffected.map((a) => a.instanceId ?? a.networkInterfaceId))];
          sentences.push(
            `The changed security group${plan.changedGroupIds.length > 1 ? 's are' : ' is'} shared: ${instances.join(', ')} ${dryRun ? 'would be' : 'are'} affected too (see alsoAffected).`,
          );
        }
        if (plan.warnings.length > 0) {
          sentences.push('An all-traffic rule is replaced, so some protocols are lost (see warnings).');
        }
        sentences.push(
          stillOpen
            ? `The port ${dryRun ? 'would still be' : 'is still'} open to the internet (see warnings).`
            : `The port ${dryRun ? 'would no longer be' : 'is no longer'} open to the internet.`,
        );
        sentences.push(dryRun ? 'Nothing was changed.' : 'The undo list restores the previous rules.');
      }

      audit({
        region,
        outcome: !changed ? 'unchanged' : dryRun ? 'would-change' : 'changed',
        revokedRules,
        addedRules,
        undo,
      });
      return {
        summary: sentences.join(' '),
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
