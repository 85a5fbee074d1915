/** The S3, S3 Control and STS commands of the simulated account. */
import { eachFlag } from '../../domain/bucket-exposure';
import { evaluateBucketPolicy } from '../../domain/bucket-policy';
import { sandboxError } from './sandbox-errors';
import type { Scenario, ScenarioBucket } from './scenario';

type Input = Record<string, unknown>;
type Output = Record<string, unknown>;

const OWNER = {
  ID: '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be',
  DisplayName: 'sandbox-owner',
};

/** Handles one S3 command sent by a client configured for `region`. */
export function handleS3(scenario: Scenario, region: string, command: string, input: Input): Output {
  if (command === 'ListBuckets') return listBuckets(scenario, input);
  const bucket = findBucket(scenario, input.Bucket);
  if (bucket.denied.includes(command)) {
    throw sandboxError('AccessDenied', `Access Denied (sandbox denies ${command} on ${bucket.name})`);
  }
  if (command === 'GetBucketLocation') {
    return { LocationConstraint: bucket.region === 'us-east-1' ? undefined : bucket.region };
  }
  // Like S3, a bucket answers only in its own Region (the SDK does not follow redirects by default).
  if (bucket.region !== region) {
    throw sandboxError(
      'PermanentRedirect',
      `The bucket ${bucket.name} is in ${bucket.region}; the request was sent to ${region}.`,
    );
  }
  switch (command) {
    case 'GetPublicAccessBlock':
      if (bucket.publicAccessBlock === null) throw sandboxError('NoSuchPublicAccessBlockConfiguration');
      return { PublicAccessBlockConfiguration: { ...bucket.publicAccessBlock } };
    case 'PutPublicAccessBlock': {
      const config = (input.PublicAccessBlockConfiguration ?? {}) as Record<string, unknown>;
      bucket.publicAccessBlock = eachFlag((flag) => config[flag] === true);
      return {};
    }
    case 'GetBucketTagging': {
      const tags = Object.entries(bucket.tags);
      if (tags.length === 0) throw sandboxError('NoSuchTagSet', 'The TagSet does not exist');
      return { TagSet: tags.map(([Key, Value]) => ({ Key, Value })) };
    }
    case 'DeletePublicAccessBlock':
      bucket.publicAccessBlock = null;
      return {};
    case 'GetBucketAcl':
      return {
        Owner: OWNER,
        Grants: [
          { Grantee: { Type: 'CanonicalUser', ...OWNER }, Permission: 'FULL_CONTROL' },
          ...bucket.acl.map((grant) => ({
            Grantee: grant.uri ? { Type: 'Group', URI: grant.uri } : { Type: 'CanonicalUser', ID: grant.id },
            Permission: grant.permission,
          })),
        ],
      };
    case 'GetBucketPolicyStatus': {
      if (bucket.policyStatus === 'unsupported') throw sandboxError('NotImplemented');
      if (bucket.policyStatus === 'omitted') return {};
      if (bucket.policy === null) throw sandboxError('NoSuchBucketPolicy');
      const isPublic =
        bucket.policyStatus === 'computed'
          ? evaluateBucketPolicy(JSON.stringify(bucket.policy)).isPublic
          : bucket.policyStatus;
      return { PolicyStatus: { IsPublic: isPublic } };
    }
    case 'GetBucketPolicy':
      if (bucket.policy === null) throw sandboxError('NoSuchBucketPolicy');
      return { Policy: JSON.stringify(bucket.policy) };
    case 'GetBucketWebsite':
      if (!bucket.website) throw sandboxError('NoSuchWebsiteConfiguration');
      return { IndexDocument: { Suffix: 'index.html' } };
    default:
      throw sandboxError('NotImplemented', `The sandbox does not implement S3 ${command}.`);
  }
}

const bucketIndexes = new WeakMap<Scenario['s3']['buckets'], Map<string, ScenarioBucket>>();

/** By name through an index kept per bucket list (a linear search made 10,000-bucket benchmarks quadratic). */
function findBucket(scenario: Scenario, name: unknown): ScenarioBucket {
  let index = bucketIndexes.get(scenario.s3.buckets);
  if (index === undefined || index.size !== scenario.s3.buckets.length) {
    index = new Map(scenario.s3.buckets.map((candidate) => [candidate.name, candidate]));
    bucketIndexes.set(scenario.s3.buckets, index);
  }
  const bucket = typeof name === 'string' ? index.get(name) : undefined;
  if (!bucket) throw sandboxError('NoSuchBucket', `The specified bucket does not exist: ${String(name)}`);
  return bucket;
}

/** ListBuckets as AWS answers it: sorted, paged by MaxBuckets, BucketRegion only when a parameter was sent. */
function listBuckets(scenario: Scenario, input: Input): Output {
  const prefix = typeof input.Prefix === 'string' ? input.Prefix : '';
  const max = typeof input.MaxBuckets === 'number' ? input.MaxBuckets : 10_000;
  const start = typeof input.ContinuationToken === 'string' ? input.ContinuationToken : '';
  const anyParameter =
    !scenario.s3.omitBucketRegion && Object.values(input).some((value) => value !== undefined);
  const matching = scenario.s3.buckets
    .filter((bucket) => bucket.name.startsWith(prefix) && bucket.name > start)
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  const page = matching.slice(0, max);
  const more = matching.length > page.length;
  return {
    Owner: OWNER,
    Buckets: page.map((bucket) => ({
      Name: bucket.name,
      CreationDate: new Date('2024-01-01T00:00:00Z'),
      ...(anyParameter ? { BucketRegion: bucket.region } : {}),
    })),
    ...(prefix ? { Prefix: prefix } : {}),
    ...(more ? { ContinuationToken: page[page.length - 1]?.name } : {}),
  };
}

export function handleS3Control(scenario: Scenario, command: string, input: Input): Output {
  if (command !== 'GetPublicAccessBlock') {
    throw sandboxError('NotImplemented', `The sandbox does not implement S3 Control ${command}.`);
  }
  if (input.AccountId !== scenario.accountId || scenario.s3.accountReadDenied)
    throw sandboxError('AccessDenied');
  if (scenario.s3.accountPublicAccessBlock === null)
    throw sandboxError('NoSuchPublicAccessBlockConfiguration');
  return { PublicAccessBlockConfiguration: { ...scenario.s3.accountPublicAccessBlock } };
}

export function handleSts(scenario: Scenario, command: string): Output {
  if (command !== 'GetCallerIdentity') throw sandboxError('NotImplemented');
  return {
    Account: scenario.accountId,
    Arn: `arn:aws:iam::${scenario.accountId}:user/sandbox`,
    UserId: 'AIDASANDBOX',
  };
}
