/**
 * `previewUndoOfChange` and `applyUndoOfChange`: read the change from the
 * journal and its target as it is now, let the domain judge whether the undo
 * is still safe (the target is as the change left it), and apply it as a
 * journaled change of its own.
 */
import type { applyUndoOfChange, previewUndoOfChange } from '../../openapi/operations';
import { awsErrorCode, upstreamError } from '../aws/aws-errors';
import { describeIngressRules } from '../aws/ec2-instances';
import { applyPortClosure } from '../aws/port-closure';
import { deleteBucketFlags, readBucketFlags, writeBucketFlags } from '../aws/s3-buckets';
import { accountFlagsCommand } from '../domain/account-block-plan';
import { applyAccessOf, withApplyNote } from '../domain/apply-access';
import type { PublicAccessBlockFlags } from '../domain/bucket-exposure';
import {
  bucketUndoPlan,
  type ChangeRecord,
  type CurrentTargetState,
  type JsonValue,
  judgeUndo,
  portClosureUndoPlan,
  type UndoStep,
  type UndoVerdict,
} from '../domain/change-record';
import { undoBinding } from '../domain/plan-bindings';
import { undoCommands } from '../domain/port-closure-undo';
import type { IngressRule } from '../domain/port-exposure';
import type { NewIngressRule } from '../domain/security-group-rules';
import { toRuleChange } from '../domain/security-group-rules';
import { ApiError, NotFoundError } from '../shared/errors';
import type { OperationHandler } from '../shared/http-router';
import { issuePlan, requirePlan } from '../shared/plan-signing';
import { readAccountState, undoAccountBlock } from './account-block-undo';
import type { UndoDeps } from './change-deps';
import { runJournaledChange } from './journaled-change';
import { protectedBucketRefusal } from './protected-bucket';

const OPERATION = 'applyUndoOfChange';

/** 409: the undo would overwrite a later change, or there is nothing to undo. */
export class UndoConflictError extends ApiError {
  constructor(message: string, details?: Record<string, unknown>) {
    super(409, 'Conflict', message, details);
  }
}

async function readChange(deps: UndoDeps, changeId: string): Promise<ChangeRecord> {
  let record: ChangeRecord | undefined;
  try {
    record = await deps.journal.getChange(changeId);
  } catch (error) {
    throw upstreamError('dynamodb:GetItem', error);
  }
  if (!record) {
    throw new NotFoundError(
      `No change ${changeId} is recorded; list the recorded changes with GET /changes and take the changeId from there.`,
    );
  }
  return record;
}

async function readCurrentState(deps: UndoDeps, record: ChangeRecord): Promise<CurrentTargetState> {
  const { target } = record;
  if (target.kind === 's3-bucket') {
    const flags = await readBucketFlags(deps.s3(target.region), target.id);
    if (!flags.ok) throw upstreamError(`s3:${flags.call}`, { name: flags.errorCode });
    return { kind: 's3-bucket', flags: flags.value };
  }
  if (target.kind === 's3-account') return readAccountState(deps, target.id, target.region);
  const rulesByGroup = await describeIngressRules(deps.ec2(target.region), target.securityGroupIds ?? []);
  return { kind: 'ec2-instance', rulesByGroup };
}

/** The CLI text of undo steps (the same commands the original answers printed). */
function commandsFor(steps: readonly UndoStep[]): string[] {
  return steps.flatMap((step) => {
    switch (step.action) {
      case 'restoreBucketPublicAccessBlock':
        return step.flags === null
          ? [`aws s3api delete-public-access-block --bucket ${step.bucketName} --region ${step.region}`]
          : [
              `aws s3api put-public-access-block --bucket ${step.bucketName} --region ${step.region} --public-access-block-configuration ${(
                ['BlockPublicAcls', 'IgnorePublicAcls', 'BlockPublicPolicy', 'RestrictPublicBuckets'] as const
              )
                .map((flag) => `${flag}=${step.flags?.[flag]}`)
                .join(',')}`,
            ];
      case 'restoreAccountPublicAccessBlock':
        return [accountFlagsCommand(step.accountId, step.flags)];
      case 'authorizeIngressRule':
        return undoCommands(step.region, [step.rule], []);
      default:
        return [
          `aws ec2 revoke-security-group-ingress --region ${step.region} --group-id ${step.groupId} --security-group-rule-ids ${step.securityGroupRuleId}`,
        ];
    }
  });
}

