/** `removePublicAccessFromS3Bucket`: read, plan, write (unless dry run or nothing to do), audit. */
import type { removePublicAccessFromS3Bucket } from '../../openapi/operations';
import { upstreamError } from '../aws/aws-errors';
import {
  findOwnBucket,
  readAccountFlags,
  readBucketFlags,
  readWebsiteEnabled,
  resolveBucketRegion,
  writeBucketFlags,
} from '../aws/s3-buckets';
import { planBlockPublicAccess } from '../domain/block-public-access-plan';
import { evaluateBucketExposure } from '../domain/bucket-exposure';
import { bucketUndoPlan, type JsonValue } from '../domain/change-record';
import {
  blockPublicAccessWarnings,
  summariseBlockPublicAccess,
} from '../domain/summaries/block-public-access-summary';
import { auditedWrite, type WriteRecord } from '../shared/audited-write';
import { NotFoundError } from '../shared/errors';
import type { OperationHandler } from '../shared/http-router';
import type { JournalDeps } from './change-deps';
import { runJournaledChange } from './journaled-change';
import type { S3OperationDeps } from './s3-deps';

const OPERATION = 'removePublicAccessFromS3Bucket';

export function createBlockBucketPublicAccessHandler(
  deps: S3OperationDeps,
  journal: JournalDeps,
): OperationHandler<typeof removePublicAccessFromS3Bucket> {
  return async ({ params, body }, context) => {
    const bucketName = params.bucketName;
    const dryRun = body.dryRun === true;
    const subject = { operation: OPERATION, target: bucketName, dryRun };

    return auditedWrite(context, subject, async (attempt) => {
      const bucket = await findOwnBucket(deps.clients.s3(deps.homeRegion), bucketName);
      if (!bucket) {
        throw new NotFoundError(
          `Bucket ${bucketName} is not in this account's bucket list; check the name (list public buckets with GET /s3/public-buckets).`,
        );
      }
      // The same resolution as the scan: ListBuckets' BucketRegion, else GetBucketLocation (never the home Region).
      const resolved = await resolveBucketRegion(deps.clients.s3(deps.homeRegion), bucket);
      if (!resolved.ok) {
        throw upstreamError(`s3:${resolved.call}`, { name: resolved.errorCode });
      }
      const region = resolved.value;
      attempt.foundRegion(region);
      const s3 = deps.clients.s3(region);
      const accountId = await deps.resolveAccountId(context);
      const [bucketFlags, accountFlags, website] = await Promise.all([
        readBucketFlags(s3, bucketName),
        readAccountFlags(deps.clients, accountId, deps.homeRegion),
        readWebsiteEnabled(s3, bucketName),
      ]);
      if (!bucketFlags.ok) {
        throw upstreamError(`s3:${bucketFlags.call}`, { name: bucketFlags.errorCode });
      }
      const before = bucketFlags.value;
      const plan = planBlockPublicAccess(bucketName, region, before);
      const publicAfter =
        evaluateBucketExposure({ bucketName, accountFlags, bucketFlags: { ok: true, value: plan.after } })
          .verdict === 'public';

      const warnings = blockPublicAccessWarnings({
        bucketName,
        changed: plan.changed,
        website,
        accountFlags,
      });

      let changeId: string | null = null;
      if (plan.changed && !dryRun) {
        // The AWS write runs between its journal intent and completion (no intent recorded: no write).
        const outcome = await runJournaledChange(
          journal.journal,
          journal.now,
          context,
          {
            operation: OPERATION,
            target: { account: accountId, region, kind: 's3-bucket', id: bucketName },
            before: before as unknown as JsonValue,
            planned: plan.after as unknown as JsonValue,
          },
          async () => {
            try {
              await writeBucketFlags(s3, bucketName, plan.after);
            } catch (error) {
              throw upstreamError('s3:PutPublicAccessBlock', error, {
                applied: [],
                notApplied: ['PutPublicAccessBlock'],
              });
            }
            return {
              result: undefined,
              completion: {
                after: plan.after as unknown as JsonValue,
                revokedRules: [],
                addedRules: [],
                undoPlan: bucketUndoPlan(bucketName, region, before),
                undoCommands: plan.undo,
              },
            };
          },
        );
        changeId = outcome.changeId;
        if (outcome.journalWarning) warnings.push(outcome.journalWarning);
      }

      const summary = `${summariseBlockPublicAccess({
        bucketName,
        region,
        dryRun,
        changed: plan.changed,
        before,
        publicAfter,
      })}${changeId ? ` Recorded as change ${changeId} (GET /changes/${changeId}/undo previews its undo).` : ''}`;

      const result = {
        summary,
        bucketName,
        region,
        dryRun,
        changed: plan.changed,
        before,
        after: plan.after,
        publicAfter,
        warnings,
        undo: plan.undo,
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
