/**
 * The Lambda entries: an API Gateway proxy event in, the API's JSON out, the
 * account id taken from the function ARN, and one audit record per write
 * with the caller's claims from the Cognito authorizer.
 */

import { PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { ListBucketsCommand, PutPublicAccessBlockCommand } from '@aws-sdk/client-s3';
import { GetPublicAccessBlockCommand as GetAccountPublicAccessBlockCommand } from '@aws-sdk/client-s3-control';
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { logger } from '../../functions/shared/logger';
import { apiGatewayEvent } from '../support/api-gateway-event';
import { awsError } from '../support/aws-error';
import {
  type Entry,
  lambdaContext,
  loadEntry,
  mockLambdaEntryAccount,
  setLambdaEntryEnvironment,
} from '../support/lambda-entry';

setLambdaEntryEnvironment();

const { s3Mock, controlMock, journalMock, secretsMock } = mockLambdaEntryAccount();

function event(method: string, path: string, body: string | null = null): APIGatewayProxyEvent {
  return apiGatewayEvent(method, path, {
    body,
    requestContext: {
      requestId: 'req-123',
      authorizer: { claims: { 'cognito:username': 'alice', sub: 'sub-1', client_id: 'client-9' } },
    },
  });
}

const context = lambdaContext('block');

describe('block-bucket-public-access Lambda entry', () => {
  it('blocks through an API Gateway event and writes one audit record with who, what, before and after', async () => {
    // Arrange
    const info = jest.spyOn(logger, 'info').mockImplementation(() => undefined);
    const { handler } = loadEntry('block-bucket-public-access');

    // Act
    const result = await handler(event('POST', '/s3/buckets/data/block-public-access', '{}'), context);

    // Assert
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body)).toMatchObject({
      bucketName: 'data',
      region: 'eu-west-1',
      changed: true,
      before: null,
    });
    expect(controlMock).toHaveReceivedNthSpecificCommandWith(1, GetAccountPublicAccessBlockCommand, {
      AccountId: '444455556666',
    });
    const audits = info.mock.calls.filter(([message]) => message === 'audit');
    expect(audits).toHaveLength(1);
    expect(audits[0]?.[1]).toEqual({
      audit: expect.objectContaining({
        operation: 'removePublicAccessFromS3Bucket',
        target: 'data',
        region: 'eu-west-1',
        dryRun: false,
        outcome: 'changed',
        before: null,
        after: {
          BlockPublicAcls: true,
          IgnorePublicAcls: true,
          BlockPublicPolicy: true,
          RestrictPublicBuckets: true,
        },
        requestId: 'req-123',
        who: { principal: 'alice', username: 'alice', sub: 'sub-1', clientId: 'client-9' },
      }),
    });
    // The journal: an intent naming who and what before the write, its completion after.
    const puts = journalMock.commandCalls(PutItemCommand).map((call) => call.args[0].input);
    const intent = puts.find((put) => put.TableName === 'journal-table');
    // Before it, the stored S3 scans are marked out of date (a find then scans again).
    expect(puts.map((put) => put.TableName)).toEqual(['snapshot-table', 'journal-table', 'snapshot-table']);
    expect(puts[0]?.Item).toMatchObject({ pk: { S: 'stale#444455556666#s3' } });
    expect(intent?.Item).toMatchObject({
      status: { S: 'intent' },
      requestId: { S: 'req-123' },
      principal: { S: 'alice' },
      who: {
        M: {
          principal: { S: 'alice' },
          username: { S: 'alice' },
          sub: { S: 'sub-1' },
          clientId: { S: 'client-9' },
        },
      },
      target: { M: { account: { S: '444455556666' }, region: { S: 'eu-west-1' }, id: { S: 'data' } } },
      before: { NULL: true },
    });
    const completion = journalMock.commandCalls(UpdateItemCommand)[0]?.args[0].input;
    expect(completion?.Key?.sk).toEqual(intent?.Item?.sk);
    expect(completion?.ExpressionAttributeValues?.[':completion']?.M?.undoPlan).toEqual({
      L: [
        {
          M: {
            action: { S: 'restoreBucketPublicAccessBlock' },
            bucketName: { S: 'data' },
            region: { S: 'eu-west-1' },
            flags: { NULL: true },
          },
        },
      ],
    });
    expect(JSON.parse(result.body).changeId).toBe(intent?.Item?.sk?.S);
    info.mockRestore();
  });

  it('makes no AWS write when the journal cannot record the intent', async () => {
    journalMock
      .on(PutItemCommand, { TableName: 'journal-table' })
      .rejects(awsError('ResourceNotFoundException', 400));
    const { handler } = loadEntry('block-bucket-public-access');

    const result = await handler(event('POST', '/s3/buckets/data/block-public-access', '{}'), context);

    expect(result.statusCode).toBe(502);
    expect(JSON.parse(result.body).error.message).toMatch(/could not record the change.*nothing was changed/);
    expect(s3Mock).not.toHaveReceivedCommand(PutPublicAccessBlockCommand);
  });

  it('makes no AWS write and records nothing when the stored scans cannot be marked out of date', async () => {
    journalMock
      .on(PutItemCommand, { TableName: 'snapshot-table' })
      .rejects(awsError('ResourceNotFoundException', 400));
    const { handler } = loadEntry('block-bucket-public-access');

    const result = await handler(event('POST', '/s3/buckets/data/block-public-access', '{}'), context);

    expect(result.statusCode).toBe(502);
    expect(JSON.parse(result.body).error.message).toMatch(
      /stored scans could not be marked out of date.*nothing was changed/,
    );
    expect(s3Mock).not.toHaveReceivedCommand(PutPublicAccessBlockCommand);
    expect(
      journalMock.commandCalls(PutItemCommand).filter((c) => c.args[0].input.TableName === 'journal-table'),
    ).toEqual([]);
  });

  it('audits the IAM principal of a call through the IAM-authorised automation API', async () => {
    // Arrange: API Gateway puts the SigV4 signer in requestContext.identity; there are no token claims.
    const info = jest.spyOn(logger, 'info').mockImplementation(() => undefined);
    const { handler } = loadEntry('block-bucket-public-access');
    const signed = apiGatewayEvent('POST', '/s3/buckets/data/block-public-access', {
      body: '{"dryRun":true}',
      requestContext: {
        requestId: 'req-iam',
        identity: { userArn: 'arn:aws:sts::444455556666:assumed-role/ops-runner/session-1' },
      },
    });

    // Act
    await handler(signed, context);

    // Assert
    const audit = info.mock.calls.find(([message]) => message === 'audit')?.[1] as {
      audit: { who: unknown };
    };
    expect(audit.audit.who).toEqual({
      principal: 'arn:aws:sts::444455556666:assumed-role/ops-runner/session-1',
      iamArn: 'arn:aws:sts::444455556666:assumed-role/ops-runner/session-1',
    });
    info.mockRestore();
  });

  it('audits a dry run too, and writes nothing', async () => {
    const info = jest.spyOn(logger, 'info').mockImplementation(() => undefined);
    const { handler } = loadEntry('block-bucket-public-access');

    const result = await handler(
      event('POST', '/s3/buckets/data/block-public-access', '{"dryRun":true}'),
      context,
    );

    expect(result.statusCode).toBe(200);
    expect(s3Mock).not.toHaveReceivedCommand(PutPublicAccessBlockCommand);
    expect(journalMock).not.toHaveReceivedCommand(PutItemCommand);
    const audits = info.mock.calls.filter(([message]) => message === 'audit');
    expect(audits.map(([, payload]) => (payload as { audit: { outcome: string } }).audit.outcome)).toEqual([
      'would-change',
    ]);
    info.mockRestore();
  });

  it('answers a wrong route inside the function with the API error shape', async () => {
    const { handler } = loadEntry('block-bucket-public-access');

    const result = await handler(event('GET', '/s3/public-buckets'), context);

    expect(result.statusCode).toBe(404);
    expect(JSON.parse(result.body)).toEqual({ error: { code: 'NotFound', message: expect.any(String) } });
  });
});