/** The rules an EC2 undo would revoke (the change's added rules) and add (its revoked rules), predicted. */
function predictRules(steps: readonly UndoStep[], current: CurrentTargetState) {
  if (current.kind !== 'ec2-instance') return { revokedRules: [], addedRules: [] };
  const revokedRules = steps.flatMap((step) => {
    if (step.action !== 'revokeIngressRule') return [];
    const rule = current.rulesByGroup
      .get(step.groupId)
      ?.find((candidate) => candidate.securityGroupRuleId === step.securityGroupRuleId);
    return rule ? [toRuleChange(rule)] : [];
  });
  const addedRules = steps.flatMap((step) =>
    step.action === 'authorizeIngressRule' ? [toRuleChange(step.rule)] : [],
  );
  return { revokedRules, addedRules };
}

/** What an undo of a bucket change does, completing "remove the tag to let this API ...". */
const BUCKET_UNDO = 'put back its previous Block Public Access flags';

/**
 * An undo is a change too: a bucket that carries the protected tag now is refused like any other change to it
 * (security groups rely on the write role's IAM Deny, which sees their tags). Read only when the undo would write.
 */
async function protectedRefusal(deps: UndoDeps, record: ChangeRecord, verdict: UndoVerdict) {
  const { target } = record;
  if (!verdict.undoable || target.kind !== 's3-bucket') return undefined;
  return protectedBucketRefusal(deps.s3(target.region), target.id, deps.protectedTagKey, BUCKET_UNDO);
}

function describeTarget(record: ChangeRecord): string {
  return record.target.kind === 's3-bucket'
    ? `bucket ${JSON.stringify(record.target.id)} (${record.target.region})`
    : record.target.kind === 's3-account'
      ? `the Block Public Access of account ${record.target.id}`
      : `the security groups of ${record.target.id} (${record.target.region})`;
}

export function createPreviewUndoHandler(deps: UndoDeps): OperationHandler<typeof previewUndoOfChange> {
  return async ({ params }, context) => {
    const record = await readChange(deps, params.changeId);
    const current = await readCurrentState(deps, record);
    const judged = judgeUndo(record, current);
    const refusal = await protectedRefusal(deps, record, judged);
    // The same words the apply's 409 would say, as the reason it cannot be undone.
    const verdict: UndoVerdict = refusal
      ? { undoable: false, reason: refusal.message, conflicts: [] }
      : judged;
    const steps = verdict.undoable ? verdict.steps : [];
    // Only an undo that can be applied gets a planId: the apply checks the target is still as read here.
    const plan = verdict.undoable
      ? await issuePlan(deps.plans, undoBinding(record.changeId, current))
      : { planId: null, expiresAt: null };
    const access = applyAccessOf(context.caller, deps.remediatorGroup);
    return {
      summary: verdict.undoable
        ? withApplyNote(
            `Preview: undoing change ${record.changeId} would put ${describeTarget(record)} back as it was before: ${commandsFor(steps).length} step${steps.length === 1 ? '' : 's'} (see undo). Nothing was changed; once the user agrees, apply it with this planId.`,
            access,
          )
        : `Change ${record.changeId} cannot be undone: ${verdict.reason}`,
      ...plan,
      ...access,
      undoOf: record.changeId,
      target: record.target,
      undoable: verdict.undoable,
      reason: verdict.undoable ? null : verdict.reason,
      steps: steps as unknown as Array<{ action: string }>,
      undo: commandsFor(steps),
    };
  };
}

