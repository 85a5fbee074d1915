/** `removePublicAccessFromS3Bucket` and its preview: prepare, check a previewed planId, write (unless dry run or nothing to do), audit. */

import type { S3Client } from '@aws-sdk/client-s3';
import type {
  previewRemovePublicAccessFromS3Bucket,
  removePublicAccessFromS3Bucket,
} from '../../openapi/operations';
import { upstreamError } from '../aws/aws-errors';
import { writeBucketFlags } from '../aws/s3-buckets';
import type { PublicAccessBlockFlags } from '../domain/bucket-exposure';
import { auditedWrite, type WriteRecord } from '../shared/audited-write';
import { ConflictError } from '../shared/errors';
import type { OperationHandler } from '../shared/http-router';
import { requirePlan } from '../shared/plan-signing';
import { answerOf, prepareBlock } from './block-public-access-preparation';
import type { JournalDeps } from './change-deps';
import { journaledBucketBlock } from './journaled-bucket-block';
import { previewAnswer } from './preview-answer';
import type { S3OperationDeps } from './s3-deps';

const OPERATION = 'removePublicAccessFromS3Bucket';

/**
 * `previewRemovePublicAccessFromS3Bucket`: the write's answer, predicted, with a planId that binds it.
 * Served by the read function, so it runs without permission to write.
 */
export function createBlockPublicAccessPreviewHandler(
  deps: S3OperationDeps,
): OperationHandler<typeof previewRemovePublicAccessFromS3Bucket> {
  return async ({ params }, context) => {
    const prepared = await prepareBlock(deps, params.bucketName, context);
    return previewAnswer(deps, context, answerOf(params.bucketName, prepared, true, true), prepared.binding);
  };
}

export function createBlockBucketPublicAccessHandler(
  deps: S3OperationDeps,
  journal: JournalDeps,
): OperationHandler<typeof removePublicAccessFromS3Bucket> {
  return async ({ params, body }, context) => {
    const bucketName = params.bucketName;
    const dryRun = body.dryRun === true;
    const subject = { operation: OPERATION, target: bucketName, dryRun };

    return auditedWrite(context, subject, async (attempt) => {
      const force = body.force === true;
      const prepared = await prepareBlock(
        deps,
        bucketName,
        context,
        (region) => attempt.foundRegion(region),
        force,
      );
      // Public on purpose (tagged): refused, dry run included, unless the caller says force.
      if (prepared.intent !== undefined && !force && prepared.intentNotice !== undefined) {
        throw new ConflictError(`Nothing was changed: ${prepared.intentNotice}`, {
          intendedExposure: { reason: prepared.intent.reason },
        });
      }
      // With a planId, the fresh read must be the one previewed, or nothing is written.
      if (body.planId !== undefined) await requirePlan(deps.plans, body.planId, prepared.binding);
      const { region, before, plan } = prepared;

      // As the caller: CloudTrail's sourceIdentity names them (a refused AssumeRole stops here, before any
      // journal record or write).
      const writer = plan.changed && !dryRun ? await deps.writeS3(context.caller, region) : undefined;
      const changeId = writer
        ? await journaledBucketBlock(journal, context, prepared, bucketName, () =>
            writeBlock(writer, bucketName, plan.after),
          )
        : null;
      const answer = answerOf(bucketName, prepared, dryRun);
      const result = {
        ...answer,
        summary: `${answer.summary}${changeId ? ` Recorded as change ${changeId} (GET /changes/${changeId}/undo previews its undo).` : ''}`,
        changeId,
      };
      const record: WriteRecord = {
        region,
        outcome: !plan.changed ? 'unchanged' : dryRun ? 'would-change' : 'changed',
        before,
        after: plan.after,
        undo: plan.undo,
      };
      return { result, record };
    });
  };
}

/** The one AWS write; a failure reports that nothing was applied. */
async function writeBlock(s3: S3Client, bucketName: string, flags: PublicAccessBlockFlags): Promise<void> {
  try {
    await writeBucketFlags(s3, bucketName, flags);
  } catch (error) {
    throw upstreamError('s3:PutPublicAccessBlock', error, {
      applied: [],
      notApplied: ['PutPublicAccessBlock'],
    });
  }
}
