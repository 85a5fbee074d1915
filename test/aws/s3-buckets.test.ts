/** S3 adapters against aws-sdk-client-mock: paging, error codes → meaning, Region routing. */
import {
  GetBucketAclCommand,
  GetBucketLocationCommand,
  GetBucketPolicyCommand,
  GetBucketPolicyStatusCommand,
  GetBucketWebsiteCommand,
  GetPublicAccessBlockCommand,
  ListBucketsCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import {
  GetPublicAccessBlockCommand as GetAccountPublicAccessBlockCommand,
  S3ControlClient,
} from '@aws-sdk/client-s3-control';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import {
  BucketVanishedError,
  listBuckets,
  normaliseLocation,
  readAccountFlags,
  readBucketFacts,
  readBucketFlags,
  readWebsiteEnabled,
  resolveBucketRegion,
} from '../../functions/aws/s3-buckets';
import type { S3Clients } from '../../functions/aws/s3-clients';
import { evaluateBucketExposure } from '../../functions/domain/bucket-exposure';
import { awsError } from '../support/aws-error';

const s3Mock = mockClient(S3Client);
const controlMock = mockClient(S3ControlClient);

const client = () =>
  new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
const clients: S3Clients = {
  s3: () => client(),
  s3control: () =>
    new S3ControlClient({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } }),
};
const NO_ACCOUNT_FLAGS = { ok: true as const, value: null };

beforeEach(() => {
  s3Mock.reset();
  controlMock.reset();
});

describe('listBuckets', () => {
  it('pages with ContinuationToken, always sends MaxBuckets (so AWS returns BucketRegion) and the prefix', async () => {
    // Arrange
    s3Mock
      .on(ListBucketsCommand)
      .resolvesOnce({ Buckets: [{ Name: 'a', BucketRegion: 'eu-west-1' }], ContinuationToken: 't1' })
      .resolvesOnce({ Buckets: [{ Name: 'b' }] });

    // Act
    const buckets = await listBuckets(client(), 'p');

    // Assert
    expect(buckets).toEqual([
      { name: 'a', region: 'eu-west-1' },
      { name: 'b', region: undefined },
    ]);
    const inputs = s3Mock.commandCalls(ListBucketsCommand).map((call) => call.args[0].input);
    expect(inputs).toEqual([
      { MaxBuckets: 1000, Prefix: 'p' },
      { MaxBuckets: 1000, Prefix: 'p', ContinuationToken: 't1' },
    ]);
  });

  it('turns a refused list into a 502 naming the call', async () => {
    s3Mock.on(ListBucketsCommand).rejects(awsError('AccessDenied', 403));
    await expect(listBuckets(client(), '')).rejects.toMatchObject({
      status: 502,
      message: expect.stringContaining('s3:ListBuckets failed with AccessDenied'),
    });
  });
});

describe('Regions', () => {
  it.each([
    [undefined, 'us-east-1'],
    [null, 'us-east-1'],
    ['', 'us-east-1'],
    ['EU', 'eu-west-1'],
    ['ap-southeast-2', 'ap-southeast-2'],
  ])('GetBucketLocation %p means %s', (constraint, region) => {
    expect(normaliseLocation(constraint)).toBe(region);
  });

  it('asks GetBucketLocation only when ListBuckets gave no Region', async () => {
    // Arrange
    s3Mock.on(GetBucketLocationCommand).resolves({ LocationConstraint: 'EU' });

    // Act
    const known = await resolveBucketRegion(client(), { name: 'a', region: 'us-west-2' });
    const asked = await resolveBucketRegion(client(), { name: 'b', region: undefined });

    // Assert
    expect(known).toEqual({ ok: true, value: 'us-west-2' });
    expect(asked).toEqual({ ok: true, value: 'eu-west-1' });
    expect(s3Mock).toHaveReceivedCommandTimes(GetBucketLocationCommand, 1);
  });
});

