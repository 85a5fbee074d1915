/**
 * The HTTP fuzz suite, shared by the jest test (`http-fuzz.test.ts`) and
 * `npm run fuzz` (`run-fuzz.ts`): request arbitraries, a raw HTTP client
 * (node:http, so odd methods, request targets, headers and bodies go out
 * exactly as generated), an oracle that decides from the request alone
 * whether it may write, and the properties every reply must hold. Product
 * bugs already found are listed in KNOWN_BUGS: their exact replies are
 * counted in the summary instead of failing the run.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import fc from 'fast-check';
import type { RecordedCall, SandboxAccount } from '../../functions/local/sandbox/sandbox-account';
import { WRITE_COMMANDS } from '../../functions/local/sandbox/sandbox-account';
import type { Scenario } from '../../functions/local/sandbox/scenario';
import { ERROR_STATUS, isErrorCode } from '../../openapi/error-codes';
import { contractProblems } from '../support/contract';
import { startTestApi, type TestApi } from '../support/local-api';

// ---------------------------------------------------------------------------
// Requests and replies
// ---------------------------------------------------------------------------

/**
 * Which generator made a request. `valid-read` and `valid-write` are built to
 * pass validation (the property then expects a 2xx, or a 404 for a name that
 * is not in the account); `random` is anything at all.
 */
export type FuzzLabel = 'valid-read' | 'valid-write' | 'random';

export interface FuzzRequest {
  label: FuzzLabel;
  method: string;
  /** The request target exactly as sent (path and query). */
  target: string;
  headers: Record<string, string>;
  body: Buffer | undefined;
  /** Send the body with `transfer-encoding: chunked` instead of a content-length. */
  chunked: boolean;
}

export interface FuzzReply {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/** A readable one-liner of a request for failure reports (bodies cut). */
export function describeRequest(req: FuzzRequest): string {
  const body =
    req.body === undefined
      ? 'no body'
      : `${req.body.length}-byte body ${JSON.stringify(req.body.subarray(0, 120).toString('latin1'))}`;
  const target = req.target.length > 300 ? `${req.target.slice(0, 300)}…(${req.target.length})` : req.target;
  const headers = Object.entries(req.headers)
    .map(
      ([name, value]) => `${name}: ${value.length > 60 ? `${value.slice(0, 60)}…(${value.length})` : value}`,
    )
    .join('; ');
  return `[${req.label}] ${req.method} ${target} {${headers}} ${body}${req.chunked ? ' chunked' : ''}`;
}

/** Makes fast-check print a request the way `describeRequest` does, not as a 300 KB Buffer dump. */
function describable(req: FuzzRequest): FuzzRequest {
  return Object.defineProperty({ ...req }, fc.toStringMethod, { value: () => describeRequest(req) });
}

/**
 * Sends one request over a fresh connection. A server that answers before
 * reading a huge body may reset the socket while we still write: the reply,
 * once it started, wins over that write error.
 */
export function sendRaw(baseUrl: string, req: FuzzRequest, timeoutMs = 15_000): Promise<FuzzReply> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    let answered = false;
    const headers: Record<string, string> = { ...req.headers };
    // Node sends a GET/DELETE/OPTIONS body unframed unless told: always frame it, or the body would be read as a second request.
    if (req.body !== undefined) {
      if (req.chunked) headers['transfer-encoding'] = 'chunked';
      else headers['content-length'] = String(req.body.length);
    }
    const outgoing = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method: req.method,
        path: req.target,
        headers,
        agent: false,
        timeout: timeoutMs,
      },
      (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    outgoing.on('timeout', () => outgoing.destroy(new Error(`no reply within ${timeoutMs} ms`)));
    outgoing.on('error', (error) => {
      if (!answered) reject(error);
    });
    if (req.body !== undefined) outgoing.write(req.body);
    outgoing.end();
  });
}

// ---------------------------------------------------------------------------
// The write oracle: decided from the request alone, from api.md, not from the code
// ---------------------------------------------------------------------------

const MAX_BODY_BYTES = 64 * 1024;
/** api.md: a bucket name or instance id "that cannot exist" is a 400 (S3's legacy rules: 3-255 chars). */
const POSSIBLE_BUCKET = /^[A-Za-z0-9][A-Za-z0-9._-]{1,253}[A-Za-z0-9]$/;
/**
 * Names the S3 naming rules (user guide, "General purpose bucket naming rules") forbid whatever the era:
 * adjacent periods, an IP address, reserved prefixes and suffixes (semantics.md rev. 2: a 400).
 */