export function createApplyUndoHandler(deps: UndoDeps): OperationHandler<typeof applyUndoOfChange> {
  return async ({ params, body }, context) => {
    const record = await readChange(deps, params.changeId);
    const current = await readCurrentState(deps, record);
    // With a planId, the target must still be as the preview read it, or nothing is written.
    if (body.planId !== undefined)
      await requirePlan(deps.plans, body.planId, undoBinding(record.changeId, current));
    const verdict = judgeUndo(record, current);
    if (!verdict.undoable) {
      throw new UndoConflictError(`Nothing was changed: ${verdict.reason}`, { conflicts: verdict.conflicts });
    }
    // Before any write, the dry run included (like blocking public access): 409 with the same words.
    const refusal = await protectedRefusal(deps, record, verdict);
    if (refusal) throw refusal;
    const { target } = record;
    if (body.dryRun === true) {
      const predicted = predictRules(verdict.steps, current);
      return {
        summary: `Dry run: undoing change ${record.changeId} would put ${describeTarget(record)} back as it was before (see undo). Nothing was changed.`,
        dryRun: true,
        changeId: null,
        undoOf: record.changeId,
        target,
        steps: verdict.steps as unknown as Array<{ action: string }>,
        undo: commandsFor(verdict.steps),
        ...predicted,
        warnings: [],
      };
    }
    const before: JsonValue =
      current.kind === 's3-bucket' || current.kind === 's3-account'
        ? (current.flags as unknown as JsonValue)
        : (Object.fromEntries(current.rulesByGroup) as unknown as JsonValue);
    const outcome = await runJournaledChange(
      deps,
      context,
      {
        operation: OPERATION,
        target,
        before,
        planned: verdict.steps as unknown as JsonValue,
        undoOf: record.changeId,
      },
      async () => {
        if (current.kind === 's3-account')
          return undoAccountBlock(deps, context, target.region, verdict.steps, current.flags);
        if (current.kind === 's3-bucket') {
          const [step] = verdict.steps;
          if (step?.action !== 'restoreBucketPublicAccessBlock')
            throw new Error('bucket undo plan without a restore step');
          // As the caller, like every write: CloudTrail's sourceIdentity names who asked for the undo.
          const s3 = await deps.writeS3(context.caller, step.region);
          try {
            if (step.flags === null) await deleteBucketFlags(s3, step.bucketName);
            else await writeBucketFlags(s3, step.bucketName, step.flags);
          } catch (error) {
            throw upstreamError(
              step.flags === null ? 's3:DeletePublicAccessBlock' : 's3:PutPublicAccessBlock',
              error,
              { applied: [], notApplied: commandsFor(verdict.steps) },
            );
          }
          return {
            result: { revokedRules: [], addedRules: [], warnings: [] as string[] },
            completion: {
              after: step.flags as unknown as JsonValue,
              revokedRules: [],
              addedRules: [],
              // Undoing the undo puts back the flags it replaced.
              undoPlan: bucketUndoPlan(
                step.bucketName,
                step.region,
                current.flags as PublicAccessBlockFlags | null,
              ),
              undoCommands: commandsFor(bucketUndoPlan(step.bucketName, step.region, current.flags)),
            },
          };
        }
        const authorize: NewIngressRule[] = [];
        const revoke: IngressRule[] = [];
        for (const step of verdict.steps) {
          if (step.action === 'authorizeIngressRule') authorize.push(step.rule);
          if (step.action === 'revokeIngressRule') {
            const rule = current.rulesByGroup
              .get(step.groupId)
              ?.find((candidate) => candidate.securityGroupRuleId === step.securityGroupRuleId);
            if (rule) revoke.push(rule);
          }
        }
        const writer = await deps.writeEc2(context.caller, target.region);
        const applied = await applyPortClosure(writer, target.region, { authorize, revoke });
        const revokedRules = applied.revokedRules.map(toRuleChange);
        const addedRules = applied.addedRules.map(toRuleChange);
        const undoPlan = portClosureUndoPlan(target.region, applied.revokedRules, applied.addedRules);
        return {
          result: { revokedRules, addedRules, warnings: applied.notices },
          completion: {
            after: null,
            revokedRules,
            addedRules,
            undoPlan,
            undoCommands: undoCommands(target.region, applied.revokedRules, applied.addedRules),
          },
        };
      },
    );
    const warnings = [...outcome.result.warnings];
    if (outcome.journalWarning) warnings.push(outcome.journalWarning);
    try {
      await deps.journal.markUndone(record.changeId, outcome.changeId);
    } catch (error) {
      warnings.push(
        `The undo was made (change ${outcome.changeId}), but change ${record.changeId} could not be marked undone (${awsErrorCode(error)}).`,
      );
    }
    return {
      summary: `Undid change ${record.changeId}: ${describeTarget(record)} ${record.target.kind !== 'ec2-instance' ? 'has its previous Block Public Access flags again' : `has its previous rules again (re-added ${outcome.result.addedRules.length}, removed ${outcome.result.revokedRules.length})`}. This undo is recorded as change ${outcome.changeId}, which can itself be undone.`,
      dryRun: false,
      changeId: outcome.changeId,
      undoOf: record.changeId,
      target: record.target,
      steps: verdict.steps as unknown as Array<{ action: string }>,
      undo: commandsFor(verdict.steps),
      revokedRules: outcome.result.revokedRules,
      addedRules: outcome.result.addedRules,
      warnings,
    };
  };
}
