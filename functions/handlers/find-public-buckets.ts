/** `findS3BucketsWithPublicAccess`: scan, judge, and shape the answer. */
import type { findS3BucketsWithPublicAccess } from '../../openapi/operations';
import { scanBuckets } from '../aws/bucket-scan';
import { DEFAULT_EXPOSURE_TAGS, type ExposureIntent, exposureIntentOf } from '../domain/exposure-intent';
import { rankPublicBuckets } from '../domain/risk-report';
import { summariseBucketScan } from '../domain/summaries/bucket-scan-summary';
import { BUCKET_NAME_MAX, cleanUntrustedText } from '../domain/untrusted-text';
import type { OperationHandler } from '../shared/http-router';
import type { InvocationContext } from '../shared/invocation';
import { pagedFind } from './paged-scan';
import type { S3OperationDeps } from './s3-deps';

export function createFindPublicBucketsHandler(
  deps: S3OperationDeps,
): OperationHandler<typeof findS3BucketsWithPublicAccess> {
  return async ({ query }, context) =>
    pagedFind(
      deps.snapshots,
      context,
      { operation: 'findS3BucketsWithPublicAccess', service: 's3' },
      query,
      (parameters) => scanWhole(deps, parameters, context),
    );
}

/** The whole answer, every list complete and in order: pagedScan keeps it and cuts the pages. */
async function scanWhole(
  deps: S3OperationDeps,
  query: { prefix?: string | undefined; region?: string | undefined },
  context: InvocationContext,
) {
  const prefix = query.prefix ?? '';
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

  const publicBuckets = publicAll.map((b) => ({
    ...b,
    bucketName: cleanUntrustedText(b.bucketName, BUCKET_NAME_MAX),
  }));
  const unknownBuckets = unknownAll.map((b) => ({
    bucketName: cleanUntrustedText(b.bucketName, BUCKET_NAME_MAX),
    reason: b.verdict.verdict === 'unknown' ? b.verdict.reason : '',
  }));
  const latentBuckets = latentAll.map((b) => ({
    bucketName: cleanUntrustedText(b.bucketName, BUCKET_NAME_MAX),
    reasons: b.verdict.latentReasons,
  }));
  const intendedBuckets = intendedAll.map((b) => ({
    bucketName: cleanUntrustedText(b.bucketName, BUCKET_NAME_MAX),
    region: b.region,
    severity: b.severity,
    website: b.website,
    reason: intentOf.get(b.bucketName)?.reason ?? null,
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
    // The page's own sentence says where the lists go on.
    truncated: false,
    limit: 0,
  });

  const complete = scan.notAttempted === 0;
  return {
    fields: {
      summary,
      prefix,
      scannedBuckets,
      complete,
      publicCount: publicAll.length,
      counts: ranked.counts,
      intendedCount: intendedAll.length,
    },
    lists: { publicBuckets, intendedBuckets, unknownBuckets, latentBuckets },
    reusable: complete,
  };
}
