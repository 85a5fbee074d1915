/**
 * `blockPublicAccessForS3Account` and its preview: read the account's four flags and scan its buckets, predict
 * which stop being public once the account's flags are on (websites first), check a previewed planId, write
 * (unless dry run or nothing to do) through the write role, journal and audit.
 */
import type { S3ControlClient } from '@aws-sdk/client-s3-control';
import type {
  blockPublicAccessForS3Account,
  previewBlockPublicAccessForS3Account,
} from '../../openapi/operations';
import { upstreamError } from '../aws/aws-errors';
import { scanBuckets } from '../aws/bucket-scan';
import { writeAccountFlags } from '../aws/s3-buckets';
import {
  type AccountBlockPlan,
  type AccountBlockPrediction,
  planAccountBlock,
  predictAccountBlock,
  summariseAccountBlock,
} from '../domain/account-block-plan';
import { describeFailedRead } from '../domain/bucket-exposure';
import { accountUndoPlan, type JsonValue } from '../domain/change-record';
import { DEFAULT_EXPOSURE_TAGS, exposureIntentOf } from '../domain/exposure-intent';
import { accountBlockBinding, type ChangeBinding } from '../domain/plan-bindings';
import { BUCKET_NAME_MAX, cleanUntrustedText } from '../domain/untrusted-text';
import { auditedWrite, type WriteRecord } from '../shared/audited-write';
import { ConflictError } from '../shared/errors';
import type { OperationHandler } from '../shared/http-router';
import type { InvocationContext } from '../shared/invocation';
import { requirePlan } from '../shared/plan-signing';
import type { JournalDeps } from './change-deps';
import { runJournaledChange } from './journaled-change';
import { previewAnswer } from './preview-answer';
import type { S3OperationDeps } from './s3-deps';

const OPERATION = 'blockPublicAccessForS3Account';

interface PreparedAccountBlock {
  accountId: string;
  plan: AccountBlockPlan;
  prediction: AccountBlockPrediction;
  complete: boolean;
  binding: ChangeBinding;
}

/** Reads the account's flags and every bucket (the find's scan), and predicts; writes nothing. */
async function prepareAccountBlock(
  deps: S3OperationDeps,
  context: InvocationContext,
): Promise<PreparedAccountBlock> {
  const accountId = await deps.resolveAccountId(context);
  const scan = await scanBuckets(deps.clients, {
    accountId,
    homeRegion: deps.homeRegion,
    prefix: '',
    concurrency: deps.concurrency,
    shouldStop: () => context.remainingMs() < deps.timeReserveMs,
  });
  // Without the account's current flags there is no exact undo: refuse rather than guess.
  if (!scan.accountFlags.ok) {
    throw upstreamError(
      `s3:${scan.accountFlags.call}`,
      { name: scan.accountFlags.errorCode },
      {
        reason: describeFailedRead(scan.accountFlags),
      },
    );
  }
  const before = scan.accountFlags.value;
  const tagNames = deps.exposureTags ?? DEFAULT_EXPOSURE_TAGS;
  const prediction = predictAccountBlock(
    scan.scanned.map((b) => ({
      bucketName: b.bucketName,
      region: b.region,
      verdict: b.verdict,
      website: b.website,
      intendedReason: b.tags?.ok === true ? exposureIntentOf(b.tags.value, tagNames)?.reason : undefined,
    })),
  );
  return {
    accountId,
    plan: planAccountBlock(accountId, before),
    prediction,
    complete: scan.notAttempted === 0,
    binding: accountBlockBinding(accountId, before),
  };
}

function answerOf(prepared: PreparedAccountBlock, mode: 'preview' | 'dry-run' | 'applied') {
  const { accountId, plan, prediction, complete } = prepared;
  const clean = (name: string) => cleanUntrustedText(name, BUCKET_NAME_MAX);
  const intended = prediction.stopsBeingPublic.filter((b) => b.intended);
  return {
    summary: summariseAccountBlock({ accountId, mode, plan, prediction, complete }),
    accountId,
    dryRun: mode !== 'applied',
    changed: plan.changed,
    before: plan.before,
    after: plan.after,
    complete,
    stopsBeingPublic: prediction.stopsBeingPublic.map((b) => ({
      bucketName: clean(b.bucketName),
      region: b.region,
      website: b.website,
      intendedExposure: b.intended ? { reason: b.intendedReason } : null,
      reasons: b.reasons,
    })),
    intendedBuckets: intended.map((b) => clean(b.bucketName)),
    neutralised: prediction.neutralised.map((b) => ({ bucketName: clean(b.bucketName), reasons: b.reasons })),
    unknownBefore: prediction.unknownBefore.map(clean),
    warnings: [] as string[],
    undo: plan.undo,
  };
}