const IMPOSSIBLE_BUCKET =
  /\.\.|^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$|^(?:xn--|sthree-|amzn-s3-demo-)|(?:-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$/i;
const isPossibleBucket = (name: string): boolean =>
  POSSIBLE_BUCKET.test(name) && !IMPOSSIBLE_BUCKET.test(name);
const POSSIBLE_INSTANCE = /^i-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;
const POSSIBLE_REGION = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/;

/** What a request may change, when it is a valid write that is not a dry run. */
export type WriteIntent = { kind: 's3'; bucketName: string } | { kind: 'ec2'; instanceId: string };

function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** The body as a JSON object the way a Fetch body is read (UTF-8, BOM dropped), or why not. */
function bodyObject(body: Buffer | undefined, required: boolean): Record<string, unknown> | undefined {
  const bytes = body ?? Buffer.alloc(0);
  if (bytes.length > MAX_BODY_BYTES) return undefined;
  const text = new TextDecoder().decode(bytes);
  if (text.trim() === '') return required ? undefined : {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  return parsed as Record<string, unknown>;
}

function onlyKeys(object: Record<string, unknown>, allowed: readonly string[]): boolean {
  return Object.keys(object).every((key) => allowed.includes(key));
}

const isPort = (value: unknown) =>
  Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 65535;

/** True when the body asks for a dry run (`{"dryRun": true}`). */
export function isDryRun(req: FuzzRequest): boolean {
  return bodyObject(req.body, false)?.dryRun === true;
}

/**
 * Whether the request is a valid write (POST to a write route, a name that
 * can exist, a body that parses and validates) and not a dry run. Anything
 * else must reach AWS with no write command at all.
 */
export function writeIntent(req: FuzzRequest): WriteIntent | undefined {
  if (req.method !== 'POST') return undefined;
  let pathname: string;
  try {
    pathname = new URL(req.target, 'http://fuzz.invalid').pathname;
  } catch {
    return undefined;
  }
  const s3 = /^\/s3\/buckets\/([^/]+)\/block-public-access\/?$/.exec(pathname);
  if (s3?.[1] !== undefined) {
    const bucketName = decodeSegment(s3[1]);
    const body = bodyObject(req.body, false);
    if (bucketName === undefined || !isPossibleBucket(bucketName) || body === undefined) return undefined;
    if (!onlyKeys(body, ['dryRun'])) return undefined;
    if (body.dryRun !== undefined && typeof body.dryRun !== 'boolean') return undefined;
    return body.dryRun === true ? undefined : { kind: 's3', bucketName };
  }
  const ec2 = /^\/ec2\/instances\/([^/]+)\/close-port\/?$/.exec(pathname);
  if (ec2?.[1] !== undefined) {
    const instanceId = decodeSegment(ec2[1]);
    const body = bodyObject(req.body, true);
    if (instanceId === undefined || !POSSIBLE_INSTANCE.test(instanceId) || body === undefined)
      return undefined;
    if (!onlyKeys(body, ['port', 'protocol', 'region', 'dryRun'])) return undefined;
    if (!isPort(body.port)) return undefined;
    if (body.protocol !== undefined && body.protocol !== 'tcp' && body.protocol !== 'udp') return undefined;
    if (body.region !== undefined && !(typeof body.region === 'string' && POSSIBLE_REGION.test(body.region)))
      return undefined;
    if (body.dryRun !== undefined && typeof body.dryRun !== 'boolean') return undefined;
    return body.dryRun === true ? undefined : { kind: 'ec2', instanceId };
  }
  return undefined;
}

// ---------------------------------------------------------------------------
// Known product bugs: none open (fixed ones are pinned by regression tests in http-fuzz.test.ts)
// ---------------------------------------------------------------------------

/** Methods Node's HTTP parser (llhttp) accepts; any other token is rejected before the server sees it. */
const PARSER_METHODS = new Set(
  'DELETE GET HEAD POST PUT OPTIONS TRACE COPY LOCK MKCOL MOVE PROPFIND PROPPATCH SEARCH UNLOCK BIND REBIND UNBIND ACL REPORT MKACTIVITY CHECKOUT MERGE M-SEARCH NOTIFY SUBSCRIBE UNSUBSCRIBE PATCH PURGE MKCALENDAR LINK UNLINK SOURCE QUERY'.split(
    ' ',
  ),
);

/** Requests Node's HTTP parser refuses on its own (bad method token, raw non-ASCII target, huge headers, unknown Expect). */
export function nodeRejectsBeforeServer(req: FuzzRequest): boolean {
  const headerBytes = Object.entries(req.headers).reduce(
    (sum, [name, value]) => sum + name.length + value.length,
    0,
  );
  return (
    !PARSER_METHODS.has(req.method) ||
    /[^\x21-\x7e]/.test(req.target) ||
    req.target.length + headerBytes > 16_000 ||
    (req.headers.expect !== undefined && req.headers.expect.toLowerCase() !== '100-continue')
  );
}

/** The path the local server routes (WHATWG URL parsing of the target, as toEvent does). */
function routedPath(target: string): string {
  try {
    return new URL(target, 'http://127.0.0.1').pathname;
  } catch {
    return '';
  }
}

export interface KnownBug {
  id: string;
  summary: string;
  /** True when this request/reply pair is exactly that bug (narrow on purpose: anything else still fails). */
  matches: (req: FuzzRequest, reply: FuzzReply) => boolean;
}

/** Bugs found by the fuzz and not fixed yet, counted instead of failing a run while open. */
export const KNOWN_BUGS: readonly KnownBug[] = [];

// ---------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------

function errorShapeProblems(body: unknown): string[] {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return ['error body is not a JSON object'];
  const keys = Object.keys(body);
  if (keys.length !== 1 || keys[0] !== 'error')
    return [`error body has keys ${JSON.stringify(keys)}, not ["error"]`];
  const error = (body as { error: unknown }).error;
  if (typeof error !== 'object' || error === null || Array.isArray(error))
    return ['"error" is not an object'];
  const problems: string[] = [];
  const { code, message, details, ...rest } = error as Record<string, unknown>;
  if (Object.keys(rest).length > 0)
    problems.push(`"error" has extra keys ${JSON.stringify(Object.keys(rest))}`);
  if (!isErrorCode(code))
    problems.push(
      `error.code ${JSON.stringify(code)} is not one of the API’s error codes (openapi/error-codes.ts)`,
    );
  if (typeof message !== 'string' || message.trim() === '')
    problems.push('error.message is empty or not a string');
  if (details !== undefined && (typeof details !== 'object' || details === null || Array.isArray(details)))
    problems.push('error.details is not an object');
  return problems;
}

/** The problems with a reply's status and body (empty when it is fine). */
export function replyProblems(req: FuzzRequest, reply: FuzzReply, names?: FuzzNames): string[] {
  const problems: string[] = [];
  const { status } = reply;
  if (status >= 500) problems.push(`status ${status} (5xx)`);
  else if (status < 200 || (status >= 300 && status < 400))
    problems.push(`status ${status} is neither 2xx nor 4xx`);
  if (req.method === 'HEAD') return problems; // a HEAD reply has no body by definition
  let body: unknown;
  try {
    body = JSON.parse(reply.text);
  } catch {
    problems.push(`body is not JSON: ${JSON.stringify(reply.text.slice(0, 120))}`);
    return problems;
  }
  if (status >= 400) {
    const shape = errorShapeProblems(body);
    problems.push(...shape);
    const code = (body as { error?: { code?: string } }).error?.code;
    if (shape.length === 0 && isErrorCode(code) && ERROR_STATUS[code] !== status)
      problems.push(`error.code ${code} does not go with status ${status}`);
  }
  const message = (body as { error?: { message?: string } }).error?.message ?? '';
  // A "No route" 404 is allowed on the EC2 paths while those routes are being built; the contract lists no 404 there.
  if (!(status === 404 && message.startsWith('No route'))) {
    try {
      problems.push(...contractProblems(req.method, req.target, status, body));
    } catch {
      // A target the contract checker cannot parse as a URL: the error shape above still applies.
    }
  }
  const expected = expectedStatuses(req, names);
  const ec2NotServedYet = status === 404 && /^No route \S+ \/ec2\//.test(message);
  if (expected && !expected.includes(status) && !ec2NotServedYet)
    problems.push(`a ${req.label} answered ${status} (expected ${expected.join(' or ')}): ${message}`);
  return problems;
}

/**
 * What a labelled valid request must get: reads 200; a block 200 on a bucket of the account and 404
 * on any other; a close-port 200 or 404 (its plan may be refused with a 4xx for reasons of state, so
 * only "not a 5xx" holds for an instance of the account). Random requests: undefined (any 2xx/4xx).
 */
function expectedStatuses(req: FuzzRequest, names: FuzzNames | undefined): number[] | undefined {
  if (req.label === 'random' || names === undefined) return undefined;
  const path = routedPath(req.target);
  if (req.label === 'valid-read') return [200];
  const bucket = /^\/s3\/buckets\/([^/]+)\//.exec(path)?.[1];
  if (bucket !== undefined) return names.buckets.includes(bucket) ? [200] : [404];
  const instance = /^\/ec2\/instances\/([^/]+)\//.exec(path)?.[1];
  if (instance !== undefined && !names.instances.includes(instance)) return [404];
  return undefined;
}

/** The problems with the AWS calls a request made: no write unless it was a valid, non-dry-run write, and then only on its target. */
export function writeProblems(req: FuzzRequest, calls: readonly RecordedCall[]): string[] {
  const writes = calls.filter((call) => WRITE_COMMANDS.has(call.command) && call.error === undefined);
  if (writes.length === 0) return [];
  const intent = writeIntent(req);
  const listed = writes.map(
    (call) => `${call.service}:${call.command} ${JSON.stringify(call.input).slice(0, 120)}`,
  );
  if (intent === undefined) return [`wrote without a valid write request: ${listed.join(', ')}`];
  if (intent.kind === 's3') {
    const stray = writes.filter(
      (call) => call.command !== 'PutPublicAccessBlock' || call.input.Bucket !== intent.bucketName,
    );
    if (stray.length > 0 || writes.length > 1)
      return [
        `a block call on ${intent.bucketName} wrote more than its one PutPublicAccessBlock: ${listed.join(', ')}`,
      ];
    return [];
  }
  const stray = writes.filter((call) => call.service !== 'ec2');
  return stray.length > 0 ? [`a close-port call wrote outside EC2: ${listed.join(', ')}`] : [];
}

// ---------------------------------------------------------------------------
// Arbitraries
// ---------------------------------------------------------------------------

/** Names of the fuzzed account, so generated paths hit real buckets and instances too. */
export interface FuzzNames {
  buckets: string[];
  instances: string[];
  regions: string[];
}

export function namesOf(scenario: Scenario): FuzzNames {
  return {
    buckets: scenario.s3.buckets.map((bucket) => bucket.name),
    instances: Object.values(scenario.ec2).flatMap((region) => region.instances.map((i) => i.instanceId)),
    regions: scenario.regions,
  };
}

const STANDARD_METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'];
/** Methods Node's parser knows but the API does not serve. CONNECT is left out: it asks for a tunnel, not a reply. */
const ODD_METHODS = [
  'TRACE',
  'PURGE',
  'PROPFIND',
  'MKCOL',
  'COPY',
  'LOCK',
  'SEARCH',
  'QUERY',
  'REPORT',
  'M-SEARCH',
];
/** Valid HTTP tokens Node's parser does not know. */
const JUNK_METHODS = ['FOO', 'GETS', 'X-DELETE', 'BREW', 'DEBUG', 'A_B'];

const methodArb = fc.oneof(
  { weight: 30, arbitrary: fc.constantFrom(...STANDARD_METHODS) },
  { weight: 2, arbitrary: fc.constantFrom(...ODD_METHODS) },
  { weight: 1, arbitrary: fc.constantFrom(...JUNK_METHODS) },
);

const INJECTIONS = [
  "' OR 1=1 --",
  '" OR ""="',
  "admin'--",
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a lookup-injection payload, sent as plain text on purpose
  '${jndi:ldap://127.0.0.1:1389/a}',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a lookup-injection payload, sent as plain text on purpose
  '${env:AWS_SECRET_ACCESS_KEY}',
  '{{7*7}}',
  '#{7*7}',
  '$(id)',
  '`id`',
  '; cat /etc/passwd',
  '| nc 127.0.0.1 1',
  '../../../../etc/passwd',
  '..\\..\\windows\\win.ini',
  '__proto__',
  'constructor',
  'prototype',
  'null',
  'undefined',
  'NaN',
  'true',
  '[]',
  '{}',
  '\u0000',
  '\r\nX-Injected: 1',
  'arn:aws:s3:::acme-private',
  's3://acme-private',
];

const TRAVERSALS = [
  '..',
  '.',
  '%2e%2e',
  '%2E%2e',
  '.%2e',
  '%2e%2e%2f',
  '..%2f',
  '..%2F..%2F',
  '%2f',
  '%2F',
  '%252f',
  '%252e%252e',
  '%5c',
  '..\\',
  '..;',
  '%c0%ae%c0%ae',
  '%00',
  '%ZZ',
  '%',
  '%e0%a4%a',
  '%uff0e',
  '%EF%BC%8E%EF%BC%8E%EF%BC%8F',
  '%20',
  '+',
  ';x=1',
];

const UNICODE = [
  'ü',
  'É',
  '😀',
  '\u202e',
  'İ',
  'ß',
  '\ufeff',
  '\u200b',
  'ａｃｍｅ',
  '中文',
  'e\u0301',
  '\ud800',
  '．．／',
];

/** Everything to the server: encoded, raw, or double-encoded. */
const encodedArb = (text: fc.Arbitrary<string>) =>
  fc
    .tuple(text, fc.constantFrom('encode', 'encode', 'encode', 'raw-ascii', 'raw-ascii', 'double', 'raw'))
    .map(([value, how]) => {
      const safe = value.replace(/[\ud800-\udfff]/g, '\ufffd');
      switch (how) {
        case 'encode':
          return encodeURIComponent(safe);
        case 'double':
          return encodeURIComponent(encodeURIComponent(safe));
        case 'raw-ascii':
          // Raw where ASCII, encoded beyond: what a sloppy client sends.
          return Array.from(safe)
            .map((char) =>
              (char.codePointAt(0) ?? 0) > 0x20 && (char.codePointAt(0) ?? 0) < 0x7f
                ? char
                : encodeURIComponent(char),
            )
            .join('');
        default:
          return sendable(value);
      }
    });

const longSegmentArb = fc
  .tuple(
    fc.constantFrom('a', 'A', '-', '.', '%41', '9'),
    fc.oneof(
      { weight: 9, arbitrary: fc.integer({ min: 64, max: 6_000 }) },
      { weight: 1, arbitrary: fc.integer({ min: 16_500, max: 20_000 }) },
    ),
  )
  .map(([unit, length]) => unit.repeat(Math.ceil(length / unit.length)));

function segmentArb(names: FuzzNames): fc.Arbitrary<string> {
  const known = [...names.buckets, ...names.instances, 'acme-nowhere', 'i-0123456789abcdef0', 'i-deadbeef'];
  return fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...known) },
    { weight: 3, arbitrary: encodedArb(fc.constantFrom(...INJECTIONS)) },
    { weight: 3, arbitrary: fc.constantFrom(...TRAVERSALS) },
    { weight: 2, arbitrary: encodedArb(fc.constantFrom(...UNICODE)) },
    { weight: 3, arbitrary: encodedArb(fc.string({ unit: 'grapheme', maxLength: 20 })) },
    { weight: 2, arbitrary: fc.stringMatching(/^[A-Za-z0-9._-]{0,70}$/) },
    { weight: 1, arbitrary: longSegmentArb },
    {
      weight: 2,
      arbitrary: fc
        .tuple(
          fc.constantFrom(...known),
          fc.constantFrom(...TRAVERSALS, ...INJECTIONS.map(encodeURIComponent)),
        )
        .map(([name, tail]) => `${name}${tail}`),
    },
  );
}

