/**
 * A read-only person end to end through the Lambda entries, with the functions' own scope check on (as deployed
 * with sign-in): the preview says they cannot apply it and names the remediators group, and their write is
 * refused by the function itself (403, audited) before any AWS call; a remediator's preview can be applied.
 */
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import {
  GetBucketAclCommand,
  GetBucketPolicyCommand,
  GetBucketPolicyStatusCommand,
  PutPublicAccessBlockCommand,
} from '@aws-sdk/client-s3';
import 'aws-sdk-client-mock-jest';
import { logger } from '../../functions/shared/logger';
import { apiGatewayEvent } from '../support/api-gateway-event';
import { awsError } from '../support/aws-error';
import {
  lambdaContext,
  loadEntry,
  mockLambdaEntryAccount,
  setLambdaEntryEnvironment,
} from '../support/lambda-entry';

const SCOPE_PREFIX = 'aiops-exposure-api';
// As the stack sets them with sign-in: each function checks the scopes; previews name the stack's group.
setLambdaEntryEnvironment({ OAUTH_SCOPE_PREFIX: SCOPE_PREFIX, REMEDIATOR_GROUP: 'security-oncall' });

const { s3Mock, journalMock } = mockLambdaEntryAccount();

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

const context = lambdaContext('entry');

let info: jest.SpyInstance;
beforeEach(() => {
  info = jest.spyOn(logger, 'info').mockImplementation(() => undefined);
  // On top of the one bucket without Block Public Access: its ACL grants everyone read, so it is public.
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
