/** The `summary` of `findS3BucketsWithPublicAccess`: one paragraph from the partitioned scan. */
import { SEVERITIES, type Severity, type SeverityCounts } from '../exposure-risk';
import { BUCKET_NAME_MAX, quoteUntrusted } from '../untrusted-text';
import { plural } from './plural';

/** Public buckets named in the summary; the rest are counted. */
const NAMED_IN_SUMMARY = 10;

/** What the sentences need from a bucket scan, already split into public, unknown and latent. */
export interface BucketScanSummaryInput {
  accountId: string;
  prefix: string;
  /** Buckets the listing returned. */
  listed: number;
  /** Buckets judged or found deleted meanwhile. */
  scannedBuckets: number;
  /** Buckets not reached before the time limit. */
  notAttempted: number;
  /** The Region the caller asked for; undefined when every Region was checked. */
  regionAsked?: string | undefined;
  /** In risk order (worst first): the summary names the first ones. */
  publicBuckets: ReadonlyArray<{
    bucketName: string;
    region: string | undefined;
    website: boolean | null;
    severity?: Severity;
    access?: 'read' | 'write';
  }>;
  bySeverity?: SeverityCounts;
  /** Public buckets tagged as exposed on purpose, listed apart (not in `publicBuckets`). */
  intendedCount?: number;
  /** The intent tag key, named in the sentence. */
  intendedTag?: string;
  unknownCount: number;
  latentCount: number;
  vanishedCount: number;
  accountNeutralisesAll: boolean;
  truncated: boolean;
  limit: number;
}

/** The answer's summary, in the order a person asks: what was checked, what is public, what is unsure. */
export function summariseBucketScan(scan: BucketScanSummaryInput): string {
  const { accountId, scannedBuckets } = scan;
  const scope = [
    scan.prefix ? ` whose name starts with "${scan.prefix}"` : '',
    scan.regionAsked !== undefined ? ` in ${scan.regionAsked}` : '',
  ].join('');
  const everywhere = scan.regionAsked === undefined ? ', in every Region' : '';
  const sentences: string[] = [];
  if (scan.listed === 0) sentences.push(`Account ${accountId} has no buckets${scope}.`);
  else if (scan.notAttempted === 0) {
    const which =
      scannedBuckets === 1
        ? 'the only bucket'
        : scannedBuckets === 2
          ? 'both buckets'
          : `all ${scannedBuckets} buckets`;
    sentences.push(`Checked ${which}${scope} in account ${accountId}${everywhere}.`);
  } else {
    sentences.push(
      `Checked ${scannedBuckets} of ${scan.listed} buckets${scope} before the time limit; ${scan.notAttempted} were not checked, so this answer is incomplete: ask again with a narrower prefix.`,
    );
  }
  const publicCount = scan.publicBuckets.length;
  if (publicCount === 0) {
    sentences.push(
      scan.unknownCount === 0 ? 'None is publicly accessible.' : 'None was found publicly accessible.',
    );
  } else {
    const names = scan.publicBuckets.slice(0, NAMED_IN_SUMMARY).map((b) => {
      const details = [
        ...(b.severity !== undefined ? [b.severity] : []),
        ...(b.access !== undefined ? [b.access === 'write' ? 'anyone may write' : 'anyone may read'] : []),
        b.region ?? 'unknown Region',
        ...(b.website === true ? ['hosts a website'] : b.website === null ? ['website hosting unknown'] : []),
      ];
      return `${quoteUntrusted(b.bucketName, BUCKET_NAME_MAX)} (${details.join(', ')})`;
    });
    const severities =
      scan.bySeverity === undefined
        ? ''
        : ` (${SEVERITIES.filter((s) => s !== 'low' && scan.bySeverity?.[s])
            .map((s) => `${scan.bySeverity?.[s]} ${s}`)
            .join(', ')}), worst first`;
    const more = publicCount > NAMED_IN_SUMMARY ? ` and ${publicCount - NAMED_IN_SUMMARY} more` : '';
    sentences.push(
      `${plural(publicCount, 'bucket is', 'buckets are')} publicly accessible${severities}: ${names.join(', ')}${more}.`,
    );
  }
  if ((scan.intendedCount ?? 0) > 0) {
    sentences.push(
      `${plural(scan.intendedCount ?? 0, 'more bucket is', 'more buckets are')} public on purpose (tagged ${scan.intendedTag ?? 'as intended'}) and listed apart in intendedBuckets.`,
    );
  }
  if (scan.unknownCount > 0) {
    sentences.push(
      `${plural(scan.unknownCount, 'bucket')} could not be checked (see unknownBuckets for the failed AWS call) and must not be assumed private.`,
    );
  }
  if (scan.latentCount > 0) {
    sentences.push(
      `${plural(scan.latentCount, 'bucket has', 'buckets have')} public grants that Block Public Access neutralises today; they take effect again if it is turned off.`,
    );
  }
  if (scan.accountNeutralisesAll) {
    sentences.push(
      'The account-level Block Public Access flags ignore public ACLs and restrict public policies for every bucket, so individual buckets were not inspected for latent grants.',
    );
  }
  if (scan.vanishedCount > 0) {
    sentences.push(
      `${plural(scan.vanishedCount, 'bucket was', 'buckets were')} deleted during the scan and skipped.`,
    );
  }
  if (scan.truncated)
    sentences.push(`Lists are cut at ${scan.limit} entries; the counts cover everything found.`);
  return sentences.join(' ');
}