const QUERY_KEYS = ['prefix', 'limit', 'port', 'protocol', 'region', 'dryRun', 'PORT', 'Limit', 'port[]', ''];
/** Keys that are also Object.prototype members. */
const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'];
const QUERY_VALUES = [
  '-1',
  '0',
  '1',
  '22',
  '65535',
  '65536',
  '-0',
  '00022',
  '+22',
  ' 22',
  '22 ',
  '1.5',
  '22.0',
  '1e3',
  '0x16',
  '9'.repeat(30),
  '2147483648',
  '-2147483649',
  'Infinity',
  'NaN',
  '1000',
  '1001',
  '１２',
  '22abc',
  '',
  'tcp',
  'udp',
  'TCP',
  'icmp',
  '-1',
  'us-east-1',
  'eu-west-1',
  'us-gov-west-1',
  'mars-north-1',
  'acme',
  'acme-public',
  'true',
  'false',
];

function queryArb(): fc.Arbitrary<string> {
  const key = fc.oneof(
    { weight: 30, arbitrary: fc.constantFrom(...QUERY_KEYS) },
    { weight: 1, arbitrary: fc.constantFrom(...PROTOTYPE_KEYS) },
    { weight: 2, arbitrary: encodedArb(fc.string({ unit: 'grapheme', maxLength: 12 })) },
    { weight: 1, arbitrary: encodedArb(fc.constantFrom(...INJECTIONS)) },
  );
  const value = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...QUERY_VALUES).map(encodeURIComponent) },
    { weight: 2, arbitrary: fc.integer().map(String) },
    { weight: 1, arbitrary: fc.double().map(String) },
    { weight: 2, arbitrary: encodedArb(fc.constantFrom(...INJECTIONS, ...UNICODE, ...TRAVERSALS)) },
    { weight: 2, arbitrary: encodedArb(fc.string({ unit: 'grapheme', maxLength: 30 })) },
    { weight: 1, arbitrary: longSegmentArb },
  );
  const pair = fc.oneof(
    { weight: 8, arbitrary: fc.tuple(key, value).map(([k, v]) => `${k}=${v}`) },
    { weight: 1, arbitrary: key },
    { weight: 1, arbitrary: fc.constantFrom('=', '&', '==', '=22') },
  );
  return fc.oneof(
    { weight: 3, arbitrary: fc.constant('') },
    { weight: 1, arbitrary: fc.constantFrom('?', '?&', '?&&', '?#frag', '?;') },
    {
      weight: 8,
      arbitrary: fc
        .tuple(fc.array(pair, { minLength: 1, maxLength: 5 }), fc.constantFrom('&', '&', '&', ';', '&&'))
        .map(([pairs, separator]) => `?${pairs.join(separator)}`),
    },
  );
}

