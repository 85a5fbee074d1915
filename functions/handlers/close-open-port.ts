/**
 * `closeUnwantedPortForEc2Instance` and its preview: prepare (locate, read, plan against the quota),
 * check a previewed planId, write (unless dry run or nothing to do), verify, audit.
 */
import type {
  closeUnwantedPortForEc2Instance,
  previewCloseUnwantedPortForEc2Instance,
} from '../../openapi/operations';
import type { PortQuery } from '../aws/ec2-port-scan';
import { closePortAndVerify } from '../aws/verified-port-closure';
import { applyAccessOf, withApplyNote } from '../domain/apply-access';
import { auditedWrite, type WriteRecord } from '../shared/audited-write';
import type { OperationHandler } from '../shared/http-router';
import { issuePlan, requirePlan } from '../shared/plan-signing';
import type { JournalDeps } from './change-deps';
import type { Ec2OperationDeps } from './ec2-deps';
import { journaledPortClosure } from './journaled-port-closure';
import { answerOf, prepareClosure } from './port-closure-preparation';

const OPERATION = 'closeUnwantedPortForEc2Instance';

/**
 * `previewCloseUnwantedPortForEc2Instance`: the write's answer, predicted, with a planId that binds it.
 * Served by the read function, so it runs without permission to write.
 */
export function createClosePortPreviewHandler(
  deps: Ec2OperationDeps,
): OperationHandler<typeof previewCloseUnwantedPortForEc2Instance> {
  return async ({ params, query: input }, context) => {
    const query: PortQuery = { port: input.port, protocol: input.protocol ?? 'tcp' };
    const prepared = await prepareClosure(deps, params.instanceId, query, input.region);
    const { ec2, located, facts, plan, changed } = prepared;
    const outcome = await closePortAndVerify(ec2, located, facts, plan, { query, dryRun: true, changed });
    const answer = answerOf(prepared, query, true, outcome, true);
    const access = applyAccessOf(context.caller, deps.remediatorGroup);
    return {
      ...answer,
      summary: withApplyNote(answer.summary, access),
      changeId: null,
      ...(await issuePlan(deps.plans, prepared.binding)),
      ...access,
    };
  };
}

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
      const prepared = await prepareClosure(deps, instanceId, query, body.region, (region) =>
        attempt.foundRegion(region),
      );
      // With a planId, the fresh read must be the one previewed, or nothing is written.
      if (body.planId !== undefined) await requirePlan(deps.plans, body.planId, prepared.binding);
      const { ec2, located, facts, plan, changed } = prepared;
      // As the caller: CloudTrail's sourceIdentity names them (a refused AssumeRole stops here, before any
      // journal record or write).
      const writer = changed && !dryRun ? await deps.writeEc2(context.caller, located.region) : ec2;
      const closeAndVerify = () =>
        closePortAndVerify(ec2, located, facts, plan, { query, dryRun, changed }, writer);
      // A real change runs between its journal intent and completion (no intent recorded: no write).
      const { outcome, changeId } =
        changed && !dryRun
          ? await journaledPortClosure(journal, context, prepared, query, closeAndVerify)
          : { outcome: await closeAndVerify(), changeId: null };
      const answer = answerOf(prepared, query, dryRun, outcome);
      const result = {
        ...answer,
        summary: `${answer.summary}${changeId ? ` Recorded as change ${changeId} (GET /changes/${changeId}/undo previews its undo).` : ''}`,
        changeId,
      };
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
