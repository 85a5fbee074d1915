/** The STS client of one Region, built from the shared settings (the sandbox answers it locally). */
import { STSClient } from '@aws-sdk/client-sts';
import { type AwsClientSettings, baseClientConfig, prepareClientStack } from './client-config';

export function createStsClient(settings: AwsClientSettings, region: string): STSClient {
  const client = new STSClient(baseClientConfig(settings, 'sts', region));
  prepareClientStack(client.middlewareStack, settings, 'sts', region);
  return client;
}
