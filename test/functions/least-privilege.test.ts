/**
 * Least privilege: the IAM actions the registry grants each function (and the
 * stack deploys) are exactly the AWS calls its handler makes. Every call seen
 * on the sandbox must be granted; every grant must be used by some call.
 */

import { type RecordedCall, WRITE_COMMANDS } from '../../functions/local/sandbox/sandbox-account';
import { operations } from '../../openapi/operations';
import { startTestApi, type TestApi } from '../support/local-api';
import { isSnapshotCall } from '../support/snapshot-calls';

/** The IAM action AWS checks for an SDK command. */
function iamActionFor(call: RecordedCall): string | undefined {
  if (call.service === 'sts') return undefined; // local only: Lambda reads the account id from its ARN
  if (call.service === 's3control') return `s3:Get${call.command.replace(/^Get/, 'Account')}`;
  if (call.service === 'ec2') return `ec2:${call.command}`;
  if (call.service === 'dynamodb') return `dynamodb:${call.command}`;
  if (call.service === 'servicequotas') return `servicequotas:${call.command}`;
  const s3: Record<string, string> = {
    ListBuckets: 's3:ListAllMyBuckets',
    GetPublicAccessBlock: 's3:GetBucketPublicAccessBlock',
    PutPublicAccessBlock: 's3:PutBucketPublicAccessBlock',
    // S3 authorizes removing a bucket's configuration with the put permission.
    DeletePublicAccessBlock: 's3:PutBucketPublicAccessBlock',
  };
  return s3[call.command] ?? `s3:${call.command}`;
}

/** Requests that together exercise every path of an operation on the default scenario. */
const EXERCISES: Record<string, Array<[string, string, unknown?]>> = {
  // limit=1 pages on (nextToken), and the same find again reuses the stored scan.
  findS3BucketsWithPublicAccess: [
    ['GET', '/s3/public-buckets?limit=1'],
    ['GET', '/s3/public-buckets?limit=1'],
  ],
  removePublicAccessFromS3Bucket: [
    ['POST', '/s3/buckets/acme-public-website/block-public-access', { dryRun: true }],
    ['POST', '/s3/buckets/acme-public-website/block-public-access', {}],
  ],
  previewRemovePublicAccessFromS3Bucket: [
    ['GET', '/s3/buckets/acme-public-website/block-public-access/preview'],
  ],
  previewCloseUnwantedPortForEc2Instance: [
    ['GET', '/ec2/instances/i-0b8bfaa60ede5b648/close-port/preview?port=22'],
    ['GET', '/ec2/instances/i-02215625a3ddfda8a/close-port/preview?port=22&region=eu-west-1'],
  ],
  findEc2InstancesWithOpenPort: [
    ['GET', '/ec2/instances-with-open-port?port=22'],
    ['GET', '/ec2/instances-with-open-port?port=3389'],
  ],
  listChanges: [['GET', '/changes']],
  // `{changes[n]}` is the id of the n-th change SETUP recorded, newest first.
  previewUndoOfChange: [
    ['GET', '/changes/{changes[0]}/undo'],
    ['GET', '/changes/{changes[1]}/undo'],
  ],
  applyUndoOfChange: [
    ['POST', '/changes/{changes[0]}/undo', {}],
    ['POST', '/changes/{changes[1]}/undo', {}],
  ],
  closeUnwantedPortForEc2Instance: [
    ['POST', '/ec2/instances/i-0b8bfaa60ede5b648/close-port', { port: 22, dryRun: true }],
    ['POST', '/ec2/instances/i-0b8bfaa60ede5b648/close-port', { port: 22 }],
    [
      'POST',
      '/ec2/instances/i-02215625a3ddfda8a/close-port',
      { port: 22, region: 'eu-west-1', dryRun: true },
    ],
  ],
};

