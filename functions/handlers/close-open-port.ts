/**
 * `closeUnwantedPortForEc2Instance` and its preview: prepare (locate, read, plan against the quota),
 * check a previewed planId, write (unless dry run or nothing to do), verify, audit.
 */

import type {
  closeUnwantedPortForEc2Instance,
  previewCloseUnwantedPortForEc2Instance,
} from '../../openapi/operations';
import { closureRequestProblem, parseKeptPorts } from '../../openapi/schemas';
import { closePortAndVerify } from '../aws/verified-port-closure';
import type { ClosureQuery } from '../domain/port-closure-plan';
import type { PortProtocol } from '../domain/port-exposure';
import { auditedWrite, type WriteRecord } from '../shared/audited-write';
import { ConflictError, ValidationError } from '../shared/errors';
import type { OperationHandler } from '../shared/http-router';
import { requirePlan } from '../shared/plan-signing';
import type { JournalDeps } from './change-deps';
import type { Ec2OperationDeps } from './ec2-deps';
import { journaledPortClosure } from './journaled-port-closure';
import { answerOf, intendedExposureOf, prepareClosure } from './port-closure-preparation';
import { previewAnswer } from './preview-answer';

const OPERATION = 'closeUnwantedPortForEc2Instance';

/** What the request closes; both or neither of port and allPorts/keep is refused (the schema did, except over MCP). */
function closureQueryOf(input: {
  port?: number | undefined;
  allPorts?: boolean | undefined;
  keep?: string | undefined;
  protocol?: PortProtocol | undefined;
}): ClosureQuery {
  const problem = closureRequestProblem(input);
  if (problem !== undefined) throw new ValidationError(`Invalid request: ${problem}.`);
  if (input.port !== undefined) return { port: input.port, protocol: input.protocol ?? 'tcp' };
  return {
    closing: {
      protocols: input.protocol !== undefined ? [input.protocol] : ['tcp', 'udp'],
      keep: input.keep === undefined ? [] : parseKeptPorts(input.keep),
    },
  };
}

/** The audit target: `tcp/22`, or `all tcp+udp except 80,443`. */
function targetOf(query: ClosureQuery): string {
  if ('port' in query) return `${query.protocol}/${query.port}`;
  const { protocols, keep } = query.closing;
  return `all ${protocols.join('+')}${keep.length > 0 ? ` except ${keep.join(',')}` : ''}`;
}

/**
 * `previewCloseUnwantedPortForEc2Instance`: the write's answer, predicted, with a planId that binds it.
 * Served by the read function, so it runs without permission to write.
 */
export function createClosePortPreviewHandler(
  deps: Ec2OperationDeps,
): OperationHandler<typeof previewCloseUnwantedPortForEc2Instance> {
  return async ({ params, query: input }, context) => {
    const query = closureQueryOf(input);
    const prepared = await prepareClosure(deps, params.instanceId, query, input.region);
    const { ec2, located, facts, plan, changed } = prepared;
    const outcome = await closePortAndVerify(ec2, located, facts, plan, { query, dryRun: true, changed });
    return previewAnswer(deps, context, answerOf(prepared, query, true, outcome, true), prepared.binding);
  };
}

export function createCloseOpenPortHandler(
  deps: Ec2OperationDeps,
  journal: JournalDeps,
): OperationHandler<typeof closeUnwantedPortForEc2Instance> {
  return async ({ params, body }, context) => {
    const instanceId = params.instanceId;
    const query = closureQueryOf(body);
    const dryRun = body.dryRun === true;
    const subject = {
      operation: OPERATION,
      target: `${instanceId} ${targetOf(query)}`,
      dryRun,
      region: body.region,
    };

    return auditedWrite(context, subject, async (attempt) => {
      const force = body.force === true;
      const prepared = await prepareClosure(
        deps,
        instanceId,
        query,
        body.region,
        (region) => attempt.foundRegion(region),
        force,
      );
      // Exposed on purpose (tagged): refused, dry run included, unless the caller says force.
      if (prepared.changed && !force && prepared.intentNotice !== undefined) {
        throw new ConflictError(`Nothing was changed: ${prepared.intentNotice}`, {
          intendedExposure: intendedExposureOf(prepared),
        });
      }
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
