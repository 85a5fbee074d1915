/** The planId key in Lambda: read from the stack's secret once per container, a failed read retried. */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { readPlanKey } from '../../functions/aws/plan-key-secret';
import { UpstreamError } from '../../functions/shared/errors';
import { cachedPlanSigning } from '../../functions/shared/plan-signing';
import { awsError } from '../support/aws-error';

const secrets = mockClient(SecretsManagerClient);
const client = new SecretsManagerClient({ region: 'eu-west-1' });

beforeEach(() => secrets.reset());

describe('readPlanKey', () => {
  it('takes the key bytes from the secret text', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: 'abc' });

    await expect(readPlanKey(client, 'arn:secret')).resolves.toEqual(Buffer.from('abc'));
    expect(secrets).toHaveReceivedCommandWith(GetSecretValueCommand, { SecretId: 'arn:secret' });
  });

  it.each([
    [
      'a denied read',
      () => secrets.on(GetSecretValueCommand).rejects(awsError('AccessDeniedException', 400)),
      'AccessDeniedException',
    ],
    ['a secret without text', () => secrets.on(GetSecretValueCommand).resolves({}), 'EmptySecret'],
  ])('answers %s as an UpstreamError naming the call, never an empty key', async (_name, arrange, code) => {
    arrange();

    const failure = readPlanKey(client, 'arn:secret');

    await expect(failure).rejects.toBeInstanceOf(UpstreamError);
    await expect(failure).rejects.toMatchObject({
      awsCall: 'secretsmanager:GetSecretValue',
      awsErrorCode: code,
    });
  });
});

describe('cachedPlanSigning', () => {
  it('loads the key once, and again only after a failed load', async () => {
    const load = jest
      .fn<Promise<Uint8Array>, []>()
      .mockRejectedValueOnce(new Error('throttled'))
      .mockResolvedValue(Buffer.from('key'));
    const signing = cachedPlanSigning(load, () => 42);

    await expect(signing.key()).rejects.toThrow('throttled');
    await expect(signing.key()).resolves.toEqual(Buffer.from('key'));
    await expect(signing.key()).resolves.toEqual(Buffer.from('key'));

    expect(load).toHaveBeenCalledTimes(2);
    expect(signing.now()).toBe(42);
  });
});
