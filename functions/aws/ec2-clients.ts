/** EC2 clients, one per Region, built from the shared settings. */
import { EC2Client } from '@aws-sdk/client-ec2';
import type { MiddlewareStack } from '@smithy/types';
import { type AwsClientSettings, baseClientConfig, perRegion } from './client-config';

export function createEc2Clients(settings: AwsClientSettings): (region: string) => EC2Client {
  return perRegion((region) => {
    const client = new EC2Client(baseClientConfig(settings, 'ec2', region));
    for (const attachment of settings.attachments) {
      attachment(client.middlewareStack as unknown as MiddlewareStack<object, object>, 'ec2', region);
    }
    return client;
  });
}