/** A path, and the method its route serves (undefined off the routes), so most requests reach validation. */
type RoutedPath = [path: string, routeMethod: string | undefined];

const MUTATIONS = [
  ...Array<string>(12).fill('none'),
  'trailing-slash',
  'double-slash',
  'dot',
  'dotdot',
  'encoded-dotdot',
  'upper',
  'matrix',
  'absolute-form',
  'scheme-relative',
  'asterisk',
  'backslash',
];

function mutatePath(path: string, mutation: string): string {
  switch (mutation) {
    case 'trailing-slash':
      return `${path}/`;
    case 'double-slash':
      return path.replace(/\//g, '//');
    case 'dot':
      return `/.${path}`;
    case 'dotdot':
      return `/x/..${path}`;
    case 'encoded-dotdot':
      return `/x/%2e%2e${path}`;
    case 'upper':
      return path.toUpperCase();
    case 'matrix':
      return `${path};jsessionid=1`;
    case 'absolute-form':
      return `http://127.0.0.1${path}`;
    case 'scheme-relative':
      return `/${path}`;
    case 'asterisk':
      return '*';
    case 'backslash':
      return path.replace(/\//g, '\\').replace(/^\\/, '/');
    default:
      return path;
  }
}

function pathArb(names: FuzzNames): fc.Arbitrary<RoutedPath> {
  const segment = segmentArb(names);
  const routed = fc.oneof(
    fc.constant<RoutedPath>(['/s3/public-buckets', 'GET']),
    segment.map((s): RoutedPath => [`/s3/buckets/${s}/block-public-access`, 'POST']),
    fc.constant<RoutedPath>(['/ec2/instances-with-open-port', 'GET']),
    segment.map((s): RoutedPath => [`/ec2/instances/${s}/close-port`, 'POST']),
    fc.constant<RoutedPath>(['/openapi.json', 'GET']),
    fc
      .constantFrom(
        '/',
        '/s3',
        '/s3/buckets',
        '/ec2/instances',
        '/s3/buckets//block-public-access',
        '/ec2/instances//close-port',
      )
      .map((path): RoutedPath => [path, undefined]),
  );
  const wild = fc
    .array(segment, { minLength: 0, maxLength: 6 })
    .map((segments): RoutedPath => [`/${segments.join('/')}`, undefined]);
  return fc
    .tuple(
      fc.oneof({ weight: 6, arbitrary: routed }, { weight: 1, arbitrary: wild }),
      fc.constantFrom(...MUTATIONS),
    )
    .map(([[path, method], mutation]): RoutedPath => [mutatePath(path, mutation), method]);
}

const utf8 = (text: string) => Buffer.from(text, 'utf8');

/**
 * Percent-encodes only what an HTTP/1.1 request line cannot carry (spaces, controls, beyond Latin-1), so
 * quotes, brackets, `%` and raw Latin-1 bytes go out as they are.
 */
function sendable(target: string): string {
  return Array.from(target)
    .map((char) => {
      const code = char.codePointAt(0) ?? 0;
      // A lone surrogate has no UTF-8 form: send the bytes a sloppy encoder would (invalid UTF-8).
      if (code >= 0xd800 && code <= 0xdfff) return '%ED%A0%80';
      return code <= 0x20 || code === 0x7f || code > 0xff ? encodeURIComponent(char) : char;
    })
    .join('');
}

/** A JSON text nested `depth` levels deep, in one of several shapes. */
function deepJson(depth: number, shape: number): string {
  switch (shape % 5) {
    case 0:
      return `${'['.repeat(depth)}${']'.repeat(depth)}`;
    case 1:
      return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
    case 2:
      return `{"dryRun":${'['.repeat(depth)}true${']'.repeat(depth)}}`;
    case 3:
      return `{"port":${'{"port":'.repeat(depth)}22${'}'.repeat(depth)}}`;
    default:
      return `${'['.repeat(depth)}`; // never closed
  }
}

/** A valid JSON object padded with whitespace to exactly `bytes` bytes. */
function padded(json: string, bytes: number): string {
  return json.length >= bytes ? json : `${json.slice(0, -1)}${' '.repeat(bytes - json.length)}}`;
}

const anyValueArb = fc.oneof(
  fc.boolean(),
  fc.integer({ min: -70_000, max: 70_000 }),
  fc.constantFrom(-1, 0, 22, 65535, 65536, 1e308, -0, 2 ** 53, 0.5),
  fc.double(),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom('true', 'false', 'tcp', 'udp', 'TCP', 'us-east-1', 'mars-1', '22', ...INJECTIONS),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }),
);

