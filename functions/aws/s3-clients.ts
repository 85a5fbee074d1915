/** S3 and S3 Control clients, one per Region, built from the shared settings. */
import { S3Client } from '@aws-sdk/client-s3';
import { S3ControlClient } from '@aws-sdk/client-s3-control';
import { type AwsClientSettings, baseClientConfig, perRegion, prepareClientStack } from './client-config';

export interface S3Clients {
  s3: (region: string) => S3Client;
  s3control: (region: string) => S3ControlClient;
}

export function createS3Clients(settings: AwsClientSettings): S3Clients {
  return {
    s3: perRegion((region) => {
      const client = new S3Client({
        ...baseClientConfig(settings, 's3', region),
        // Emulators serve buckets by path, not by virtual host.
        ...(settings.endpoints.s3 ? { forcePathStyle: true } : {}),
      });
      prepareClientStack(client.middlewareStack, settings, 's3', region);
      return client;
    }),
    s3control: perRegion((region) => {
      const override = settings.endpoints.s3control;
      const client = new S3ControlClient({
        ...baseClientConfig(settings, 's3control', region),
        // S3 Control puts the account id in front of the host name ({account}.s3-control...), which breaks an
        // emulator's endpoint: with an override, resolve every call to the override URL unchanged.
        ...(override ? { endpointProvider: () => ({ url: new URL(override) }) } : {}),
      });
      prepareClientStack(client.middlewareStack, settings, 's3control', region);
      return client;
    }),
  };
}