describe('find-public-buckets Lambda entry', () => {
  it('answers GET /s3/public-buckets', async () => {
    const { handler } = loadEntry('find-public-buckets');
    s3Mock.on(ListBucketsCommand).resolves({ Buckets: [] });

    const result = await handler(event('GET', '/s3/public-buckets'), context);

    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body)).toMatchObject({ scannedBuckets: 0, publicCount: 0, complete: true });
    expect(result.headers?.['content-type']).toContain('application/json');
  });
});

describe('log lines of a Lambda invocation', () => {
  it('carry the request id and the cold-start flag, cold only on the first invocation', async () => {
    // Arrange: a fresh container (its own modules, so its own cold start) logging at INFO to stdout
    process.env.AWS_LAMBDA_INITIALIZATION_TYPE = 'on-demand';
    let entry: { handler: Entry['handler']; logger: typeof logger } | undefined;
    let s3Sdk: typeof import('@aws-sdk/client-s3') | undefined;
    let controlSdk: typeof import('@aws-sdk/client-s3-control') | undefined;
    jest.isolateModules(() => {
      entry = {
        handler: (require('../../functions/block-bucket-public-access') as Entry).handler,
        logger: (require('../../functions/shared/logger') as { logger: typeof logger }).logger,
      };
      s3Sdk = require('@aws-sdk/client-s3');
      controlSdk = require('@aws-sdk/client-s3-control');
    });
    if (!entry || !s3Sdk || !controlSdk) throw new Error('the isolated entry did not load');
    const s3 = mockClient(s3Sdk.S3Client);
    s3.on(s3Sdk.ListBucketsCommand).resolves({ Buckets: [{ Name: 'data', BucketRegion: 'eu-west-1' }] });
    s3.on(s3Sdk.GetPublicAccessBlockCommand).rejects(awsError('NoSuchPublicAccessBlockConfiguration'));
    s3.on(s3Sdk.GetBucketWebsiteCommand).rejects(awsError('NoSuchWebsiteConfiguration'));
    s3.on(s3Sdk.GetBucketTaggingCommand).rejects(awsError('NoSuchTagSet'));
    mockClient(controlSdk.S3ControlClient)
      .on(controlSdk.GetPublicAccessBlockCommand)
      .rejects(awsError('NoSuchPublicAccessBlockConfiguration'));
    entry.logger.setLogLevel('INFO');
    const written: string[] = [];
    const stdout = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    const dryRun = event('POST', '/s3/buckets/data/block-public-access', '{"dryRun": true}');

    // Act
    try {
      await entry.handler(dryRun, { ...context, awsRequestId: 'aws-req-cold' });
      await entry.handler(dryRun, { ...context, awsRequestId: 'aws-req-warm' });
    } finally {
      stdout.mockRestore();
      entry.logger.setLogLevel('SILENT');
      delete process.env.AWS_LAMBDA_INITIALIZATION_TYPE;
    }

    // Assert
    const lines = written.flatMap((chunk) => chunk.split('\n')).filter((line) => line.startsWith('{'));
    const audits = lines.map((line) => JSON.parse(line)).filter((line) => line.message === 'audit');
    expect(audits).toEqual([
      expect.objectContaining({ function_request_id: 'aws-req-cold', cold_start: true }),
      expect.objectContaining({ function_request_id: 'aws-req-warm', cold_start: false }),
    ]);
    expect(audits.map((line) => line.audit.outcome)).toEqual(['would-change', 'would-change']);
    for (const line of lines.map((text) => JSON.parse(text))) {
      expect(line).toEqual(
        expect.objectContaining({ function_request_id: expect.any(String), cold_start: expect.any(Boolean) }),
      );
    }
  });
});

