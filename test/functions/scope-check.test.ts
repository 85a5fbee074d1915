/**
 * Defence in depth: a deployed function checks the verified claims itself. A read-only token cannot remediate,
 * a remediator's can, and a forged or scope-less event invoking a write function directly is refused and
 * audited, before any handler (so before any AWS call) runs.
 */
import type { Context } from 'aws-lambda';
import { bindOperation, createOperationRouter, resolveEvent } from '../../functions/shared/http-router';
import { logger } from '../../functions/shared/logger';
import { findS3BucketsWithPublicAccess, removePublicAccessFromS3Bucket } from '../../openapi/operations';
import { apiGatewayEvent } from '../support/api-gateway-event';

const PREFIX = 'aiops-exposure-api';
const context = { awsRequestId: 'aws-1', getRemainingTimeInMillis: () => 20_000 } as unknown as Context;

function setup(iamApiId?: string) {
  const calls: string[] = [];
  const router = createOperationRouter(
    [
      bindOperation(removePublicAccessFromS3Bucket, async () => {
        calls.push('block');
        return {
          summary: 'ok',
          bucketName: 'data',
          region: 'us-east-1',
          dryRun: false,
          changed: false,
          intendedExposure: null,
          before: null,
          after: {
            BlockPublicAcls: true,
            IgnorePublicAcls: true,
            BlockPublicPolicy: true,
            RestrictPublicBuckets: true,
          },
          publicBefore: false,
          publicReasonsBefore: [],
          publicAfter: false,
          latentAfter: [],
          website: false,
          warnings: [],
          undo: [],
          changeId: null,
        };
      }),
      bindOperation(findS3BucketsWithPublicAccess, async () => {
        calls.push('find');
        throw new Error('not reached in these tests');
      }),
    ],
    { scopePrefix: PREFIX, ...(iamApiId ? { iamApiId } : {}) },
  );
  return { router, calls };
}

const block = (claims?: Record<string, string>) =>
  apiGatewayEvent('POST', '/s3/buckets/data/block-public-access', {
    body: '{}',
    requestContext: { requestId: 'req-9', ...(claims ? { authorizer: { claims } } : {}) },
  });

describe('the functions’ own scope check', () => {
  let info: jest.SpyInstance;
  beforeEach(() => {
    info = jest.spyOn(logger, 'info').mockImplementation(() => undefined);
  });
  afterEach(() => info.mockRestore());

  it('lets a remediator’s access token change things', async () => {
    const { router, calls } = setup();
    const result = await resolveEvent(
      router,
      block({ token_use: 'access', scope: `${PREFIX}/read ${PREFIX}/remediate`, username: 'rita' }),
      context,
    );
    expect(result.statusCode).toBe(200);
    expect(calls).toEqual(['block']);
  });

  it('refuses a read-only token, says why and who can do it, and audits the refusal', async () => {
    const { router, calls } = setup();
    const result = await resolveEvent(
      router,
      block({ token_use: 'access', scope: `${PREFIX}/read`, username: 'rob' }),
      context,
    );
    expect(result.statusCode).toBe(403);
    expect(JSON.parse(result.body).error.message).toMatch(
      /read-only.*remediator.*npm run grant -- --user NAME --remediator/,
    );
    expect(calls).toEqual([]);
    const audits = info.mock.calls
      .filter(([message]) => message === 'audit')
      .map(([, payload]) => payload.audit);
    expect(audits).toEqual([
      expect.objectContaining({
        operation: 'removePublicAccessFromS3Bucket',
        outcome: 'rejected',
        requestId: 'req-9',
        who: expect.objectContaining({ username: 'rob' }),
      }),
    ]);
  });

  it.each([
    ['no claims at all (a direct invocation)', undefined],
    ['an id token carrying the scope', { token_use: 'id', scope: `${PREFIX}/remediate` }],
    ['a scope of another resource server', { token_use: 'access', scope: 'other-api/remediate' }],
  ])('refuses %s and audits it', async (_name, claims) => {
    const { router, calls } = setup();
    const result = await resolveEvent(router, block(claims), context);
    expect(result.statusCode).toBe(403);
    expect(calls).toEqual([]);
    expect(info.mock.calls.filter(([message]) => message === 'audit')).toHaveLength(1);
  });

  it('refuses a read without the read scope, without an audit record (reads change nothing)', async () => {
    const { router, calls } = setup();
    const result = await resolveEvent(
      router,
      apiGatewayEvent('GET', '/s3/public-buckets', {
        requestContext: { authorizer: { claims: { token_use: 'access', scope: '' } } },
      }),
      context,
    );
    expect(result.statusCode).toBe(403);
    expect(calls).toEqual([]);
    expect(info.mock.calls.filter(([message]) => message === 'audit')).toHaveLength(0);
  });

  it('lets a signed call through the IAM-authorised automation API in, and no other API’s unsigned one', async () => {
    // IAM already decided (the managed policies grant GET or POST methods): the event names the signer, not claims.
    const signed = (apiId: string) =>
      apiGatewayEvent('POST', '/s3/buckets/data/block-public-access', {
        body: '{}',
        requestContext: {
          requestId: 'req-iam',
          apiId,
          identity: { userArn: 'arn:aws:sts::444455556666:assumed-role/ops-runner/s1' },
        },
      });
    const { router, calls } = setup('autoapi123');

    const fromAutomationApi = await resolveEvent(router, signed('autoapi123'), context);
    const fromOtherApi = await resolveEvent(router, signed('userapi456'), context);

    expect(fromAutomationApi.statusCode).toBe(200);
    expect(fromOtherApi.statusCode).toBe(403);
    expect(calls).toEqual(['block']);
  });
});
