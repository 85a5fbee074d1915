/**
 * `--aws` with AWS_ENDPOINT_URL (LocalStack, moto): every AWS request goes to
 * the override, S3 path-style, S3 Control without the account-id host prefix.
 * A loopback HTTP stub records where each request went (it is not an emulator).
 */
import { endpointsFromEnv } from '../../functions/aws/client-config';
import { awsBackend } from '../../functions/local/local-backend';
import { startLocalServer } from '../../functions/local/local-server';
import { type AwsHttpStub, startAwsHttpStub } from '../support/aws-http-stub';

describe('--aws with AWS_ENDPOINT_URL', () => {
  let stub: AwsHttpStub;
  let stubUrl: string;
  let recorded: AwsHttpStub['recorded'];

  beforeAll(async () => {
    stub = await startAwsHttpStub();
    stubUrl = stub.url;
    recorded = stub.recorded;
  });
  afterAll(() => stub.close());

  it('reads AWS_ENDPOINT_URL and the per-service overrides', () => {
    expect(endpointsFromEnv({ AWS_ENDPOINT_URL: 'http://a:1', AWS_ENDPOINT_URL_EC2: 'http://b:2' })).toEqual({
      s3: 'http://a:1',
      s3control: 'http://a:1',
      ec2: 'http://b:2',
      dynamodb: 'http://a:1',
      servicequotas: 'http://a:1',
      sts: 'http://a:1',
    });
    expect(endpointsFromEnv({})).toEqual({});
  });

  it('sends every request of a scan to the override, S3 path-style, S3 Control without the account prefix', async () => {
    // Arrange
    const backend = awsBackend({
      region: 'us-east-1',
      settings: {
        endpoints: endpointsFromEnv({ AWS_ENDPOINT_URL: stubUrl }),
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
        maxAttempts: 1,
      },
    });
    const server = await startLocalServer({ backend, port: 0 });
    try {
      // Act
      const reply = await fetch(`${server.url}/s3/public-buckets`);
      const body = (await reply.json()) as { publicBuckets: unknown[] };

      // Assert
      expect(reply.status).toBe(200);
      expect(body.publicBuckets).toEqual([
        {
          bucketName: 'stub-bucket',
          region: 'us-east-1',
          severity: 'high',
          access: 'read',
          reasons: [expect.stringContaining('AllUsers')],
          website: false,
        },
      ]);
      const stubHost = new URL(stubUrl).host;
      expect(new Set(recorded.map((r) => r.host))).toEqual(new Set([stubHost]));
      const paths = recorded.map((r) => `${r.method} ${r.url.split('&')[0]}`);
      expect(paths).toEqual(
        expect.arrayContaining([
          'POST /',
          expect.stringMatching(/^GET \/\?max-buckets=1000/),
          'GET /v20180820/configuration/publicAccessBlock',
          'GET /stub-bucket/?acl=',
          'GET /stub-bucket/?publicAccessBlock=',
          'GET /stub-bucket/?policyStatus=',
        ]),
      );
    } finally {
      await server.close();
    }
  });
});