function bodyArb(): fc.Arbitrary<Buffer | undefined> {
  const fieldObject = fc
    .record(
      {
        dryRun: anyValueArb,
        port: anyValueArb,
        protocol: anyValueArb,
        region: anyValueArb,
        extra: anyValueArb,
      },
      { requiredKeys: [] },
    )
    .map((object) => utf8(JSON.stringify(object)));
  return fc.oneof(
    { weight: 4, arbitrary: fc.constant(undefined) },
    { weight: 2, arbitrary: fc.constantFrom('', ' ', '\n', '\t\r\n').map(utf8) },
    { weight: 6, arbitrary: fieldObject },
    { weight: 3, arbitrary: fc.object({ maxDepth: 3 }).map((object) => utf8(JSON.stringify(object))) },
    { weight: 2, arbitrary: fc.jsonValue().map((value) => utf8(JSON.stringify(value) ?? 'null')) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(fc.integer({ min: 1_000, max: 40_000 }), fc.nat())
        .map(([depth, shape]) => utf8(deepJson(depth, shape))),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          fc.integer({ min: MAX_BODY_BYTES + 1, max: 300_000 }),
          fc.constantFrom('string', 'whitespace', 'garbage'),
        )
        .map(([bytes, kind]) =>
          utf8(
            kind === 'string'
              ? `{"dryRun":true,"pad":"${'x'.repeat(bytes)}"}`
              : kind === 'whitespace'
                ? padded('{"dryRun":true}', bytes)
                : 'A'.repeat(bytes),
          ),
        ),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(
          fc.constantFrom('{}', '{"dryRun":true}', '{"dryRun":false}', '{"port":22}'),
          fc.constantFrom(MAX_BODY_BYTES - 1, MAX_BODY_BYTES, MAX_BODY_BYTES + 1),
        )
        .map(([json, bytes]) => utf8(padded(json, bytes))),
    },
    {
      weight: 4,
      arbitrary: fc
        .constantFrom(
          'dryRun=true',
          '<dryRun>true</dryRun>',
          'null',
          'true',
          '1',
          '"dryRun"',
          '[]',
          '[{"dryRun":true}]',
          '{"dryRun":true',
          '{"dryRun":true}}',
          "{'dryRun': true}",
          '{"dryRun":tru}',
          '{dryRun: true}',
          'NaN',
          '{"dryRun":true,"dryRun":false}',
          '{"port":22,"port":"22"}',
          '{"port":22} {"port":23}',
          '{"dryRun":true /* comment */}',
          '\ufeff{"dryRun":true}',
          '{"__proto__":{"dryRun":false}}',
          '{"constructor":{"prototype":{"dryRun":false}}}',
          '{"dryRun":"true"}',
          '{"dryRun":1}',
          '{"port":"22"}',
          '{"port":22.5}',
          '{"port":-1}',
          '{"port":65536}',
          '{"port":1e2}',
          '{"port":22,"protocol":"icmp"}',
          '{"port":22,"region":"../../us-east-1"}',
          '{"port":22,"region":"us-east-1\\u0000"}',
        )
        .map(utf8),
    },
    { weight: 1, arbitrary: fc.constant(Buffer.from('{"dryRun":true}', 'utf16le')) },
    { weight: 2, arbitrary: fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)) },
    { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 100 }).map(utf8) },
  );
}

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'APPLICATION/JSON',
  'application/json; charset=utf-16',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  '*/*',
  'garbage',
  '',
];

