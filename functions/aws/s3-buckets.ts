/**
 * S3 adapters: list buckets with their Regions, read the facts a bucket's
 * verdict needs (each read only when the domain says it is still needed),
 * and write a bucket's Block Public Access configuration.
 */
import {
  DeletePublicAccessBlockCommand,
  GetBucketAclCommand,
  GetBucketLocationCommand,
  GetBucketPolicyCommand,
  GetBucketPolicyStatusCommand,
  GetBucketTaggingCommand,
  GetBucketWebsiteCommand,
  GetPublicAccessBlockCommand,
  ListBucketsCommand,
  type ListBucketsCommandOutput,
  PutPublicAccessBlockCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { GetPublicAccessBlockCommand as GetAccountPublicAccessBlockCommand } from '@aws-sdk/client-s3-control';
import {
  type AclGrant,
  type BlockPublicAccessFlag,
  type BucketFacts,
  eachFlag,
  type Fact,
  INCOMPLETE_REPLY,
  type PublicAccessBlockFlags,
  readsNeeded,
} from '../domain/bucket-exposure';
import { closestNames } from '../domain/closest-names';
import { BUCKET_NAME_MAX, cleanUntrustedText } from '../domain/untrusted-text';
import { awsErrorCode, hasAwsErrorCode, upstreamError } from './aws-errors';
import type { S3Clients } from './s3-clients';

export interface BucketSummary {
  name: string;
  /** Undefined when ListBuckets did not say; resolved with GetBucketLocation. */
  region: string | undefined;
}

/** Raised when a bucket disappears while it is being read (deleted mid-scan). */
export class BucketVanishedError extends Error {
  constructor(readonly bucketName: string) {
    super(`Bucket ${bucketName} no longer exists`);
    this.name = 'BucketVanishedError';
  }
}

/** An SDK configuration as the four flags; a flag AWS leaves out is off. */
function toFlags(
  config: Partial<Record<BlockPublicAccessFlag, boolean | undefined>>,
): PublicAccessBlockFlags {
  return eachFlag((flag) => config[flag] === true);
}

/**
 * A 200 reply without the field its call exists for. Moto, for one, answers calls it does not implement
 * (GetBucketPolicyStatus) with a ListBucketResult, which the SDK parses into `{}`: reading that as
 * "false" or "none" would call a public bucket private, so it is a failed read.
 */
class IncompleteReplyError extends Error {
  constructor(readonly missing: string) {
    super(`The reply has no ${missing}`);
    this.name = INCOMPLETE_REPLY;
  }
}

/** The field the call exists for, or an IncompleteReplyError naming it. */
function required<T>(value: T | undefined | null, missing: string): T {
  if (value === undefined || value === null) throw new IncompleteReplyError(missing);
  return value;
}

function failedRead(call: string, error: unknown): Fact<never> {
  if (error instanceof IncompleteReplyError) {
    return { ok: false, call, errorCode: INCOMPLETE_REPLY, missing: error.missing };
  }
  return { ok: false, call, errorCode: awsErrorCode(error) };
}

/** Turns an SDK call into a Fact: the value, or which call failed and with what code. */
async function readFact<T>(call: string, bucketName: string, read: () => Promise<T>): Promise<Fact<T>> {
  try {
    return { ok: true, value: await read() };
  } catch (error) {
    if (hasAwsErrorCode(error, 'NoSuchBucket')) throw new BucketVanishedError(bucketName);
    return failedRead(call, error);
  }
}

/**
 * Lists the account's buckets. Sends `MaxBuckets` so that AWS includes each
 * bucket's `BucketRegion`, and the prefix server-side.
 */
export async function listBuckets(s3: S3Client, prefix: string): Promise<BucketSummary[]> {
  const buckets: BucketSummary[] = [];
  let token: string | undefined;
  do {
    let page: ListBucketsCommandOutput;
    try {
      page = await s3.send(
        new ListBucketsCommand({
          MaxBuckets: 1000,
          ...(prefix ? { Prefix: prefix } : {}),
          ...(token ? { ContinuationToken: token } : {}),
        }),
      );
    } catch (error) {
      throw upstreamError('s3:ListBuckets', error);
    }
    for (const bucket of page.Buckets ?? []) {
      if (bucket.Name) buckets.push({ name: bucket.Name, region: bucket.BucketRegion || undefined });
    }
    token = page.ContinuationToken || undefined;
  } while (token);
  return buckets;
}

/** `GetBucketLocation` answers null/empty for us-east-1 and `EU` for eu-west-1. */
export function normaliseLocation(constraint: string | undefined | null): string {
  if (!constraint) return 'us-east-1';
  if (constraint === 'EU') return 'eu-west-1';
  return constraint;
}

export async function resolveBucketRegion(s3: S3Client, bucket: BucketSummary): Promise<Fact<string>> {
  if (bucket.region) return { ok: true, value: bucket.region };
  return readFact('GetBucketLocation', bucket.name, async () => {
    const out = await s3.send(new GetBucketLocationCommand({ Bucket: bucket.name }));
    return normaliseLocation(out.LocationConstraint);
  });
}

/** Account-level Block Public Access, read once per scan. */
export async function readAccountFlags(
  clients: S3Clients,
  accountId: string,
  region: string,
): Promise<Fact<PublicAccessBlockFlags | null>> {
  try {
    const out = await clients
      .s3control(region)
      .send(new GetAccountPublicAccessBlockCommand({ AccountId: accountId }));
    return {
      ok: true,
      value: toFlags(required(out.PublicAccessBlockConfiguration, 'PublicAccessBlockConfiguration')),
    };
  } catch (error) {
    if (hasAwsErrorCode(error, 'NoSuchPublicAccessBlockConfiguration')) return { ok: true, value: null };
    return failedRead('GetPublicAccessBlock (account)', error);
  }
}

export async function readBucketFlags(
  s3: S3Client,
  bucketName: string,
): Promise<Fact<PublicAccessBlockFlags | null>> {
  return readFact('GetPublicAccessBlock', bucketName, async () => {
    try {
      const out = await s3.send(new GetPublicAccessBlockCommand({ Bucket: bucketName }));
      return toFlags(required(out.PublicAccessBlockConfiguration, 'PublicAccessBlockConfiguration'));
    } catch (error) {
      if (hasAwsErrorCode(error, 'NoSuchPublicAccessBlockConfiguration')) return null;
      throw error;
    }
  });
}

async function readAcl(s3: S3Client, bucketName: string): Promise<Fact<AclGrant[]>> {
  return readFact('GetBucketAcl', bucketName, async () => {
    const out = await s3.send(new GetBucketAclCommand({ Bucket: bucketName }));
    // An empty ACL parses to [], so a missing list is a reply that did not answer (an ACL always
    // holds at least the owner's grant).
    return required(out.Grants, 'Grants').map((grant) => ({
      ...(grant.Grantee?.Type ? { granteeType: grant.Grantee.Type } : {}),
      ...(grant.Grantee?.URI ? { uri: grant.Grantee.URI } : {}),
      ...(grant.Grantee?.ID ? { id: grant.Grantee.ID } : {}),
      ...(grant.Grantee?.DisplayName ? { displayName: grant.Grantee.DisplayName } : {}),
      permission: grant.Permission ?? 'UNKNOWN',
    }));
  });
}

async function readPolicyStatus(
  s3: S3Client,
  bucketName: string,
): Promise<Fact<{ isPublic: boolean } | null>> {
  return readFact('GetBucketPolicyStatus', bucketName, async () => {
    try {
      const out = await s3.send(new GetBucketPolicyStatusCommand({ Bucket: bucketName }));
      // Only an explicit IsPublic is AWS's verdict; without it the policy document decides.
      return { isPublic: required(out.PolicyStatus?.IsPublic, 'PolicyStatus.IsPublic') };
    } catch (error) {
      if (hasAwsErrorCode(error, 'NoSuchBucketPolicy')) return null;
      throw error;
    }
  });
}

async function readPolicy(s3: S3Client, bucketName: string): Promise<Fact<string | null>> {
  return readFact('GetBucketPolicy', bucketName, async () => {
    try {
      const out = await s3.send(new GetBucketPolicyCommand({ Bucket: bucketName }));
      return required(out.Policy, 'Policy');
    } catch (error) {
      if (hasAwsErrorCode(error, 'NoSuchBucketPolicy')) return null;
      throw error;
    }
  });
}

/**
 * Whether static website hosting is configured. Only NoSuchWebsiteConfiguration means "no website";
 * any other failure, or a reply with neither an index document nor a redirect (one of which every
 * website configuration has), is a failed read the caller must report as unknown.
 */
export async function readWebsiteEnabled(s3: S3Client, bucketName: string): Promise<Fact<boolean>> {
  return readFact('GetBucketWebsite', bucketName, async () => {
    try {
      const out = await s3.send(new GetBucketWebsiteCommand({ Bucket: bucketName }));
      required(out.IndexDocument ?? out.RedirectAllRequestsTo, 'IndexDocument or RedirectAllRequestsTo');
      return true;
    } catch (error) {
      if (hasAwsErrorCode(error, 'NoSuchWebsiteConfiguration')) return false;
      throw error;
    }
  });
}

/** The bucket's tags as a map; `NoSuchTagSet` means none. A reply without `TagSet` is a failed read. */
export async function readBucketTags(
  s3: S3Client,
  bucketName: string,
): Promise<Fact<Record<string, string>>> {
  return readFact('GetBucketTagging', bucketName, async () => {
    try {
      const out = await s3.send(new GetBucketTaggingCommand({ Bucket: bucketName }));
      return Object.fromEntries(
        required(out.TagSet, 'TagSet')
          .filter((tag) => tag.Key !== undefined)
          .map((tag) => [tag.Key as string, tag.Value ?? '']),
      );
    } catch (error) {
      if (hasAwsErrorCode(error, 'NoSuchTagSet')) return {};
      throw error;
    }
  });
}

/**
 * Gathers the facts the verdict needs in rounds of parallel reads, each round
 * only what the domain says is still needed: ACL and policy status first (a
 * bucket with neither public is done after two calls), then the bucket's own
 * flags and the policy document only when they change or explain the answer.
 */
export async function readBucketFacts(
  s3: S3Client,
  bucketName: string,
  accountFlags: Fact<PublicAccessBlockFlags | null>,
  known: Pick<BucketFacts, 'bucketFlags'> = {},
): Promise<BucketFacts> {
  let facts: BucketFacts = { bucketName, accountFlags, ...known };
  for (let round = 0; round < 4; round++) {
    const needed = readsNeeded(facts);
    if (!needed.bucketFlags && !needed.acl && !needed.policyStatus && !needed.policy) break;
    const [bucketFlags, acl, policyStatus, policy] = await Promise.all([
      needed.bucketFlags ? readBucketFlags(s3, bucketName) : undefined,
      needed.acl ? readAcl(s3, bucketName) : undefined,
      needed.policyStatus ? readPolicyStatus(s3, bucketName) : undefined,
      needed.policy ? readPolicy(s3, bucketName) : undefined,
    ]);
    facts = {
      ...facts,
      ...(bucketFlags ? { bucketFlags } : {}),
      ...(acl ? { acl } : {}),
      ...(policyStatus ? { policyStatus } : {}),
      ...(policy ? { policy } : {}),
    };
  }
  return facts;
}

/**
 * The account's bucket names closest to one that is not there ("did you mean …?"), cleaned as data.
 * Only the not-found path calls it: one full listing. A failed listing suggests nothing rather than
 * turning "not found" into an error.
 */
export async function suggestBucketNames(s3: S3Client, bucketName: string): Promise<string[]> {
  let names: string[];
  try {
    names = (await listBuckets(s3, '')).map((bucket) => bucket.name);
  } catch {
    return [];
  }
  return closestNames(bucketName, names).map((name) => cleanUntrustedText(name, BUCKET_NAME_MAX));
}

/** Finds a bucket of this account by exact name (ListBuckets with the name as prefix); undefined if absent. */
export async function findOwnBucket(s3: S3Client, bucketName: string): Promise<BucketSummary | undefined> {
  const candidates = await listBuckets(s3, bucketName);
  return candidates.find((bucket) => bucket.name === bucketName);
}

export async function writeBucketFlags(
  s3: S3Client,
  bucketName: string,
  flags: PublicAccessBlockFlags,
): Promise<void> {
  await s3.send(
    new PutPublicAccessBlockCommand({ Bucket: bucketName, PublicAccessBlockConfiguration: flags }),
  );
}

/** Removes the bucket's own Block Public Access configuration (what "no configuration" restores to). */
export async function deleteBucketFlags(s3: S3Client, bucketName: string): Promise<void> {
  await s3.send(new DeletePublicAccessBlockCommand({ Bucket: bucketName }));
}