describe('error codes → facts', () => {
  it.each([
    ['NoSuchPublicAccessBlockConfiguration', { ok: true, value: null }],
    ['AccessDenied', { ok: false, call: 'GetPublicAccessBlock', errorCode: 'AccessDenied' }],
    ['InternalError', { ok: false, call: 'GetPublicAccessBlock', errorCode: 'InternalError' }],
  ])('bucket GetPublicAccessBlock failing with %s', async (code, fact) => {
    s3Mock.on(GetPublicAccessBlockCommand).rejects(awsError(code));
    await expect(readBucketFlags(client(), 'b')).resolves.toEqual(fact);
  });

  it('account flags: missing configuration means no flags; a denied read is a failed fact, not an error', async () => {
    controlMock
      .on(GetAccountPublicAccessBlockCommand)
      .rejectsOnce(awsError('NoSuchPublicAccessBlockConfiguration'))
      .rejectsOnce(awsError('AccessDenied', 403));
    await expect(readAccountFlags(clients, '111122223333', 'us-east-1')).resolves.toEqual({
      ok: true,
      value: null,
    });
    await expect(readAccountFlags(clients, '111122223333', 'us-east-1')).resolves.toEqual({
      ok: false,
      call: 'GetPublicAccessBlock (account)',
      errorCode: 'AccessDenied',
    });
    expect(controlMock).toHaveReceivedNthSpecificCommandWith(1, GetAccountPublicAccessBlockCommand, {
      AccountId: '111122223333',
    });
  });

  it('a bucket deleted mid-scan raises BucketVanishedError', async () => {
    s3Mock.on(GetPublicAccessBlockCommand).rejects(awsError('NoSuchBucket', 404));
    await expect(readBucketFlags(client(), 'gone')).rejects.toBeInstanceOf(BucketVanishedError);
  });
});

describe('readBucketFacts', () => {
  it('reads the policy document only when the status says public, to name the statement', async () => {
    // Arrange
    s3Mock.on(GetPublicAccessBlockCommand).rejects(awsError('NoSuchPublicAccessBlockConfiguration'));
    s3Mock.on(GetBucketAclCommand).resolves({ Grants: [] });
    s3Mock.on(GetBucketPolicyStatusCommand).resolves({ PolicyStatus: { IsPublic: true } });
    s3Mock.on(GetBucketPolicyCommand).resolves({ Policy: '{"Statement":[]}' });

    // Act
    const facts = await readBucketFacts(client(), 'b', NO_ACCOUNT_FLAGS);

    // Assert
    expect(facts.policyStatus).toEqual({ ok: true, value: { isPublic: true } });
    expect(facts.policy).toEqual({ ok: true, value: '{"Statement":[]}' });
  });

  it('skips the policy document when the status says not public', async () => {
    s3Mock.on(GetPublicAccessBlockCommand).rejects(awsError('NoSuchPublicAccessBlockConfiguration'));
    s3Mock.on(GetBucketAclCommand).resolves({ Grants: [] });
    s3Mock.on(GetBucketPolicyStatusCommand).resolves({ PolicyStatus: { IsPublic: false } });

    const facts = await readBucketFacts(client(), 'b', NO_ACCOUNT_FLAGS);

    expect(facts.policy).toBeUndefined();
    expect(s3Mock).not.toHaveReceivedCommand(GetBucketPolicyCommand);
  });

  it('falls back to the policy document when the status cannot be read', async () => {
    s3Mock.on(GetPublicAccessBlockCommand).rejects(awsError('NoSuchPublicAccessBlockConfiguration'));
    s3Mock.on(GetBucketAclCommand).resolves({ Grants: [] });
    s3Mock.on(GetBucketPolicyStatusCommand).rejects(awsError('NotImplemented', 501));
    s3Mock.on(GetBucketPolicyCommand).rejects(awsError('NoSuchBucketPolicy', 404));

    const facts = await readBucketFacts(client(), 'b', NO_ACCOUNT_FLAGS);

    expect(facts.policyStatus).toEqual({
      ok: false,
      call: 'GetBucketPolicyStatus',
      errorCode: 'NotImplemented',
    });
    expect(facts.policy).toEqual({ ok: true, value: null });
  });

  it('maps ACL grantees', async () => {
    s3Mock.on(GetPublicAccessBlockCommand).rejects(awsError('NoSuchPublicAccessBlockConfiguration'));
    s3Mock.on(GetBucketPolicyStatusCommand).rejects(awsError('NoSuchBucketPolicy', 404));
    s3Mock.on(GetBucketAclCommand).resolves({
      Grants: [
        {
          Grantee: { Type: 'Group', URI: 'http://acs.amazonaws.com/groups/global/AllUsers' },
          Permission: 'READ',
        },
        { Grantee: { Type: 'CanonicalUser', ID: 'abc' }, Permission: 'FULL_CONTROL' },
      ],
    });

    const facts = await readBucketFacts(client(), 'b', NO_ACCOUNT_FLAGS);

    expect(facts.acl).toEqual({
      ok: true,
      value: [
        { granteeType: 'Group', uri: 'http://acs.amazonaws.com/groups/global/AllUsers', permission: 'READ' },
        { granteeType: 'CanonicalUser', id: 'abc', permission: 'FULL_CONTROL' },
      ],
    });
    expect(facts.policyStatus).toEqual({ ok: true, value: null });
  });
});

