/** `findS3BucketsWithPublicAccess`: scan, judge, and shape the answer. */
import { DEFAULT_FIND_LIMIT } from '../../openapi/limits';
import type { findS3BucketsWithPublicAccess } from '../../openapi/operations';
import { scanBuckets } from '../aws/bucket-scan';
import { summariseBucketScan } from '../domain/summaries/bucket-scan-summary';
import { BUCKET_NAME_MAX, cleanUntrustedText } from '../domain/untrusted-text';
import type { OperationHandler } from '../shared/http-router';
import type { InvocationContext } from '../shared/invocation';
import { pagedScan } from './paged-scan';
import type { S3OperationDeps } from './s3-deps';

export function createFindPublicBucketsHandler(
  deps: S3OperationDeps,
): OperationHandler<typeof findS3BucketsWithPublicAccess> {
  return async ({ query }, context) => {
    const { limit, nextToken, fresh, ...parameters } = query;
    const paged = await pagedScan(
      deps.snapshots,
      context,
      {
        operation: 'findS3BucketsWithPublicAccess',
        service: 's3',
        parameters,
        limit: limit ?? DEFAULT_FIND_LIMIT,
        nextToken,
        fresh: fresh === true,
      },
      () => scanWhole(deps, query, context),
    );
    return {
      ...paged.fields,
      ...paged.lists,
      ...paged.page,
      summary: [paged.fields.summary, paged.pageSummary].filter((s) => s !== '').join(' '),
    };
  };
}

/** The whole answer, every list complete and in order: pagedScan keeps it and cuts the pages. */
async function scanWhole(
  deps: S3OperationDeps,
  query: { prefix?: string | undefined },
  context: InvocationContext,
) {
  const prefix = query.prefix ?? '';
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

  const publicBuckets = publicAll.map((b) => ({
    bucketName: cleanUntrustedText(b.bucketName, BUCKET_NAME_MAX),
    region: b.region ?? 'unknown',
    reasons: b.verdict.verdict === 'public' ? b.verdict.reasons : [],
    website: b.website,
    ...(b.websiteNote === undefined ? {} : { websiteNote: b.websiteNote }),
  }));
  const unknownBuckets = unknownAll.map((b) => ({
    bucketName: cleanUntrustedText(b.bucketName, BUCKET_NAME_MAX),
    reason: b.verdict.verdict === 'unknown' ? b.verdict.reason : '',
  }));
  const latentBuckets = latentAll.map((b) => ({
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
    // The page's own sentence says where the lists go on.
    truncated: false,
    limit: 0,
  });

  const complete = scan.notAttempted === 0;
  return {
    fields: { summary, prefix, scannedBuckets, complete, publicCount: publicAll.length },
    lists: { publicBuckets, unknownBuckets, latentBuckets },
    reusable: complete,
  };
}
