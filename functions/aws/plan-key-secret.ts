/** Reads the planId signing key from the Secrets Manager secret the stack generates. */
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { upstreamError } from './aws-errors';

/** The secret's text as key bytes; a secret without text is a failed read, never an empty key. */
export async function readPlanKey(client: SecretsManagerClient, secretId: string): Promise<Uint8Array> {
  let text: string | undefined;
  try {
    text = (await client.send(new GetSecretValueCommand({ SecretId: secretId }))).SecretString;
  } catch (error) {
    throw upstreamError('secretsmanager:GetSecretValue', error);
  }
  if (!text) throw upstreamError('secretsmanager:GetSecretValue', { name: 'EmptySecret' });
  return Buffer.from(text, 'utf8');
}
