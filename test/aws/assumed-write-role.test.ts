/**
 * The write role's credentials: assumed with the caller as source identity (and session name), for the
 * shortest session, cached per caller while fresh, assumed again near expiry, never cached when refused.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import {
  assumedWriteClients,
  createAssumedWriteRole,
  MAX_CACHED_IDENTITIES,
  REFRESH_MARGIN_MS,
  WRITE_SESSION_SECONDS,
} from '../../functions/aws/assumed-write-role';
import { UpstreamError } from '../../functions/shared/errors';
import { awsError } from '../support/aws-error';

const ROLE = 'arn:aws:iam::111122223333:role/AiopsExposureApi-CloseOpenPortWriteRole';
const T0 = Date.parse('2026-11-30T08:00:00Z');
const sts = mockClient(STSClient);

let issued = 0;
beforeEach(() => {
  sts.reset();
  issued = 0;
  sts.on(AssumeRoleCommand).callsFake(async () => {
    issued += 1;
    return {
      Credentials: {
        AccessKeyId: `ASIA${issued}`,
        SecretAccessKey: 'secret',
        SessionToken: `token-${issued}`,
        Expiration: new Date(T0 + WRITE_SESSION_SECONDS * 1000),
      },
    };
  });
});

function role(now: () => number = () => T0) {
  return createAssumedWriteRole(new STSClient({ region: 'eu-west-1' }), ROLE, now);
}

describe('createAssumedWriteRole', () => {
  it('assumes the role with the source identity as SourceIdentity and session name, for the shortest session', async () => {
    // Act
    const credentials = await role().credentialsFor('alice@example.com');

    // Assert
    expect(credentials).toEqual({
      accessKeyId: 'ASIA1',
      secretAccessKey: 'secret',
      sessionToken: 'token-1',
      expiration: new Date(T0 + WRITE_SESSION_SECONDS * 1000),
    });
    expect(sts).toHaveReceivedCommandWith(AssumeRoleCommand, {
      RoleArn: ROLE,
      RoleSessionName: 'alice@example.com',
      SourceIdentity: 'alice@example.com',
      DurationSeconds: 900,
    });
  });

  it('reuses a caller’s credentials while fresh and keeps callers apart', async () => {
    // Arrange
    const writes = role();

    // Act
    const [first, again] = [await writes.credentialsFor('alice'), await writes.credentialsFor('alice')];
    const other = await writes.credentialsFor('bob');

    // Assert
    expect(again).toBe(first);
    expect(other.accessKeyId).not.toBe(first.accessKeyId);
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 2);
  });

  it('assumes again once the credentials are within the refresh margin of expiry', async () => {
    // Arrange
    let now = T0;
    const writes = role(() => now);
    await writes.credentialsFor('alice');

    // Act
    now = T0 + WRITE_SESSION_SECONDS * 1000 - REFRESH_MARGIN_MS - 1;
    const stillFresh = await writes.credentialsFor('alice');
    now = T0 + WRITE_SESSION_SECONDS * 1000 - REFRESH_MARGIN_MS + 1;
    const renewed = await writes.credentialsFor('alice');

    // Assert
    expect(stillFresh.accessKeyId).toBe('ASIA1');
    expect(renewed.accessKeyId).toBe('ASIA2');
  });

  it('fails as a 502 naming sts:AssumeRole, and does not cache the failure', async () => {
    // Arrange
    const writes = role();
    sts
      .on(AssumeRoleCommand)
      .rejectsOnce(awsError('AccessDenied', 403))
      .resolves({
        Credentials: {
          AccessKeyId: 'ASIA-RETRY',
          SecretAccessKey: 's',
          SessionToken: 't',
          Expiration: new Date(T0 + 900_000),
        },
      });

    // Act
    const refused = writes.credentialsFor('alice');

    // Assert
    await expect(refused).rejects.toBeInstanceOf(UpstreamError);
    await expect(refused).rejects.toThrow('AWS sts:AssumeRole failed with AccessDenied');
    await expect(writes.credentialsFor('alice')).resolves.toMatchObject({ accessKeyId: 'ASIA-RETRY' });
  });

  it('refuses an answer without credentials', async () => {
    sts.on(AssumeRoleCommand).resolves({});
    await expect(role().credentialsFor('alice')).rejects.toThrow(
      'sts:AssumeRole failed with MissingCredentials',
    );
  });

  it('keeps at most MAX_CACHED_IDENTITIES callers, dropping the oldest', async () => {
    // Arrange
    const writes = role();
    for (let i = 0; i <= MAX_CACHED_IDENTITIES; i++) await writes.credentialsFor(`user-${i}`);

    // Act
    await writes.credentialsFor(`user-${MAX_CACHED_IDENTITIES}`); // newest: cached
    await writes.credentialsFor('user-0'); // oldest: dropped, assumed again

    // Assert
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, MAX_CACHED_IDENTITIES + 2);
  });
});

describe('assumedWriteClients', () => {
  it('hands out a client per caller and Region signed with that caller’s session', async () => {
    // Arrange
    const built: string[] = [];
    const clients = assumedWriteClients(role(), (credentials) => (region) => {
      built.push(region);
      return new S3Client({ region, credentials });
    });
    const alice = { principal: 'alice', email: 'alice@example.com' };

    // Act
    const client = await clients(alice, 'eu-west-1');
    const credentials = await client.config.credentials();

    // Assert
    expect(credentials).toMatchObject({ accessKeyId: 'ASIA1', sessionToken: 'token-1' });
    expect(sts).toHaveReceivedCommandWith(AssumeRoleCommand, { SourceIdentity: 'alice@example.com' });
    expect(built).toEqual(['eu-west-1']);
  });

  it('refuses before handing out a client when the role cannot be assumed', async () => {
    sts.on(AssumeRoleCommand).rejects(awsError('AccessDenied', 403));
    const clients = assumedWriteClients(role(), () => () => {
      throw new Error('no client should be built');
    });
    await expect(clients({ principal: 'alice' }, 'eu-west-1')).rejects.toThrow('sts:AssumeRole');
  });
});
