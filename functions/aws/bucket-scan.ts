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
import { publicPolicyAllowsWrite } from '../domain/bucket-policy';
import { mapWithConcurrency } from './concurrency';
import {
  BucketVanishedError,
  listBuckets,
  readAccountFlags,
  readBucketFacts,
  readBucketTags,
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
  /** A public statement of its policy allows a write (read with the verdict's own facts: no extra call). */
  policyAllowsWrite: boolean;
  /** Read for public buckets only (the intended-exposure tags); absent otherwise. */
  tags?: Fact<Record<string, string>>;
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
  /** Only buckets in this Region (undefined: every Region); others are skipped, not counted as scanned. */
  region?: string;
  concurrency: number;
  /** True when the scan must stop starting new work (time budget). */
  shouldStop: () => boolean;
}

type BucketOutcome =
  | { kind: 'scanned'; bucket: ScannedBucket }
  | { kind: 'vanished'; bucketName: string }
  | { kind: 'other-region' };

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
      // ListBuckets names most buckets' Region: those elsewhere cost no call at all.
      if (options.region !== undefined && bucket.region !== undefined && bucket.region !== options.region) {
        return { kind: 'other-region' };
      }
      if (accountNeutralisesAll) {
        const verdict = evaluateBucketExposure({ bucketName: bucket.name, accountFlags });
        return {
          kind: 'scanned',
          bucket: {
            bucketName: bucket.name,
            region: bucket.region,
            verdict,
            website: false,
            policyAllowsWrite: false,
          },
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
            bucket: {
              bucketName: bucket.name,
              region: undefined,
              verdict,
              website: false,
              policyAllowsWrite: false,
            },
          };
        }
        if (options.region !== undefined && region.value !== options.region) return { kind: 'other-region' };
        const s3 = clients.s3(region.value);
        const facts = await readBucketFacts(s3, bucket.name, accountFlags);
        const verdict = evaluateBucketExposure(facts);
        // Website and tags matter only for a public bucket: a private one costs no call for them.
        const [website, tags] =
          verdict.verdict === 'public'
            ? await Promise.all([readWebsiteEnabled(s3, bucket.name), readBucketTags(s3, bucket.name)])
            : [undefined, undefined];
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
            policyAllowsWrite:
              facts.policy?.ok === true &&
              facts.policy.value !== null &&
              publicPolicyAllowsWrite(facts.policy.value),
            ...(tags === undefined ? {} : { tags }),
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
  let otherRegions = 0;
  for (const outcome of outcomes) {
    if (outcome === undefined) notAttempted++;
    else if (outcome.kind === 'other-region') otherRegions++;
    else if (outcome.kind === 'vanished') vanished.push(outcome.bucketName);
    else scanned.push(outcome.bucket);
  }
  return {
    accountFlags,
    accountNeutralisesAll,
    listed: buckets.length - otherRegions,
    scanned,
    vanished,
    notAttempted,
  };
}
