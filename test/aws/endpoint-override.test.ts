/**
 * `--aws` with AWS_ENDPOINT_URL (LocalStack, moto): every AWS request goes to
 * the override, S3 path-style, S3 Control without the account-id host prefix.
 * A loopback HTTP stub records where each request went (it is not an emulator).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { endpointsFromEnv } from '../../functions/aws/client-config';
import { awsBackend } from '../../functions/local/local-backend';
import { startLocalServer } from '../../functions/local/local-server';

interface Recorded {
  method: string;
  host: string;
  url: string;
  body: string;
}

const XML = { 'content-type': 'application/xml' };
const NS = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"';

function answer(req: Recorded): { status: number; body: string } {
  if (req.body.includes('Action=GetCallerIdentity')) {
    return {
      status: 200,
      body: '<GetCallerIdentityResponse><GetCallerIdentityResult><Account>111122223333</Account><Arn>arn:aws:iam::111122223333:user/stub</Arn><UserId>STUB</UserId></GetCallerIdentityResult></GetCallerIdentityResponse>',
    };
  }
  if (req.url.startsWith('/v20180820/configuration/publicAccessBlock')) {
    return {
      status: 404,
      body: '<Error><Code>NoSuchPublicAccessBlockConfiguration</Code><Message>none</Message></Error>',
    };
  }
  if (req.url.startsWith('/?') || req.url === '/') {
    return {
      status: 200,
      body: `<ListAllMyBucketsResult ${NS}><Owner><ID>o</ID></Owner><Buckets><Bucket><Name>stub-bucket</Name><BucketRegion>us-east-1</BucketRegion></Bucket></Buckets></ListAllMyBucketsResult>`,
    };
  }
  if (req.url.startsWith('/stub-bucket/?acl')) {
    return {
      status: 200,
      body: `<AccessControlPolicy ${NS}><Owner><ID>o</ID></Owner><AccessControlList><Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="Group"><URI>http://acs.amazonaws.com/groups/global/AllUsers</URI></Grantee><Permission>READ</Permission></Grant></AccessControlList></AccessControlPolicy>`,
    };
  }
  if (req.url.startsWith('/stub-bucket/?publicAccessBlock')) {
    return {
      status: 404,
      body: '<Error><Code>NoSuchPublicAccessBlockConfiguration</Code><Message>none</Message></Error>',
    };
  }
  if (req.url.startsWith('/stub-bucket/?policyStatus')) {
    return { status: 404, body: '<Error><Code>NoSuchBucketPolicy</Code><Message>none</Message></Error>' };
  }
  if (req.url.startsWith('/stub-bucket/?website')) {
    return {
      status: 404,
      body: '<Error><Code>NoSuchWebsiteConfiguration</Code><Message>none</Message></Error>',
    };
  }
  return { status: 400, body: '<Error><Code>Unexpected</Code><Message>stub</Message></Error>' };
}

describe('--aws with AWS_ENDPOINT_URL', () => {
  let stub: Server;
  let stubUrl: string;
  const recorded: Recorded[] = [];

  beforeAll(async () => {
    stub = createServer((req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const entry = {
          method: req.method ?? '',
          host: req.headers.host ?? '',
          url: req.url ?? '',
          body: Buffer.concat(chunks).toString(),
        };
        recorded.push(entry);
        const { status, body } = answer(entry);
        res.writeHead(status, XML);
        res.end(body);
      });
    });
    await new Promise<void>((resolve) => stub.listen(0, '127.0.0.1', resolve));
    stubUrl = `http://127.0.0.1:${(stub.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => stub.close(() => resolve())));

  it('reads AWS_ENDPOINT_URL and the per-service overrides', () => {
    expect(endpointsFromEnv({ AWS_ENDPOINT_URL: 'http://a:1', AWS_ENDPOINT_URL_EC2: 'http://b:2' })).toEqual({
      s3: 'http://a:1',
      s3control: 'http://a:1',
      ec2: 'http://b:2',
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
