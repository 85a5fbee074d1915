/**
 * Scans the account's buckets: one account-level read, the bucket list, then
 * each bucket's facts in its own Region with bounded concurrency, stopping
 * (and saying so) when the time budget runs out.
 */
import {
  type BucketFacts,
  type BucketVerdict,
  describeFailedRead,
  evaluateBucketExposure,
  type Fact,
  type PublicAccessBlockFlags,
  readsNeeded,
} from '../domain/bucket-exposure';
import { mapWithConcurrency } from './concurrency';
import {
  BucketVanishedError,
  listBuckets,
  readAccountFlags,
  readBucketFacts,
  readWebsiteEnabled,
  resolveBucketRegion,
} from './s3-buckets';
import type { S3Clients } from './s3-clients';

export interface ScannedBucket {
  bucketName: string;
  region: string | undefined;
  verdict: BucketVerdict;
  /** Read for public buckets only (false otherwise); null when the read failed, with `websiteNote` saying why. */
  website: boolean | null;
  websiteNote?: string;
}

export interface BucketScanResult {
  accountFlags: Fact<PublicAccessBlockFlags | null>;
  /** True when the account's own flags neutralise every ACL and policy: no bucket was read. */
  accountNeutralisesAll: boolean;
  listed: number;
  scanned: ScannedBucket[];
  /** Buckets deleted while the scan ran. */
  vanished: string[];
  /** Buckets never tried because the time budget ran out. */
  notAttempted: number;
}

export interface BucketScanOptions {
  accountId: string;
  homeRegion: string;
  prefix: string;
  concurrency: number;
  /** True when the scan must stop starting new work (time budget). */
  shouldStop: () => boolean;
}

type BucketOutcome = { kind: 'scanned'; bucket: ScannedBucket } | { kind: 'vanished'; bucketName: string };

export async function scanBuckets(clients: S3Clients, options: BucketScanOptions): Promise<BucketScanResult> {
  const home = clients.s3(options.homeRegion);
  const [accountFlags, buckets] = await Promise.all([
    readAccountFlags(clients, options.accountId, options.homeRegion),
    listBuckets(home, options.prefix),
  ]);
  const accountOnly: BucketFacts = { bucketName: '', accountFlags };
  const needed = readsNeeded(accountOnly);
  const accountNeutralisesAll = !needed.bucketFlags && !needed.acl && !needed.policyStatus && !needed.policy;

  const outcomes = await mapWithConcurrency(
    buckets,
    options.concurrency,
    async (bucket): Promise<BucketOutcome> => {
      if (accountNeutralisesAll) {
        const verdict = evaluateBucketExposure({ bucketName: bucket.name, accountFlags });
        return {
          kind: 'scanned',
          bucket: { bucketName: bucket.name, region: bucket.region, verdict, website: false },
        };
      }
      try {
        const region = await resolveBucketRegion(home, bucket);
        if (!region.ok) {
          const verdict: BucketVerdict = {
            verdict: 'unknown',
            reason: `${describeFailedRead(region)}, so the bucket's Region (and its settings) could not be read`,
            latentReasons: [],
          };
          return {
            kind: 'scanned',
            bucket: { bucketName: bucket.name, region: undefined, verdict, website: false },
          };
        }
        const s3 = clients.s3(region.value);
        const facts = await readBucketFacts(s3, bucket.name, accountFlags);
        const verdict = evaluateBucketExposure(facts);
        const website = verdict.verdict === 'public' ? await readWebsiteEnabled(s3, bucket.name) : undefined;
        return {
          kind: 'scanned',
          bucket: {
            bucketName: bucket.name,
            region: region.value,
            verdict,
            ...(website === undefined
              ? { website: false }
              : website.ok
                ? { website: website.value }
                : {
                    website: null,
                    websiteNote: `${describeFailedRead(website)}, so website hosting is unknown`,
                  }),
          },
        };
      } catch (error) {
        if (error instanceof BucketVanishedError) return { kind: 'vanished', bucketName: bucket.name };
        throw error;
      }
    },
    options.shouldStop,
  );

  const scanned: ScannedBucket[] = [];
  const vanished: string[] = [];
  let notAttempted = 0;
  for (const outcome of outcomes) {
    if (outcome === undefined) notAttempted++;
    else if (outcome.kind === 'vanished') vanished.push(outcome.bucketName);
    else scanned.push(outcome.bucket);
  }
  return { accountFlags, accountNeutralisesAll, listed: buckets.length, scanned, vanished, notAttempted };
}
