/** EC2 clients, one per Region, built from the shared settings. */
import { EC2Client } from '@aws-sdk/client-ec2';
import { type AwsClientSettings, baseClientConfig, perRegion, prepareClientStack } from './client-config';

export function createEc2Clients(settings: AwsClientSettings): (region: string) => EC2Client {
  return perRegion((region) => {
    const client = new EC2Client(baseClientConfig(settings, 'ec2', region));
    prepareClientStack(client.middlewareStack, settings, 'ec2', region);
    return client;
  });
}
