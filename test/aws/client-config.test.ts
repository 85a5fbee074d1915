/**
 * The client factories: every client gets the shared stack (no SDK logger middleware, the attachments) and
 * still answers calls through the attachments.
 */
import { DescribeRegionsCommand } from '@aws-sdk/client-ec2';
import { GetBucketAclCommand } from '@aws-sdk/client-s3';
import { GetPublicAccessBlockCommand } from '@aws-sdk/client-s3-control';
import type { MiddlewareStack } from '@smithy/types';
import { type ClientAttachment, defaultClientSettings } from '../../functions/aws/client-config';
import { createEc2Clients } from '../../functions/aws/ec2-clients';
import { createS3Clients } from '../../functions/aws/s3-clients';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };

/** An attachment that answers every call with an empty output and records which client sent it. */
function recordingAttachment(seen: string[]): ClientAttachment {
  return (stack, service, region) => {
    stack.add(
      (_next, context) => async () => {
        seen.push(`${service} ${region} ${String(context.commandName)}`);
        return { output: { $metadata: {} }, response: { statusCode: 200, headers: {} } };
      },
      { step: 'deserialize', priority: 'high', name: 'recordingAttachment' },
    );
  };
}

function middlewareNames(stack: unknown): string[] {
  return (stack as MiddlewareStack<object, object>).identify();
}

describe('client factories', () => {
  it('build S3, S3 Control and EC2 clients without the SDK logger middleware and with every attachment', async () => {
    // Arrange
    const seen: string[] = [];
    const settings = defaultClientSettings({
      credentials,
      endpoints: {},
      attachments: [recordingAttachment(seen)],
    });
    const s3Clients = createS3Clients(settings);
    const ec2 = createEc2Clients(settings);

    // Act
    const s3 = s3Clients.s3('eu-west-1');
    const s3control = s3Clients.s3control('us-east-1');
    const ec2Client = ec2('ap-south-1');
    await s3.send(new GetBucketAclCommand({ Bucket: 'acme-logs' }));
    await s3control.send(new GetPublicAccessBlockCommand({ AccountId: '111122223333' }));
    await ec2Client.send(new DescribeRegionsCommand({}));

    // Assert
    for (const client of [s3, s3control, ec2Client]) {
      const names = middlewareNames(client.middlewareStack);
      expect(names.some((name) => name.startsWith('loggerMiddleware'))).toBe(false);
      expect(names.some((name) => name.startsWith('recordingAttachment'))).toBe(true);
      expect(names.some((name) => name.startsWith('retryMiddleware'))).toBe(true);
    }
    expect(seen).toEqual([
      's3 eu-west-1 GetBucketAclCommand',
      's3control us-east-1 GetPublicAccessBlockCommand',
      'ec2 ap-south-1 DescribeRegionsCommand',
    ]);
  });

  it('builds one client per Region and reuses it', () => {
    // Arrange
    const clients = createS3Clients(defaultClientSettings({ credentials, endpoints: {} }));

    // Act
    const first = clients.s3('eu-west-1');
    const again = clients.s3('eu-west-1');
    const other = clients.s3('us-west-2');

    // Assert
    expect(again).toBe(first);
    expect(other).not.toBe(first);
  });
});