describe('a reply without its answer is a failed read, never "not public"', () => {
  it('a policy status reply without PolicyStatus.IsPublic (moto) makes the policy document decide, naming the statement', async () => {
    // Arrange: moto answers GetBucketPolicyStatus with a ListBucketResult, which the SDK parses into {}
    s3Mock.on(GetPublicAccessBlockCommand).rejects(awsError('NoSuchPublicAccessBlockConfiguration'));
    s3Mock.on(GetBucketAclCommand).resolves({ Grants: [] });
    s3Mock.on(GetBucketPolicyStatusCommand).resolves({});
    s3Mock.on(GetBucketPolicyCommand).resolves({
      Policy: JSON.stringify({
        Statement: [{ Sid: 'Open', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: '*' }],
      }),
    });

    // Act
    const facts = await readBucketFacts(client(), 'b', NO_ACCOUNT_FLAGS);
    const verdict = evaluateBucketExposure(facts);

    // Assert
    expect(facts.policyStatus).toEqual({
      ok: false,
      call: 'GetBucketPolicyStatus',
      errorCode: 'IncompleteReply',
      missing: 'PolicyStatus.IsPublic',
    });
    expect(verdict.verdict).toBe('public');
    expect(verdict.verdict === 'public' && verdict.reasons).toEqual([
      expect.stringMatching(
        /^Bucket policy Sid "Open" allows .*GetBucketPolicyStatus answered without PolicyStatus\.IsPublic/,
      ),
    ]);
  });

  it.each([
    ['GetBucketAcl without Grants', GetBucketAclCommand, {}, 'acl', 'GetBucketAcl', 'Grants'],
    ['GetBucketPolicy without Policy', GetBucketPolicyCommand, {}, 'policy', 'GetBucketPolicy', 'Policy'],
    [
      'GetPublicAccessBlock without its configuration',
      GetPublicAccessBlockCommand,
      {},
      'bucketFlags',
      'GetPublicAccessBlock',
      'PublicAccessBlockConfiguration',
    ],
  ] as const)('%s is a failed read', async (_case, command, reply, fact, call, missing) => {
    // Arrange: every read answers "public" unless the one under test is empty
    s3Mock.on(GetPublicAccessBlockCommand).rejects(awsError('NoSuchPublicAccessBlockConfiguration'));
    s3Mock.on(GetBucketAclCommand).resolves({
      Grants: [
        {
          Grantee: { Type: 'Group', URI: 'http://acs.amazonaws.com/groups/global/AllUsers' },
          Permission: 'READ',
        },
      ],
    });
    s3Mock.on(GetBucketPolicyStatusCommand).rejects(awsError('NotImplemented', 501));
    s3Mock.on(GetBucketPolicyCommand).rejects(awsError('NoSuchBucketPolicy', 404));
    // biome-ignore lint/suspicious/noExplicitAny: the command under test varies per row
    s3Mock.on(command as any).resolves(reply);

    // Act
    const facts = await readBucketFacts(client(), 'b', NO_ACCOUNT_FLAGS);

    // Assert
    expect(facts[fact]).toEqual({ ok: false, call, errorCode: 'IncompleteReply', missing });
  });

  it.each([
    ['a website configuration', { IndexDocument: { Suffix: 'index.html' } }, { ok: true, value: true }],
    [
      'a redirect-only website',
      { RedirectAllRequestsTo: { HostName: 'example.com' } },
      { ok: true, value: true },
    ],
    [
      'a reply with neither',
      {},
      {
        ok: false,
        call: 'GetBucketWebsite',
        errorCode: 'IncompleteReply',
        missing: 'IndexDocument or RedirectAllRequestsTo',
      },
    ],
  ])('GetBucketWebsite answering %s', async (_case, reply, fact) => {
    s3Mock.on(GetBucketWebsiteCommand).resolves(reply);
    await expect(readWebsiteEnabled(client(), 'b')).resolves.toEqual(fact);
  });

  it.each([
    ['NoSuchWebsiteConfiguration', { ok: true, value: false }],
    ['AccessDenied', { ok: false, call: 'GetBucketWebsite', errorCode: 'AccessDenied' }],
  ])('GetBucketWebsite failing with %s', async (code, fact) => {
    s3Mock.on(GetBucketWebsiteCommand).rejects(awsError(code));
    await expect(readWebsiteEnabled(client(), 'b')).resolves.toEqual(fact);
  });

  it('account flags without their configuration are a failed read, not "no flags"', async () => {
    controlMock.on(GetAccountPublicAccessBlockCommand).resolves({});
    await expect(readAccountFlags(clients, '111122223333', 'us-east-1')).resolves.toEqual({
      ok: false,
      call: 'GetPublicAccessBlock (account)',
      errorCode: 'IncompleteReply',
      missing: 'PublicAccessBlockConfiguration',
    });
  });
});
