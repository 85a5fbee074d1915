/** The local server refuses what a web page could make a browser send it (issue: chat-safe changes, point 6). */
import { request } from 'node:http';
import { startTestApi, type TestApi } from '../support/local-api';

interface RawReply {
  status: number;
  body: { error?: { code: string; message: string } };
}

function raw(api: TestApi, method: string, path: string, headers: Record<string, string>, body?: string) {
  const url = new URL(path, api.url);
  return new Promise<RawReply>((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: url.port, method, path: url.pathname, headers, setHost: false },
      (res) => {
        let text = '';
        res.on('data', (chunk) => {
          text += chunk;
        });
        res.on('end', () => {
          try {
            resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) });
          } catch {
            reject(new Error(`not JSON: ${res.statusCode} ${text.slice(0, 200)}`));
          }
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const BLOCK = '/s3/buckets/acme-public-acl/block-public-access';

describe('local server: cross-site writes', () => {
  let api: TestApi;
  let own: string;
  beforeEach(async () => {
    api = await startTestApi();
    own = new URL(api.url).host;
  });
  afterEach(() => api.close());

  const blockWrites = () => api.sandbox.writeCalls().length;

  it('refuses a text/plain POST (a form or fetch without preflight) and writes nothing', async () => {
    // Act
    const reply = await raw(api, 'POST', BLOCK, { host: own, 'content-type': 'text/plain' }, '{}');

    // Assert
    expect(reply.status).toBe(400);
    expect(reply.body.error?.message).toContain('Content-Type: application/json');
    expect(blockWrites()).toBe(0);
  });

  it('refuses a request from a foreign Origin, even as JSON, and writes nothing', async () => {
    // Act
    const reply = await raw(
      api,
      'POST',
      BLOCK,
      { host: own, origin: 'https://evil.example', 'content-type': 'application/json' },
      '{}',
    );

    // Assert
    expect(reply.status).toBe(403);
    expect(reply.body.error).toMatchObject({ code: 'Forbidden' });
    expect(reply.body.error?.message).toContain('another origin');
    expect(blockWrites()).toBe(0);
  });

  it.each([
    ['a DNS-rebinding name', 'rebind.evil.example'],
    ['the right address on another port', '127.0.0.1:1'],
    ['no Host at all', ''],
  ])('refuses %s in Host, reads included', async (_label, host) => {
    // Act
    const reply = await raw(api, 'GET', '/s3/public-buckets', host === '' ? {} : { host });

    // Assert
    expect(reply.status).toBe(403);
    expect(reply.body.error?.message).toContain('Host header');
  });

  it('serves its own origin, localhost and JSON bodies as before', async () => {
    // Act
    const port = new URL(api.url).port;
    const read = await raw(api, 'GET', '/s3/public-buckets', { host: `localhost:${port}` });
    const write = await raw(
      api,
      'POST',
      BLOCK,
      { host: own, origin: api.url, 'content-type': 'application/json; charset=utf-8' },
      '{"dryRun": true}',
    );
    const noBody = await raw(api, 'POST', BLOCK, { host: own });

    // Assert
    expect([read.status, write.status, noBody.status]).toEqual([200, 200, 200]);
    expect(blockWrites()).toBe(1);
  });
});