/** Requests that record the changes an operation works on; their calls are not the operation's. */
const SETUP: Record<string, Array<[string, string, unknown?]>> = {
  previewUndoOfChange: [
    ['POST', '/s3/buckets/acme-public-website/block-public-access', {}],
    ['POST', '/ec2/instances/i-0b8bfaa60ede5b648/close-port', { port: 22 }],
  ],
  applyUndoOfChange: [
    ['POST', '/s3/buckets/acme-public-website/block-public-access', {}],
    ['POST', '/ec2/instances/i-0b8bfaa60ede5b648/close-port', { port: 22 }],
  ],
};

/** Granted for paths the default scenario does not take, each with the reason. */
const RARELY_USED: Record<string, string> = {
  's3:GetBucketLocation': 'only when ListBuckets omits BucketRegion',
  'ec2:DescribeManagedPrefixLists':
    'only when a group that gains rules references a prefix list (quota weight)',
};

describe.each(operations.map((operation) => [operation.operationId, operation] as const))(
  '%s',
  (_id, operation) => {
    let api: TestApi;
    let calls: RecordedCall[];
    let snapshotCalls: RecordedCall[];

    beforeAll(async () => {
      api = await startTestApi();
      for (const [method, path, body] of SETUP[operation.operationId] ?? []) {
        expect((await api.call(method, path, body)).status).toBe(200);
      }
      const changeIds = (await api.call('GET', '/changes')).body.changes.map(
        (c: { changeId: string }) => c.changeId,
      );
      const setupCalls = api.sandbox.calls.length;
      for (const [method, template, body] of EXERCISES[operation.operationId] ?? []) {
        const path = template.replace(/\{changes\[(\d)\]\}/, (_m, n: string) => changeIds[Number(n)]);
        const reply = await api.call(method, path, body);
        expect(reply.status).toBe(200);
      }
      calls = api.sandbox.calls.slice(setupCalls);
      snapshotCalls = calls.filter(isSnapshotCall);
      calls = calls.filter((call) => !isSnapshotCall(call));
    });
    afterAll(() => api.close());

    it('makes only AWS calls its function is granted', () => {
      const used = new Set(calls.map(iamActionFor).filter((action) => action !== undefined));
      expect([...used].filter((action) => !operation.iamActions.includes(action))).toEqual([]);
    });

    it('is granted nothing it does not call', () => {
      const used = new Set(calls.map(iamActionFor));
      const unused = operation.iamActions.filter((action) => !used.has(action) && !(action in RARELY_USED));
      expect(unused).toEqual([]);
    });

    it('calls on the scan snapshot table are exactly its snapshotActions', () => {
      const used = new Set(snapshotCalls.map((call) => `dynamodb:${call.command}`));
      expect([...used].sort()).toEqual([...(operation.snapshotActions ?? [])].sort());
    });

    it('writes only under the write role, as the caller, and uses that session for nothing else', () => {
      // The write role holds the writes and the rule reads a port closure makes mid-write (infra/constructs/operation-permissions.ts).
      const writeRoleActions = new Set([
        ...operation.iamActions.filter((action) => /:(Put|Authorize|Revoke|Delete)/.test(action)),
        ...(operation.iamActions.some((action) => action.startsWith('ec2:Revoke'))
          ? ['ec2:DescribeSecurityGroupRules']
          : []),
      ]);
      const asCaller = calls.filter((call) => call.sourceIdentity !== undefined);
      const writes = calls.filter((call) => WRITE_COMMANDS.has(call.command));
      expect(writes.every((call) => call.sourceIdentity === 'local')).toBe(true);
      expect(
        [...new Set(asCaller.map(iamActionFor))].filter((action) => !writeRoleActions.has(action ?? '')),
      ).toEqual([]);
      expect(asCaller.length > 0).toBe(operation.method === 'post');
    });

    it('only the write operations hold write actions', () => {
      const writes = operation.iamActions.filter((action) =>
        /:(Put|Authorize|Revoke|Delete|Create)/.test(action),
      );
      expect(writes.length > 0).toBe(operation.method === 'post');
    });
  },
);
