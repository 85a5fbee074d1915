/**
 * Write clients inside Lambda: with WRITE_ROLE_ARN (every function that writes has it), writes run under that
 * role, assumed with the caller as source identity; a read function has no write role and never writes, so
 * its "write clients" are its own (and its role could not write anyway).
 */
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import {
  assumedWriteClients,
  createAssumedWriteRole,
  directWriteClients,
  type WriteClients,
} from '../aws/assumed-write-role';
import { defaultClientSettings } from '../aws/client-config';
import { createStsClient } from '../aws/sts-clients';

export function lambdaWriteClients<T>(
  homeRegion: string,
  ownClients: (region: string) => T,
  build: (credentials: AwsCredentialIdentityProvider) => (region: string) => T,
): WriteClients<T> {
  const roleArn = process.env.WRITE_ROLE_ARN;
  if (!roleArn) return directWriteClients(ownClients);
  const sts = createStsClient(defaultClientSettings({ concurrency: 1, maxAttempts: 5 }), homeRegion);
  return assumedWriteClients(createAssumedWriteRole(sts, roleArn), build);
}
