/**
 * The sandbox stands in for IAM and STS as the deployed stack sets them up: its STS answers AssumeRole for
 * the write role only, validating the source identity as STS does, and it refuses an API client's write
 * unless signed by such a session, so the local server runs the deployed write path.
 */
import { PutPublicAccessBlockCommand } from '@aws-sdk/client-s3';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { assumedWriteClients, createAssumedWriteRole } from '../../functions/aws/assumed-write-role';
import {
  baseClientConfig,
  defaultClientSettings,
  prepareClientStack,
} from '../../functions/aws/client-config';
import { createS3Clients } from '../../functions/aws/s3-clients';
import { sandboxWriteRoleArn } from '../../functions/local/local-backend';
import { DEFAULT_SCENARIO } from '../../functions/local/main';
import { SandboxAccount } from '../../functions/local/sandbox/sandbox-account';
import { loadScenarioFile } from '../../functions/local/sandbox/scenario';
import { startTestApi } from '../support/local-api';

const FLAGS = {
  BlockPublicAcls: true,
  IgnorePublicAcls: true,
  BlockPublicPolicy: true,
  RestrictPublicBuckets: true,
};

function sandboxWithWriteRole() {
  const scenario = loadScenarioFile(DEFAULT_SCENARIO);
  const sandbox = new SandboxAccount(scenario);
  sandbox.writeRoleArn = sandboxWriteRoleArn(scenario.accountId);
  const settings = defaultClientSettings({
    credentials: { accessKeyId: 'SANDBOXACCESSKEY', secretAccessKey: 'sandbox-secret' },
    endpoints: {},
    attachments: [sandbox.attachment],
  });
  const sts = new STSClient(baseClientConfig(settings, 'sts', scenario.homeRegion));
  prepareClientStack(sts.middlewareStack, settings, 'sts', scenario.homeRegion);
  const bucket = scenario.s3.buckets[0];
  if (!bucket) throw new Error('the default scenario has no bucket');
  return { scenario, sandbox, settings, sts, bucket };
}

describe('the sandbox as IAM and STS', () => {
  it('refuses a write signed with the account’s own credentials', async () => {
    // Arrange
    const { settings, bucket, sandbox } = sandboxWithWriteRole();
    const s3 = createS3Clients(settings).s3(bucket.region);

    // Act
    const write = s3.send(
      new PutPublicAccessBlockCommand({ Bucket: bucket.name, PublicAccessBlockConfiguration: FLAGS }),
    );

    // Assert
    await expect(write).rejects.toMatchObject({ name: 'AccessDenied' });
    expect(sandbox.writeCalls()).toEqual([]);
  });

  it('lets the write through under a write-role session and records who it was for', async () => {
    // Arrange
    const { settings, bucket, sandbox, sts, scenario } = sandboxWithWriteRole();
    const role = createAssumedWriteRole(sts, sandboxWriteRoleArn(scenario.accountId));
    const writeS3 = assumedWriteClients(
      role,
      (credentials) => createS3Clients({ ...settings, credentials }).s3,
    );

    // Act
    const s3 = await writeS3({ principal: 'alice', email: 'alice smith@example.com' }, bucket.region);
    await s3.send(
      new PutPublicAccessBlockCommand({ Bucket: bucket.name, PublicAccessBlockConfiguration: FLAGS }),
    );

    // Assert
    expect(sandbox.writeCalls()).toEqual([
      expect.objectContaining({
        command: 'PutPublicAccessBlock',
        sourceIdentity: expect.stringMatching(/^alice_smith@example\.com-[0-9a-f]{8}$/),
      }),
    ]);
  });

  it.each([
    [{ SourceIdentity: 'alice smith' }, 'ValidationError'],
    [{ SourceIdentity: 'a' }, 'ValidationError'],
    [{ RoleArn: 'arn:aws:iam::111122223333:role/admin' }, 'AccessDenied'],
    [{ DurationSeconds: 7200 }, 'ValidationError'],
  ])('refuses AssumeRole with %j', async (change, code) => {
    const { sts, scenario } = sandboxWithWriteRole();
    const input = {
      RoleArn: sandboxWriteRoleArn(scenario.accountId),
      RoleSessionName: 'alice',
      SourceIdentity: 'alice',
      DurationSeconds: 900,
      ...change,
    };
    await expect(sts.send(new AssumeRoleCommand(input))).rejects.toMatchObject({ name: code });
  });

  it('runs the local server’s writes under the write role with the local caller as source identity', async () => {
    // Arrange
    const api = await startTestApi();
    try {
      // Act
      const reply = await api.call('POST', '/s3/buckets/acme-public-website/block-public-access', {});

      // Assert
      expect(reply.status).toBe(200);
      const assumed = api.sandbox.calls.filter((call) => call.command === 'AssumeRole');
      expect(assumed).toEqual([
        expect.objectContaining({
          input: expect.objectContaining({
            SourceIdentity: 'local',
            RoleArn: expect.stringContaining(':role/'),
          }),
        }),
      ]);
      expect(api.sandbox.writeCalls().map((call) => call.sourceIdentity)).toEqual(['local']);
    } finally {
      await api.close();
    }
  });
});
