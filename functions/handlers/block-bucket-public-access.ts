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
import {
  combineFlags,
  describeFailedRead,
  evaluateBucketExposure,
  type PublicAccessBlockFlags,
} from '../domain/bucket-exposure';
import { writeAuditRecord } from '../shared/audit';
import { ApiError, NotFoundError } from '../shared/errors';
import type { OperationHandler } from '../shared/http-router';
import type { S3OperationDeps } from './s3-deps';

const OPERATION = 'removePublicAccessFromS3Bucket';

export function createBlockBucketPublicAccessHandler(
  deps: S3OperationDeps,
): OperationHandler<typeof removePublicAccessFromS3Bucket> {
  return async ({ params, body }, context) => {
    const bucketName = params.bucketName;
    const dryRun = body.dryRun === true;
    const audit = (record: Omit<Parameters<typeof writeAuditRecord>[2], 'operation' | 'target' | 'dryRun'>) =>
      writeAuditRecord(context.caller, context.requestId, {
        operation: OPERATION,
        target: bucketName,
        dryRun,
        ...record,
      });

    try {
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

      const warnings: string[] = [];
      if (website.ok && website.value && plan.changed) {
        warnings.push(
          `Bucket ${bucketName} hosts a static website: once public access is blocked, its website endpoint answers 403 Access Denied to visitors. Serve it through CloudFront with origin access control instead.`,
        );
      } else if (!website.ok && plan.changed) {
        warnings.push(
          `Could not check whether ${bucketName} hosts a website (${describeFailedRead(website)}).`,
        );
      }
      if (accountFlags.ok) {
        const account = combineFlags(accountFlags.value, null);
        if (
          !(
            account.BlockPublicAcls &&
            account.IgnorePublicAcls &&
            account.BlockPublicPolicy &&
            account.RestrictPublicBuckets
          )
        ) {
          warnings.push(
            'Account-level Block Public Access is not fully on, so other buckets can still be made public; consider `aws s3control put-public-access-block` for the whole account.',
          );
        }
      } else {
        warnings.push(
          `Could not read the account-level Block Public Access flags (${describeFailedRead(accountFlags)}).`,
        );
      }

      if (plan.changed && !dryRun) {
        try {
          await writeBucketFlags(s3, bucketName, plan.after);
        } catch (error) {
          throw upstreamError('s3:PutPublicAccessBlock', error, {
            applied: [],
            notApplied: ['PutPublicAccessBlock'],
          });
        }
      }

      const summary = !plan.changed
        ? `Bucket ${bucketName} (${region}) already has all four Block Public Access flags on; nothing was changed.`
        : dryRun
          ? `Dry run: blocking public access on ${bucketName} (${region}) would turn on ${describeTurnedOn(before)}. Nothing was changed.`
          : `Blocked public access on ${bucketName} (${region}): turned on ${describeTurnedOn(before)}. The bucket is ${publicAfter ? 'still public' : 'no longer public'}. The undo list restores the previous flags.`;

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
      };
      audit({
        region,
        outcome: !plan.changed ? 'unchanged' : dryRun ? 'would-change' : 'changed',
        before,
        after: plan.after,
        undo: plan.undo,
      });
      return result;
    } catch (error) {
      if (error instanceof ApiError) {
        audit({
          region: null,
          outcome: error.status < 500 ? 'rejected' : 'failed',
          error: {
            code: error.code,
            message: error.message,
            ...(error.details ? { details: error.details } : {}),
          },
        });
      }
      throw error;
    }
  };
}

function describeTurnedOn(before: PublicAccessBlockFlags | null): string {
  const all = ['BlockPublicAcls', 'IgnorePublicAcls', 'BlockPublicPolicy', 'RestrictPublicBuckets'] as const;
  const off = all.filter((flag) => before?.[flag] !== true);
  return off.length === all.length ? 'all four flags' : off.join(', ');
}