describe('a preview in the read function, applied by the write function', () => {
  it('signs with the stack secret, read once per container, and the write accepts its planId', async () => {
    const reads = loadEntry('find-public-buckets');
    const writes = loadEntry('block-bucket-public-access');

    const first = await reads.handler(event('GET', '/s3/buckets/data/block-public-access/preview'), context);
    const second = await reads.handler(event('GET', '/s3/buckets/data/block-public-access/preview'), context);
    expect(first.statusCode).toBe(200);
    expect(second.statusCode).toBe(200);
    expect(s3Mock).not.toHaveReceivedCommand(PutPublicAccessBlockCommand);
    const { planId } = JSON.parse(first.body) as { planId: string };
    const applied = await writes.handler(
      event('POST', '/s3/buckets/data/block-public-access', JSON.stringify({ planId })),
      context,
    );

    expect(applied.statusCode).toBe(200);
    expect(s3Mock).toHaveReceivedCommandTimes(PutPublicAccessBlockCommand, 1);
    // One read per function container (each entry module is one container here), never one per request.
    expect(secretsMock).toHaveReceivedCommandTimes(GetSecretValueCommand, 2);
    expect(secretsMock).toHaveReceivedCommandWith(GetSecretValueCommand, {
      SecretId: process.env.PLAN_KEY_SECRET_ARN,
    });
  });
});