const EXTRA_HEADERS: [string, string][] = [
  ['expect', '100-continue'],
  ['expect', 'teapot'],
  ['x-http-method-override', 'DELETE'],
  ['x-http-method-override', 'POST'],
  ['accept', 'text/html'],
  ['accept', 'application/xml'],
  ['accept-encoding', 'gzip, br'],
  ['content-encoding', 'gzip'],
  ['authorization', 'Bearer eyJhbGciOiJub25lIn0.e30.'],
  ['cookie', 'session=1; admin=true'],
  ['x-forwarded-for', '127.0.0.1, 10.0.0.1'],
  ['x-forwarded-host', 'evil.example'],
  ['host', 'evil.example'],
  ['host', '127.0.0.1:1'],
  ['origin', 'https://evil.example'],
  ['x-amzn-trace-id', 'Root=1-00000000-000000000000000000000000'],
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a lookup-injection payload, sent as plain text on purpose
  ['x-amz-security-token', '${jndi:ldap://127.0.0.1/a}'],
  ['x-very-long', 'a'.repeat(17_000)],
];

function headersArb(): fc.Arbitrary<Record<string, string>> {
  return fc
    .tuple(
      fc.option(fc.constantFrom(...CONTENT_TYPES), { nil: undefined, freq: 3 }),
      fc.oneof(
        { weight: 6, arbitrary: fc.constant([] as [string, string][]) },
        { weight: 3, arbitrary: fc.subarray(EXTRA_HEADERS.slice(0, -1), { maxLength: 3 }) },
        { weight: 1, arbitrary: fc.subarray(EXTRA_HEADERS, { maxLength: 3 }) },
      ),
    )
    .map(([contentType, extra]) => ({
      ...Object.fromEntries(extra),
      ...(contentType === undefined ? {} : { 'content-type': contentType }),
    }));
}

