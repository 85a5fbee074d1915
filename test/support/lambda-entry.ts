/**
 * What the tests that call the Lambda entries themselves share: the environment the stack gives the functions,
 * the entries loaded only after it is set (they read it and build their AWS clients at module scope, as in
 * Lambda), a Lambda context, and the AWS clients mocked per test as an account with one bucket, `data` in
 * eu-west-1, with no Block Public Access, website or tags, whose writes and journal records succeed.
 */
import { DynamoDBClient, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import {
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
import { awsError } from './aws-error';

/** The environment every entry is deployed with; a test adds what its case needs (the scope check, say). */
export function setLambdaEntryEnvironment(extra: Record<string, string> = {}): void {
  Object.assign(process.env, {
    AWS_REGION: 'eu-west-1',
    CHANGE_JOURNAL_TABLE: 'journal-table',
    SCAN_SNAPSHOT_TABLE: 'snapshot-table',
    PLAN_KEY_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:444455556666:secret:PlanKey-abc',
    ...extra,
  });
}

export type Entry = typeof import('../../functions/find-public-buckets');

/** Loads an entry after the environment is set: entries read it at module scope, as in Lambda. */
export function loadEntry(name: 'find-public-buckets' | 'block-bucket-public-access'): Entry {
  return require(`../../functions/${name}`) as Entry;
}

/** The Lambda context of a function of account 444455556666, the account the entries take from its ARN. */
export function lambdaContext(functionName: string): Context {
  return {
    awsRequestId: 'aws-req-1',
    invokedFunctionArn: `arn:aws:lambda:eu-west-1:444455556666:function:${functionName}`,
    getRemainingTimeInMillis: () => 20_000,
  } as unknown as Context;
}

/**
 * Mocks the clients the S3 entries build and, before each test, resets them to the one-bucket account.
 * Call it at the top of a test file; a test file's own `beforeEach` runs after this one, so it can add to it.
 */
export function mockLambdaEntryAccount() {
  const s3Mock = mockClient(S3Client);
  const controlMock = mockClient(S3ControlClient);
  const journalMock = mockClient(DynamoDBClient);
  const secretsMock = mockClient(SecretsManagerClient);
  beforeEach(() => {
    s3Mock.reset();
    controlMock.reset();
    journalMock.reset();
    journalMock.on(PutItemCommand).resolves({});
    journalMock.on(UpdateItemCommand).resolves({});
    secretsMock.reset();
    secretsMock.on(GetSecretValueCommand).resolves({ SecretString: 'k'.repeat(64) });
    s3Mock.on(ListBucketsCommand).resolves({ Buckets: [{ Name: 'data', BucketRegion: 'eu-west-1' }] });
    s3Mock.on(GetPublicAccessBlockCommand).rejects(awsError('NoSuchPublicAccessBlockConfiguration', 404));
    s3Mock.on(GetBucketWebsiteCommand).rejects(awsError('NoSuchWebsiteConfiguration', 404));
    s3Mock.on(GetBucketTaggingCommand).rejects(awsError('NoSuchTagSet', 404));
    s3Mock.on(PutPublicAccessBlockCommand).resolves({});
    controlMock
      .on(GetAccountPublicAccessBlockCommand)
      .rejects(awsError('NoSuchPublicAccessBlockConfiguration', 404));
  });
  return { s3Mock, controlMock, journalMock, secretsMock };
}
