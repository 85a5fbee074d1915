/** `findS3BucketsWithPublicAccess`: scan, judge, and shape the answer. */
import type { findS3BucketsWithPublicAccess } from '../../openapi/operations';
import { scanBuckets } from '../aws/bucket-scan';
import { summariseBucketScan } from '../domain/summaries/bucket-scan-summary';
import { BUCKET_NAME_MAX, cleanUntrustedText } from '../domain/untrusted-text';
import type { OperationHandler } from '../shared/http-router';
import type { S3OperationDeps } from './s3-deps';

const DEFAULT_LIMIT = 100;

export function createFindPublicBucketsHandler(
  deps: S3OperationDeps,
): OperationHandler<typeof findS3BucketsWithPublicAccess> {
  return async ({ query }, context) => {
    const prefix = query.prefix ?? '';
    const limit = query.limit ?? DEFAULT_LIMIT;
    const accountId = await deps.resolveAccountId(context);
    const scan = await scanBuckets(deps.clients, {
      accountId,
      homeRegion: deps.homeRegion,
      prefix,
      concurrency: deps.concurrency,
      shouldStop: () => context.remainingMs() < deps.timeReserveMs,
    });

    const publicAll = scan.scanned.filter((b) => b.verdict.verdict === 'public');
    const unknownAll = scan.scanned.filter((b) => b.verdict.verdict === 'unknown');
    // A public bucket can also hold a neutralised grant (a public ACL under IgnorePublicAcls on a
    // bucket public by its policy): that grant is latent too, and returns if the flag is turned off.
    const latentAll = scan.scanned.filter((b) => b.verdict.latentReasons.length > 0);
    const truncated = publicAll.length > limit || unknownAll.length > limit || latentAll.length > limit;

    const publicBuckets = publicAll.slice(0, limit).map((b) => ({
      bucketName: cleanUntrustedText(b.bucketName, BUCKET_NAME_MAX),
      region: b.region ?? 'unknown',
      reasons: b.verdict.verdict === 'public' ? b.verdict.reasons : [],
      website: b.website,
      ...(b.websiteNote === undefined ? {} : { websiteNote: b.websiteNote }),
    }));
    const unknownBuckets = unknownAll.slice(0, limit).map((b) => ({
      bucketName: cleanUntrustedText(b.bucketName, BUCKET_NAME_MAX),
      reason: b.verdict.verdict === 'unknown' ? b.verdict.reason : '',
    }));
    const latentBuckets = latentAll.slice(0, limit).map((b) => ({
      bucketName: cleanUntrustedText(b.bucketName, BUCKET_NAME_MAX),
      reasons: b.verdict.latentReasons,
    }));

    const scannedBuckets = scan.scanned.length + scan.vanished.length;
    const summary = summariseBucketScan({
      accountId,
      prefix,
      listed: scan.listed,
      scannedBuckets,
      notAttempted: scan.notAttempted,
      publicBuckets: publicAll,
      unknownCount: unknownAll.length,
      latentCount: latentAll.length,
      vanishedCount: scan.vanished.length,
      accountNeutralisesAll: scan.accountNeutralisesAll,
      truncated,
      limit,
    });

    return {
      summary,
      prefix,
      scannedBuckets,
      complete: scan.notAttempted === 0,
      publicCount: publicAll.length,
      truncated,
      publicBuckets,
      unknownBuckets,
      latentBuckets,
    };
  };
}
