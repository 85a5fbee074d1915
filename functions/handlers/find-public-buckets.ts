/** `findS3BucketsWithPublicAccess`: scan, judge, and shape the answer. */
import type { findS3BucketsWithPublicAccess } from '../../openapi/operations';
import { scanBuckets } from '../aws/bucket-scan';
import type { OperationHandler } from '../shared/http-router';
import type { S3OperationDeps } from './s3-deps';

const DEFAULT_LIMIT = 100;

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

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
      bucketName: b.bucketName,
      region: b.region ?? 'unknown',
      reasons: b.verdict.verdict === 'public' ? b.verdict.reasons : [],
      website: b.website,
      ...(b.websiteNote === undefined ? {} : { websiteNote: b.websiteNote }),
    }));
    const unknownBuckets = unknownAll.slice(0, limit).map((b) => ({
      bucketName: b.bucketName,
      reason: b.verdict.verdict === 'unknown' ? b.verdict.reason : '',
    }));
    const latentBuckets = latentAll
      .slice(0, limit)
      .map((b) => ({ bucketName: b.bucketName, reasons: b.verdict.latentReasons }));

    const scannedBuckets = scan.scanned.length + scan.vanished.length;
    const complete = scan.notAttempted === 0;
    const scope = prefix ? ` whose name starts with "${prefix}"` : '';
    const sentences: string[] = [];
    sentences.push(
      complete
        ? `Checked ${scannedBuckets === 1 ? 'the only bucket' : scannedBuckets === 2 ? 'both buckets' : `all ${scannedBuckets} buckets`}${scope} in account ${accountId}, in every Region.`
        : `Checked ${scannedBuckets} of ${scan.listed} buckets${scope} before the time limit; ${scan.notAttempted} were not checked, so this answer is incomplete: ask again with a narrower prefix.`,
    );
    if (scan.listed === 0) sentences[0] = `Account ${accountId} has no buckets${scope}.`;
    if (publicAll.length === 0) {
      sentences.push(
        unknownAll.length === 0 ? 'None is publicly accessible.' : 'None was found publicly accessible.',
      );
    } else {
      const names = publicAll
        .slice(0, 10)
        .map(
          (b) =>
            `${b.bucketName} (${b.region ?? 'unknown Region'}${b.website === true ? ', hosts a website' : b.website === null ? ', website hosting unknown' : ''})`,
        );
      const more = publicAll.length > 10 ? ` and ${publicAll.length - 10} more` : '';
      sentences.push(
        `${plural(publicAll.length, 'bucket is', 'buckets are')} publicly accessible: ${names.join(', ')}${more}.`,
      );
    }
    if (unknownAll.length > 0) {
      sentences.push(
        `${plural(unknownAll.length, 'bucket', 'buckets')} could not be checked (see unknownBuckets for the failed AWS call) and must not be assumed private.`,
      );
    }
    if (latentAll.length > 0) {
      sentences.push(
        `${plural(latentAll.length, 'bucket has', 'buckets have')} public grants that Block Public Access neutralises today; they take effect again if it is turned off.`,
      );
    }
    if (scan.accountNeutralisesAll) {
      sentences.push(
        'The account-level Block Public Access flags ignore public ACLs and restrict public policies for every bucket, so individual buckets were not inspected for latent grants.',
      );
    }
    if (scan.vanished.length > 0) {
      sentences.push(
        `${plural(scan.vanished.length, 'bucket was', 'buckets were')} deleted during the scan and skipped.`,
      );
    }
    if (truncated) sentences.push(`Lists are cut at ${limit} entries; the counts cover everything found.`);

    return {
      summary: sentences.join(' '),
      prefix,
      scannedBuckets,
      complete,
      publicCount: publicAll.length,
      truncated,
      publicBuckets,
      unknownBuckets,
      latentBuckets,
    };
  };
}