/** Anything at all. */
export function randomRequestArb(names: FuzzNames): fc.Arbitrary<FuzzRequest> {
  // Mostly the method the route serves, so the request gets as far as validation; otherwise any method.
  const routedWithMethod = pathArb(names).chain(([path, routeMethod]) =>
    fc.tuple(
      fc.constant(path),
      routeMethod === undefined
        ? methodArb
        : fc.oneof({ weight: 3, arbitrary: fc.constant(routeMethod) }, { weight: 2, arbitrary: methodArb }),
    ),
  );
  return (
    fc
      .record({
        routed: routedWithMethod,
        query: queryArb(),
        headers: headersArb(),
        body: bodyArb(),
        chunked: fc.boolean(),
        bodyOnRead: fc.constantFrom(false, false, false, false, false, false, false, false, false, true),
      })
      // A body on a GET or HEAD is rarer: most clients do not send one.
      .map(({ routed: [path, method], query, headers, body, chunked, bodyOnRead }) =>
        describable({
          label: 'random',
          method,
          target: sendable(path === '*' ? '*' : `${path}${query}`),
          headers,
          body: (method === 'GET' || method === 'HEAD') && !bodyOnRead ? undefined : body,
          chunked: body !== undefined && chunked,
        }),
      )
  );
}

const VALID_PORTS = fc.oneof(
  fc.constantFrom(0, 1, 22, 80, 443, 3389, 5432, 65535),
  fc.integer({ min: 0, max: 65535 }),
);

/** Reads that pass validation: the reply must be 200 (or 404 "No route" while EC2 is being built). */
export function validReadArb(names: FuzzNames): fc.Arbitrary<FuzzRequest> {
  const prefix = fc.oneof(
    fc.constantFrom('', 'acme', 'acme-public', 'acme-p', 'zzz', ...names.buckets),
    fc.stringMatching(/^[a-z0-9._-]{0,12}$/),
  );
  const limit = fc.oneof(fc.constantFrom(1, 2, 100, 1000), fc.integer({ min: 1, max: 1000 }));
  const s3 = fc
    .record({ prefix: fc.option(prefix, { nil: undefined }), limit: fc.option(limit, { nil: undefined }) })
    .map(({ prefix: p, limit: l }) => {
      const params = [
        ...(p === undefined ? [] : [`prefix=${encodeURIComponent(p)}`]),
        ...(l === undefined ? [] : [`limit=${l}`]),
      ];
      return `/s3/public-buckets${params.length > 0 ? `?${params.join('&')}` : ''}`;
    });
  const ec2 = fc
    .record({
      port: VALID_PORTS,
      protocol: fc.option(fc.constantFrom('tcp', 'udp'), { nil: undefined }),
      region: fc.option(fc.constantFrom(...names.regions), { nil: undefined }),
      limit: fc.option(limit, { nil: undefined }),
      order: fc.boolean(),
    })
    .map(({ port, protocol, region, limit: l, order }) => {
      const params = [
        `port=${port}`,
        ...(protocol === undefined ? [] : [`protocol=${protocol}`]),
        ...(region === undefined ? [] : [`region=${region}`]),
        ...(l === undefined ? [] : [`limit=${l}`]),
      ];
      return `/ec2/instances-with-open-port?${(order ? params.reverse() : params).join('&')}`;
    });
  return fc.oneof(s3, ec2).map((target) =>
    describable({
      label: 'valid-read',
      method: 'GET',
      target,
      headers: {},
      body: undefined,
      chunked: false,
    }),
  );
}

/** Writes that pass validation (real, dry-run or with no body); the reply must be 200, or 404 for a name not in the account. */
export function validWriteArb(names: FuzzNames): fc.Arbitrary<FuzzRequest> {
  const bucket = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...names.buckets) },
    {
      weight: 1,
      arbitrary: fc.stringMatching(/^[a-z0-9][a-z0-9.-]{1,40}[a-z0-9]$/).filter(isPossibleBucket),
    },
  );
  const s3Body = fc.oneof(
    fc.constant(undefined),
    fc.constantFrom('', '{}', '{"dryRun":true}', '{"dryRun":false}', ' { "dryRun" : false } ').map(utf8),
    fc
      .tuple(
        fc.constantFrom('{}', '{"dryRun":true}', '{"dryRun":false}'),
        fc.constantFrom(1_000, MAX_BODY_BYTES),
      )
      .map(([json, bytes]) => utf8(padded(json, bytes))),
  );
  const s3 = fc.record({ bucket, body: s3Body, json: fc.boolean(), chunked: fc.boolean() }).map(
    ({ bucket: name, body, json, chunked }): FuzzRequest => ({
      label: 'valid-write',
      method: 'POST',
      target: `/s3/buckets/${name}/block-public-access`,
      // The local server refuses a body that is not declared JSON (a cross-site form could send it).
      headers: json || (body?.length ?? 0) > 0 ? { 'content-type': 'application/json' } : {},
      body,
      chunked: body !== undefined && chunked,
    }),
  );
  const instance = fc.oneof(
    {
      weight: 4,
      arbitrary: fc.constantFrom(...(names.instances.length > 0 ? names.instances : ['i-0123456789abcdef0'])),
    },
    { weight: 1, arbitrary: fc.stringMatching(/^i-[0-9a-f]{17}$/) },
  );
  const ec2 = fc
    .record({
      instance,
      port: VALID_PORTS,
      protocol: fc.option(fc.constantFrom('tcp', 'udp'), { nil: undefined }),
      region: fc.option(fc.constantFrom(...names.regions), { nil: undefined }),
      dryRun: fc.option(fc.boolean(), { nil: undefined }),
    })
    .map(
      ({ instance: id, port, protocol, region, dryRun }): FuzzRequest => ({
        label: 'valid-write',
        method: 'POST',
        target: `/ec2/instances/${id}/close-port`,
        headers: { 'content-type': 'application/json' },
        body: utf8(JSON.stringify({ port, protocol, region, dryRun })),
        chunked: false,
      }),
    );
  return fc.oneof({ weight: 3, arbitrary: s3 }, { weight: 2, arbitrary: ec2 }).map(describable);
}

