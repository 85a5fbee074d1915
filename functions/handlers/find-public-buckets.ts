/** `findS3BucketsWithPublicAccess`: scan, judge, and shape the answer. */
import type { findS3BucketsWithPublicAccess } from '../../openapi/operations';
import { scanBuckets } from '../aws/bucket-scan';
import { DEFAULT_EXPOSURE_TAGS, type ExposureIntent, exposureIntentOf } from '../domain/exposure-intent';
import { rankPublicBuckets } from '../domain/risk-report';
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
      ...(query.region !== undefined ? { region: query.region } : {}),
      concurrency: deps.concurrency,
      shouldStop: () => context.remainingMs() < deps.timeReserveMs,
    });

    // Buckets tagged as public on purpose are reported apart; an unreadable tag set leaves a bucket a finding.
    const tagNames = deps.exposureTags ?? DEFAULT_EXPOSURE_TAGS;
    const intentOf = new Map<string, ExposureIntent>();
    for (const b of scan.scanned) {
      const intent = b.tags?.ok === true ? exposureIntentOf(b.tags.value, tagNames) : undefined;
      if (intent !== undefined) intentOf.set(b.bucketName, intent);
    }
    const found = scan.scanned.flatMap((b) =>
      b.verdict.verdict === 'public'
        ? [
            {
              bucketName: b.bucketName,
              region: b.region ?? 'unknown',
              reasons: b.verdict.reasons,
              website: b.website,
              ...(b.websiteNote === undefined ? {} : { websiteNote: b.websiteNote }),
              policyAllowsWrite: b.policyAllowsWrite,
            },
          ]
        : [],
    );
    const ranked = rankPublicBuckets(found.filter((b) => !intentOf.has(b.bucketName)));
    const intendedAll = rankPublicBuckets(found.filter((b) => intentOf.has(b.bucketName))).buckets;
    const publicAll = ranked.buckets;
    const unknownAll = scan.scanned.filter((b) => b.verdict.verdict === 'unknown');
    // A public bucket can also hold a neutralised grant (a public ACL under IgnorePublicAcls on a
    // bucket public by its policy): that grant is latent too, and returns if the flag is turned off.
    const latentAll = scan.scanned.filter((b) => b.verdict.latentReasons.length > 0);
    const truncated =
      publicAll.length > limit ||
      unknownAll.length > limit ||
      latentAll.length > limit ||
      intendedAll.length > limit;

    const publicBuckets = publicAll
      .slice(0, limit)
      .map((b) => ({ ...b, bucketName: cleanUntrustedText(b.bucketName, BUCKET_NAME_MAX) }));
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
      regionAsked: query.region,
      listed: scan.listed,
      scannedBuckets,
      notAttempted: scan.notAttempted,
      publicBuckets: publicAll,
      bySeverity: ranked.counts.bySeverity,
      intendedCount: intendedAll.length,
      intendedTag: tagNames.intentKey,
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
      counts: ranked.counts,
      intendedCount: intendedAll.length,
      intendedBuckets: intendedAll.slice(0, limit).map((b) => ({
        bucketName: cleanUntrustedText(b.bucketName, BUCKET_NAME_MAX),
        region: b.region,
        severity: b.severity,
        website: b.website,
        reason: intentOf.get(b.bucketName)?.reason ?? null,
      })),
      unknownBuckets,
      latentBuckets,
    };
  };
}
