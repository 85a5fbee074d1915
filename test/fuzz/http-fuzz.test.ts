/**
 * Property-based fuzz of the HTTP API on one local server over the default
 * sandbox account: random paths, methods, query strings, headers and bodies
 * (fuzz-properties.ts). Every reply is 2xx or 4xx with a JSON body, errors have
 * exactly the API's error shape, and no AWS write happens unless the request
 * was a valid, non-dry-run write. FUZZ_RUNS sets the number of runs (default
 * 1,000); FUZZ_SEED and FUZZ_PATH replay a failure fast-check reported.
 */
import {
  type FuzzRequest,
  type FuzzTarget,
  fuzzParameters,
  replyProblems,
  runFuzz,
  sendRaw,
  startFuzzTarget,
  summaryLine,
  writeIntent,
} from './fuzz-properties';

const RUNS = fuzzParameters().numRuns ?? 1_000;

function request(fields: Partial<FuzzRequest> & Pick<FuzzRequest, 'method' | 'target'>): FuzzRequest {
  return { label: 'random', headers: {}, body: undefined, chunked: false, ...fields };
}

const json = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));

describe('HTTP fuzz of the local server (default scenario)', () => {
  let target: FuzzTarget;
  beforeAll(async () => {
    target = await startFuzzTarget();
  });
  afterAll(() => target.close());

  it(
    `answers ${RUNS} random requests with 2xx/4xx, the API's error shape, and no write unless asked`,
    async () => {
      // Act (the properties are checked inside target.check, request by request)
      const { outcome, report } = await runFuzz(target, RUNS);

      // Assert (on failure the report names the seed and path that replay it, and the shrunk request)
      // The run's statistics are for someone tuning the fuzz (FUZZ_RUNS set), not for every `npm test`.
      if (process.env.FUZZ_RUNS !== undefined) console.log(summaryLine(target.stats, outcome));
      expect(report).toBeUndefined();
      expect(outcome.numRuns).toBe(RUNS);
      // The write check was not vacuous: valid writes did write, and the state was put back.
      if (RUNS >= 500) expect(target.stats.writes).toBeGreaterThan(0);
    },
    Math.max(60_000, RUNS * 60),
  );
});

describe('the fuzz’s own write oracle (decided from api.md, not from the code)', () => {
  const S3 = '/s3/buckets/acme-private/block-public-access';
  const EC2 = '/ec2/instances/i-0123456789abcdef0/close-port';
  it.each<[string, boolean, string, string, Buffer | undefined]>([
    ['a block with no body', true, 'POST', S3, undefined],
    ['a block with {}', true, 'POST', S3, json({})],
    ['a dry run', false, 'POST', S3, json({ dryRun: true })],
    ['dryRun as a string', false, 'POST', S3, json({ dryRun: 'false' })],
    ['an unknown field', false, 'POST', S3, json({ dryrun: false })],
    ['a JSON array', false, 'POST', S3, json('[]')],
    ['a body over 64 KiB', false, 'POST', S3, json(`{${' '.repeat(65_536)}}`)],
    ['a body of exactly 64 KiB', true, 'POST', S3, json(`{${' '.repeat(65_534)}}`)],
    ['a PUT', false, 'PUT', S3, json({})],
    ['an encoded slash in the name', false, 'POST', '/s3/buckets/a%2Fb/block-public-access', json({})],
    ['a traversal onto the route', true, 'POST', `/x/..${S3}`, json({ dryRun: false })],
    ['a close-port with a port', true, 'POST', EC2, json({ port: 22 })],
    ['a close-port without a body', false, 'POST', EC2, undefined],
    ['a close-port with port 65536', false, 'POST', EC2, json({ port: 65536 })],
    ['a close-port dry run', false, 'POST', EC2, json({ port: 22, dryRun: true })],
  ])('%s: may write = %s (%s %s)', (_case, mayWrite, method, target, body) => {
    // Arrange
    const req = request({ method, target, body });

    // Act
    const intent = writeIntent(req);

    // Assert
    expect(intent !== undefined).toBe(mayWrite);
  });
});

/**
 * Product bugs the fuzz found (each was a 5xx or a non-JSON reply), now fixed;
 * these reproductions keep them fixed.
 */
describe('bugs the fuzz found, fixed and pinned', () => {
  let target: FuzzTarget;
  beforeAll(async () => {
    target = await startFuzzTarget();
  });
  afterAll(() => target.close());

  // Regression: a path parameter the Router cannot decode (or that decodes to blank) was a 500; now a 400.
  it.each([
    ['a malformed escape', '/s3/buckets/%ZZ/block-public-access'],
    ['a name that decodes to a space', '/s3/buckets/%20/block-public-access'],
    ['a name that decodes to a byte-order mark', '/ec2/instances/%EF%BB%BF/close-port'],
  ])('answers a path parameter with %s (POST %s) with 400 ValidationError, not 500', async (_case, path) => {
    // Arrange
    const req = request({ method: 'POST', target: path, body: json({ port: 22 }) });

    // Act
    const reply = await sendRaw(target.api.url, req);

    // Assert
    expect(reply.status).toBe(400);
    expect(replyProblems(req, reply)).toEqual([]);
  });

  // Regression: a request target that parses as an invalid authority (`//[`) was a 500 from the local server.
  it('answers GET //[ with a 4xx JSON error, not 500', async () => {
    // Arrange
    const req = request({ method: 'GET', target: '//[' });

    // Act
    const reply = await sendRaw(target.api.url, req);

    // Assert
    expect(reply.status).toBeLessThan(500);
    expect(replyProblems(req, reply)).toEqual([]);
  });

  // Regression: a GET with a body was a 500 (a Request cannot have a GET body); the body is now ignored.
  it('answers GET /s3/public-buckets with a body {} without a 5xx', async () => {
    // Arrange
    const req = request({ method: 'GET', target: '/s3/public-buckets', body: json({}) });

    // Act
    const reply = await sendRaw(target.api.url, req);

    // Assert
    expect(reply.status).toBeLessThan(500);
    expect(replyProblems(req, reply)).toEqual([]);
  });

  // Regression: an event path starting with `//` read as a host name and was a 500; now a 404.
  it('answers GET //x// (event path "//") with 404, not 500', async () => {
    // Arrange
    const req = request({ method: 'GET', target: '//x//' });

    // Act
    const reply = await sendRaw(target.api.url, req);

    // Assert
    expect(reply.status).toBe(404);
    expect(replyProblems(req, reply)).toEqual([]);
  });

  // Regression: a query key naming an Object.prototype member (`constructor`) was a 500 from the local server.
  it('answers GET /s3/public-buckets?constructor=1 with 400, not 500', async () => {
    // Arrange
    const req = request({ method: 'GET', target: '/s3/public-buckets?constructor=1' });

    // Act
    const reply = await sendRaw(target.api.url, req);

    // Assert
    expect(reply.status).toBe(400);
    expect(replyProblems(req, reply)).toEqual([]);
  });

  // Regression: requests Node's HTTP parser refuses got Node's bare reply with no body; now the API's JSON error.
  it('answers a method token Node does not know (FOO) with a JSON error body', async () => {
    // Arrange
    const req = request({ method: 'FOO', target: '/s3/public-buckets' });

    // Act
    const reply = await sendRaw(target.api.url, req);

    // Assert
    expect(replyProblems(req, reply)).toEqual([]);
  });
});