/** The whole mix the fuzz sends. */
export function fuzzRequestArb(names: FuzzNames): fc.Arbitrary<FuzzRequest> {
  return fc.oneof(
    { weight: 16, arbitrary: randomRequestArb(names) },
    { weight: 2, arbitrary: validReadArb(names) },
    { weight: 2, arbitrary: validWriteArb(names) },
  );
}

// ---------------------------------------------------------------------------
// The run
// ---------------------------------------------------------------------------

export interface FuzzStats {
  runs: number;
  statuses: Map<number, number>;
  labels: Map<FuzzLabel, number>;
  knownBugs: Map<string, number>;
  writes: number;
}

export function emptyStats(): FuzzStats {
  return { runs: 0, statuses: new Map(), labels: new Map(), knownBugs: new Map(), writes: 0 };
}

function bump<K>(map: Map<K, number>, key: K): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

/** One fuzzed server: the default scenario, with its state put back after every run that wrote. */
export interface FuzzTarget {
  api: TestApi;
  names: FuzzNames;
  stats: FuzzStats;
  /** Sends one request and throws (for fast-check to report and shrink) when a property does not hold. */
  check: (req: FuzzRequest) => Promise<void>;
  close: () => Promise<void>;
}

function snapshotState(sandbox: SandboxAccount) {
  const saved = structuredClone({ s3: sandbox.scenario.s3, ec2: sandbox.scenario.ec2 });
  return () => {
    const copy = structuredClone(saved);
    sandbox.scenario.s3 = copy.s3;
    sandbox.scenario.ec2 = copy.ec2;
  };
}

export async function startFuzzTarget(): Promise<FuzzTarget> {
  const api = await startTestApi();
  const restore = snapshotState(api.sandbox);
  const stats = emptyStats();
  const names = namesOf(api.sandbox.scenario);
  const check = async (req: FuzzRequest) => {
    const before = api.sandbox.calls.length;
    const reply = await sendRaw(api.url, req);
    const calls = api.sandbox.calls.slice(before);
    api.sandbox.calls.length = 0;
    stats.runs++;
    bump(stats.statuses, reply.status);
    bump(stats.labels, req.label);
    const problems = writeProblems(req, calls);
    const wrote = calls.some((call) => WRITE_COMMANDS.has(call.command) && call.error === undefined);
    if (wrote) {
      stats.writes++;
      restore();
    }
    const bug = KNOWN_BUGS.find((known) => known.matches(req, reply));
    if (bug) bump(stats.knownBugs, bug.id);
    else problems.push(...replyProblems(req, reply, names));
    if (req.label === 'valid-write' && writeIntent(req) === undefined && !isDryRun(req))
      problems.push('test bug: the write oracle calls a generated valid write invalid');
    if (problems.length > 0) {
      throw new Error(
        `${problems.join('\n')}\nrequest: ${describeRequest(req)}\nreply: ${reply.status} ${reply.text.slice(0, 400)}`,
      );
    }
  };
  return { api, names, stats, check, close: api.close };
}

/** fast-check parameters: runs from FUZZ_RUNS (default 1,000), seed from FUZZ_SEED when replaying. */
export function fuzzParameters(runs?: number): fc.Parameters<[FuzzRequest]> {
  const seed = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
  return {
    numRuns: runs ?? Number(process.env.FUZZ_RUNS ?? 1_000),
    ...(seed === undefined || Number.isNaN(seed) ? {} : { seed }),
    ...(process.env.FUZZ_PATH ? { path: process.env.FUZZ_PATH } : {}),
  };
}

/** Runs the properties without throwing: the outcome, and fast-check's report (seed, path, shrunk request, cause) on failure. */
export async function runFuzz(
  target: FuzzTarget,
  runs: number,
): Promise<{ outcome: RunOutcome; report: string | undefined }> {
  const started = Date.now();
  const details = await fc.check(
    fc.asyncProperty(fuzzRequestArb(target.names), (req) => target.check(req)),
    fuzzParameters(runs),
  );
  return {
    outcome: {
      failed: details.failed,
      numRuns: details.numRuns,
      requested: runs,
      numShrinks: details.numShrinks,
      seed: details.seed,
      ms: Date.now() - started,
    },
    report: details.failed
      ? `${fc.defaultReportMessage(details) ?? ''}\n${details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance)}`
      : undefined,
  };
}

export interface RunOutcome {
  failed: boolean;
  /** Runs fast-check made (up to and including the first failure). */
  numRuns: number;
  requested: number;
  numShrinks: number;
  seed: number;
  ms: number;
}

/** One line: outcome, runs, duration, status histogram, labels, runs that wrote, known bugs, seed. */
export function summaryLine(stats: FuzzStats, outcome: RunOutcome): string {
  const histogram = [...stats.statuses.entries()]
    .sort(([a], [b]) => a - b)
    .map(([status, count]) => `${status}:${count}`)
    .join(' ');
  const labels = [...stats.labels.entries()].map(([label, count]) => `${label} ${count}`).join(', ');
  const bugs =
    stats.knownBugs.size === 0
      ? 'none'
      : [...stats.knownBugs.entries()].map(([id, count]) => `${id} ${count}`).join(', ');
  const result = outcome.failed
    ? `FAILED at run ${outcome.numRuns} of ${outcome.requested} (${outcome.numRuns - 1} passed, 1 failed, shrunk ${outcome.numShrinks} times)`
    : `${outcome.numRuns} runs, ${outcome.numRuns} passed, 0 failed`;
  return `fuzz: ${result} in ${(outcome.ms / 1000).toFixed(1)} s; statuses {${histogram}}; requests ${stats.runs} (${labels}); runs that wrote ${stats.writes}; known bugs hit: ${bugs}; seed ${outcome.seed}`;
}