/** The write's answer, predicted, with a planId binding the account's four flags. Runs in the read function. */
export function createAccountBlockPreviewHandler(
  deps: S3OperationDeps,
): OperationHandler<typeof previewBlockPublicAccessForS3Account> {
  return async (_input, context) => {
    const prepared = await prepareAccountBlock(deps, context);
    return previewAnswer(deps, context, answerOf(prepared, 'preview'), prepared.binding);
  };
}

export function createAccountBlockHandler(
  deps: S3OperationDeps,
  journal: JournalDeps,
): OperationHandler<typeof blockPublicAccessForS3Account> {
  return async ({ body }, context) => {
    const dryRun = body.dryRun === true;
    const accountId = await deps.resolveAccountId(context);
    const subject = { operation: OPERATION, target: accountId, dryRun };
    return auditedWrite(context, subject, async (attempt) => {
      attempt.foundRegion(deps.homeRegion);
      const prepared = await prepareAccountBlock(deps, context);
      const { plan } = prepared;
      const intended = prepared.prediction.stopsBeingPublic.filter((b) => b.intended);
      // Buckets public on purpose (tagged) would be blocked too: refused, dry run included, unless force.
      if (plan.changed && intended.length > 0 && body.force !== true) {
        throw new ConflictError(
          `Nothing was changed: ${intended.length} public bucket${intended.length === 1 ? ' is' : 's are'} tagged as public on purpose and would be blocked too; repeat with force: true once their owners agree.`,
          {
            intendedBuckets: intended.map((b) => ({
              bucketName: cleanUntrustedText(b.bucketName, BUCKET_NAME_MAX),
              reason: b.intendedReason,
            })),
          },
        );
      }
      // With a planId, the account's flags must be the ones previewed, or nothing is written.
      if (body.planId !== undefined) await requirePlan(deps.plans, body.planId, prepared.binding);
      const writer =
        plan.changed && !dryRun ? await deps.writeS3Control(context.caller, deps.homeRegion) : undefined;
      let changeId: string | null = null;
      const answer = answerOf(prepared, writer ? 'applied' : 'dry-run');
      if (writer) {
        const outcome = await runJournaledChange(
          journal,
          context,
          {
            operation: OPERATION,
            target: { account: accountId, region: deps.homeRegion, kind: 's3-account', id: accountId },
            before: plan.before as unknown as JsonValue,
            planned: plan.after as unknown as JsonValue,
          },
          async () => {
            await writeFlags(writer, accountId, plan);
            return {
              result: undefined,
              completion: {
                after: plan.after as unknown as JsonValue,
                revokedRules: [],
                addedRules: [],
                undoPlan: accountUndoPlan(accountId, plan.before),
                undoCommands: plan.undo,
              },
            };
          },
        );
        changeId = outcome.changeId;
        if (outcome.journalWarning) answer.warnings.push(outcome.journalWarning);
      }
      const result = {
        ...answer,
        dryRun: writer === undefined,
        summary: `${answer.summary}${changeId ? ` Recorded as change ${changeId} (GET /changes/${changeId}/undo previews its undo).` : ''}`,
        changeId,
      };
      const record: WriteRecord = {
        region: deps.homeRegion,
        outcome: !plan.changed ? 'unchanged' : dryRun ? 'would-change' : 'changed',
        before: plan.before,
        after: plan.after,
        undo: plan.undo,
      };
      return { result, record };
    });
  };
}

/** The one AWS write; a failure reports that nothing was applied. */
async function writeFlags(
  s3control: S3ControlClient,
  accountId: string,
  plan: AccountBlockPlan,
): Promise<void> {
  try {
    await writeAccountFlags(s3control, accountId, plan.after);
  } catch (error) {
    throw upstreamError('s3:PutAccountPublicAccessBlock', error, {
      applied: [],
      notApplied: ['PutPublicAccessBlock (account)'],
    });
  }
}
