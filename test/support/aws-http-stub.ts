/**
 * A loopback HTTP stand-in for AWS (not an emulator): it answers the S3, S3 Control and STS requests of a
 * scan of one bucket, `stub-bucket` in us-east-1, public through an ACL grant to AllUsers, and records
 * every request. Point a client (or a whole Lambda bundle, through AWS_ENDPOINT_URL) at `url`.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Recorded {
  method: string;
  host: string;
  url: string;
  body: string;
}

const XML = { 'content-type': 'application/xml' };
const NS = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"';

/** The canned answer to one request. */
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

export interface AwsHttpStub {
  url: string;
  recorded: Recorded[];
  close: () => Promise<void>;
}

/** Starts the stub on a free loopback port. */
export async function startAwsHttpStub(): Promise<AwsHttpStub> {
  const recorded: Recorded[] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
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
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    recorded,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
