/**
 * A read-only person end to end through the Lambda entries, with the functions' own scope check on (as deployed
 * with sign-in): the preview says they cannot apply it and names the remediators group, and their write is
 * refused by the function itself (403, audited) before any AWS call; a remediator's preview can be applied.
 */
import { DynamoDBClient, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import {
  GetBucketAclCommand,
  GetBucketPolicyCommand,
  GetBucketPolicyStatusCommand,
  GetBucketTaggingCommand,
  GetBucketWebsiteCommand,
  GetPublicAccessBlockCommand,
  ListBucketsCommand,
  PutPublicAccessBlockCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import {
  GetPublicAccessBlockCommand as GetAccountPublicAccessBlockCommand,
  S3ControlClient,
} from '@aws-sdk/client-s3-control';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { logger } from '../../functions/shared/logger';
import { apiGatewayEvent } from '../support/api-gateway-event';
import { awsError } from '../support/aws-error';

const SCOPE_PREFIX = 'aiops-exposure-api';
process.env.AWS_REGION = 'eu-west-1';
process.env.CHANGE_JOURNAL_TABLE = 'journal-table';
process.env.SCAN_SNAPSHOT_TABLE = 'snapshot-table';
process.env.PLAN_KEY_SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:444455556666:secret:PlanKey-abc';
// As the stack sets them with sign-in: each function checks the scopes; previews name the stack's group.
process.env.OAUTH_SCOPE_PREFIX = SCOPE_PREFIX;
process.env.REMEDIATOR_GROUP = 'security-oncall';

type Entry = typeof import('../../functions/find-public-buckets');

/** Loads an entry after the environment is set: entries read it at module scope, as in Lambda. */
function loadEntry(name: 'find-public-buckets' | 'block-bucket-public-access'): Entry {
  return require(`../../functions/${name}`) as Entry;
}

const s3Mock = mockClient(S3Client);
const controlMock = mockClient(S3ControlClient);
const journalMock = mockClient(DynamoDBClient);
const secretsMock = mockClient(SecretsManagerClient);

const READ_ONLY = { token_use: 'access', scope: `${SCOPE_PREFIX}/read`, username: 'rob', sub: 'sub-rob' };
const REMEDIATOR = {
  token_use: 'access',
  scope: `${SCOPE_PREFIX}/read ${SCOPE_PREFIX}/remediate`,
  username: 'rita',
  sub: 'sub-rita',
};
const PREVIEW_PATH = '/s3/buckets/data/block-public-access/preview';
const APPLY_PATH = '/s3/buckets/data/block-public-access';

/** An API Gateway event with the claims the Cognito authorizer verified. */
function event(claims: Record<string, string>, method: string, path: string, body: string | null = null) {
  return apiGatewayEvent(method, path, {
    body,
    requestContext: { requestId: `req-${claims.username}`, authorizer: { claims } },
  });
}

const context = {
  awsRequestId: 'aws-req-1',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:444455556666:function:entry',
  getRemainingTimeInMillis: () => 20_000,
} as unknown as Context;

let info: jest.SpyInstance;
beforeEach(() => {
  info = jest.spyOn(logger, 'info').mockImplementation(() => undefined);
  s3Mock.reset();
  controlMock.reset();
  journalMock.reset();
  journalMock.on(PutItemCommand).resolves({});
  journalMock.on(UpdateItemCommand).resolves({});
  secretsMock.reset();
  secretsMock.on(GetSecretValueCommand).resolves({ SecretString: 'k'.repeat(64) });
  // A bucket without Block Public Access whose ACL grants everyone read: public, and not protected.
  s3Mock.on(ListBucketsCommand).resolves({ Buckets: [{ Name: 'data', BucketRegion: 'eu-west-1' }] });
  s3Mock.on(GetPublicAccessBlockCommand).rejects(awsError('NoSuchPublicAccessBlockConfiguration', 404));
  s3Mock.on(GetBucketWebsiteCommand).rejects(awsError('NoSuchWebsiteConfiguration', 404));
  s3Mock.on(GetBucketTaggingCommand).rejects(awsError('NoSuchTagSet', 404));
  s3Mock.on(GetBucketAclCommand).resolves({
    Owner: { ID: 'owner' },
    Grants: [
      {
        Grantee: { Type: 'Group', URI: 'http://acs.amazonaws.com/groups/global/AllUsers' },
        Permission: 'READ',
      },
    ],
  });
  s3Mock.on(GetBucketPolicyStatusCommand).rejects(awsError('NoSuchBucketPolicy', 404));
  s3Mock.on(GetBucketPolicyCommand).rejects(awsError('NoSuchBucketPolicy', 404));
  s3Mock.on(PutPublicAccessBlockCommand).resolves({});
  controlMock
    .on(GetAccountPublicAccessBlockCommand)
    .rejects(awsError('NoSuchPublicAccessBlockConfiguration', 404));
});
afterEach(() => info.mockRestore());

const audits = () =>
  info.mock.calls.filter(([message]) => message === 'audit').map(([, payload]) => payload.audit);

describe('a read-only person through the Lambda entries (scope check on)', () => {
  it('gets a preview that says they cannot apply it and names the group, and their apply is refused and audited', async () => {
    // Arrange
    const reads = loadEntry('find-public-buckets');
    const writes = loadEntry('block-bucket-public-access');

    // Act
    const preview = await reads.handler(event(READ_ONLY, 'GET', PREVIEW_PATH), context);
    const { planId, canApply, applyNote, summary } = JSON.parse(preview.body);
    const s3CallsBeforeApply = s3Mock.calls().length;
    const apply = await writes.handler(
      event(READ_ONLY, 'POST', APPLY_PATH, JSON.stringify({ planId })),
      context,
    );

    // Assert: the preview is served (reads are theirs) and says who can apply it
    expect(preview.statusCode).toBe(200);
    expect(canApply).toBe(false);
    expect(applyNote).toMatch(/read-only.*members of the "security-oncall" group can apply it/);
    expect(summary).toContain(applyNote);
    expect(planId).toEqual(expect.any(String));
    // The function refuses the write itself, says why, and audits the refusal: nothing read, journaled or written
    expect(apply.statusCode).toBe(403);
    expect(JSON.parse(apply.body).error).toMatchObject({
      code: 'Forbidden',
      message: expect.stringMatching(/signed in read-only.*Nothing was changed/),
    });
    expect(audits()).toEqual([
      expect.objectContaining({
        operation: 'removePublicAccessFromS3Bucket',
        outcome: 'rejected',
        requestId: 'req-rob',
        who: expect.objectContaining({ username: 'rob', sub: 'sub-rob' }),
      }),
    ]);
    expect(s3Mock.calls()).toHaveLength(s3CallsBeforeApply);
    expect(s3Mock).not.toHaveReceivedCommand(PutPublicAccessBlockCommand);
    expect(journalMock).not.toHaveReceivedCommand(PutItemCommand);
  });

  it('lets a remediator see canApply true and apply the previewed change', async () => {
    // Arrange
    const reads = loadEntry('find-public-buckets');
    const writes = loadEntry('block-bucket-public-access');

    // Act
    const preview = await reads.handler(event(REMEDIATOR, 'GET', PREVIEW_PATH), context);
    const { planId, canApply, applyNote, summary } = JSON.parse(preview.body);
    const apply = await writes.handler(
      event(REMEDIATOR, 'POST', APPLY_PATH, JSON.stringify({ planId })),
      context,
    );

    // Assert
    expect(preview.statusCode).toBe(200);
    expect({ canApply, applyNote }).toEqual({ canApply: true, applyNote: null });
    expect(summary).not.toMatch(/read-only/);
    expect(apply.statusCode).toBe(200);
    expect(JSON.parse(apply.body)).toMatchObject({ changed: true, changeId: expect.any(String) });
    expect(s3Mock).toHaveReceivedCommandTimes(PutPublicAccessBlockCommand, 1);
    expect(audits()).toEqual([
      expect.objectContaining({
        operation: 'removePublicAccessFromS3Bucket',
        outcome: 'changed',
        who: expect.objectContaining({ username: 'rita' }),
      }),
    ]);
  });
});
