/**
 * Reading request bodies: a key named twice anywhere in the JSON is a 400 naming it (JSON.parse would
 * keep the last value silently, so `{"dryRun":true,"dryRun":false}` would turn a preview into a write),
 * and the router's 405s name the methods the path really allows.
 */
import { findDuplicateJsonKey } from '../../functions/shared/duplicate-json-keys';
import { ValidationError } from '../../functions/shared/errors';
import { bindOperation, createOperationRouter, resolveEvent } from '../../functions/shared/http-router';
import { parseJsonObject } from '../../functions/shared/request-input';
import { findS3BucketsWithPublicAccess, removePublicAccessFromS3Bucket } from '../../openapi/operations';
import { apiGatewayEvent } from '../support/api-gateway-event';
import { startTestApi, type TestApi } from '../support/local-api';

describe('findDuplicateJsonKey', () => {
  it.each<[string, string, string | undefined]>([
    ['no duplicate', '{"dryRun":true,"port":22}', undefined],
    ['a top-level duplicate', '{"dryRun":true,"dryRun":false}', 'dryRun'],
    ['the same key spelled with an escape', '{"dryRun":true,"dry\\u0052un":false}', 'dryRun'],
    ['an escaped quote inside a key', '{"a\\"b":1,"a\\"b":2}', 'a"b'],
    ['a duplicate in a nested object', '{"tags":{"env":"a","env":"b"}}', 'tags.env'],
    [
      'a duplicate in an object inside an array',
      '{"rules":[{"port":1},{"port":2,"port":3}]}',
      'rules[1].port',
    ],
    ['the same key in sibling objects (fine)', '{"a":{"x":1},"b":{"x":2}}', undefined],
    ['a key equal to a string value (fine)', '{"dryRun":"dryRun","x":"dryRun"}', undefined],
    ['keys with structural characters in values', '{"a":"{\\"a\\":1,","b":"]","a":0}', 'a'],
    ['whitespace everywhere', ' { "port" : 22 ,\n "port" : 23 } ', 'port'],
    ['a duplicate after a nested object closes', '{"a":{"b":1},"c":2,"a":3}', 'a'],
    ['an empty key twice', '{"":1,"":2}', ''],
  ])('%s: %s', (_case, text, expected) => {
    // Arrange: the scanner assumes valid JSON, as the router parses first
    JSON.parse(text);

    // Act
    const found = findDuplicateJsonKey(text);

    // Assert
    expect(found).toBe(expected);
  });
});

describe('parseJsonObject', () => {
  it('refuses a duplicate key with a ValidationError naming it', () => {
    // Act
    const attempt = () => parseJsonObject('{"dryRun":true,"dryRun":false}');

    // Assert
    expect(attempt).toThrow(ValidationError);
    expect(attempt).toThrow('The request body gives "dryRun" more than once; give each field once.');
  });

  it('returns a valid body as JSON.parse does', () => {
    expect(parseJsonObject('{"port":22,"protocol":"tcp","dryRun":true}')).toEqual({
      port: 22,
      protocol: 'tcp',
      dryRun: true,
    });
  });
});

describe('duplicate keys over HTTP (local server, default sandbox)', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(() => api.close());
  beforeEach(() => {
    api.sandbox.calls.length = 0;
  });

  it.each([
    [
      'dryRun given twice',
      '/s3/buckets/acme-public-acl/block-public-access',
      '{"dryRun":true,"dryRun":false}',
      'dryRun',
    ],
    [
      'dryRun twice, one spelled with an escape',
      '/s3/buckets/acme-public-acl/block-public-access',
      '{"dryRun":true,"dry\\u0052un":false}',
      'dryRun',
    ],
    ['port given twice', '/ec2/instances/i-0123456789abcdef0/close-port', '{"port":22,"port":3389}', 'port'],
    [
      'region given twice',
      '/ec2/instances/i-0123456789abcdef0/close-port',
      '{"port":22,"region":"us-east-1","dryRun":true,"region":"eu-west-1"}',
      'region',
    ],
  ])('answers %s with 400 naming the key, and writes nothing', async (_case, path, body, key) => {
    // Act
    const reply = await api.call('POST', path, body);

    // Assert
    expect(reply.status).toBe(400);
    expect(reply.body.error.code).toBe('ValidationError');
    expect(reply.body.error.message).toContain(`"${key}" more than once`);
    expect(api.sandbox.writeCalls()).toHaveLength(0);
    expect(api.sandbox.calls).toHaveLength(0);
  });

  it('still previews with a valid body', async () => {
    // Act
    const reply = await api.call(
      'POST',
      '/s3/buckets/acme-public-acl/block-public-access',
      '{"dryRun":true}',
    );

    // Assert
    expect(reply.status).toBe(200);
    expect(reply.body.dryRun).toBe(true);
    expect(api.sandbox.writeCalls()).toHaveLength(0);
  });
});

describe('405 names the methods the path allows', () => {
  const served = createOperationRouter([
    bindOperation(findS3BucketsWithPublicAccess, async () => {
      throw new Error('not called');
    }),
    bindOperation(removePublicAccessFromS3Bucket, async () => {
      throw new Error('not called');
    }),
  ]);
  const context = { awsRequestId: 'r', getRemainingTimeInMillis: () => 1000 } as never;

  it.each([
    ['a known method', 'DELETE', '/s3/public-buckets', 'GET'],
    ['a method the Router does not know', 'FOO', '/s3/public-buckets', 'GET'],
    ['a known method on a templated path', 'PUT', '/s3/buckets/b/block-public-access', 'POST'],
    [
      'a method the Router does not know on a templated path',
      'BREW',
      '/s3/buckets/b/block-public-access',
      'POST',
    ],
  ])('%s: %s %s allows %s', async (_case, method, path, allow) => {
    // Act
    const result = await resolveEvent(served, apiGatewayEvent(method, path), context);

    // Assert
    expect(result.statusCode).toBe(405);
    expect(result.headers?.allow).toBe(allow);
    expect(JSON.parse(result.body).error).toEqual({
      code: 'MethodNotAllowed',
      message: `${method} is not allowed on ${path}; use ${allow}.`,
    });
  });

  it('answers a method the Router does not know on an unknown path with 404, not a guess', async () => {
    // Act
    const result = await resolveEvent(served, apiGatewayEvent('FOO', '/nowhere'), context);

    // Assert
    expect(result.statusCode).toBe(404);
    expect(JSON.parse(result.body).error.code).toBe('NotFound');
  });
});
