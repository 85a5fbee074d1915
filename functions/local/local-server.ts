/**
 * The local HTTP server: turns each Node request into the API Gateway proxy
 * event Lambda would receive and resolves it with the same Router, handlers
 * and validation as the deployed functions. Loopback only.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { buildOpenApiDocument } from '../../openapi/build-document';
import { REQUEST_DEADLINE_MS } from '../../openapi/limits';
import type { Rendering } from '../../openapi/renderings';
import { type ErrorCode, errorBody } from '../shared/errors';
import { createOperationRouter, resolveEvent } from '../shared/http-router';
import { MAX_BODY_BYTES } from '../shared/request-input';
import type { LocalBackend } from './local-backend';
import { localBindings } from './local-bindings';
import { createLocalMcpHandler, MCP_PATH } from './local-mcp';

export interface LocalServerOptions {
  backend: LocalBackend;
  port: number;
  /** How long a request may run, like Lambda's timeout (default 28 s). */
  deadlineMs?: number;
}

export interface RunningServer {
  server: Server;
  url: string;
  close: () => Promise<void>;
}

class BodyTooLargeError extends Error {}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLargeError();
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

class BadTargetError extends Error {}

function toEvent(req: IncomingMessage, body: Buffer, requestId: string): APIGatewayProxyEvent {
  let url: URL;
  try {
    // Concatenated, not resolved: a target starting with `//` stays a path instead of naming a host.
    url = new URL(`http://127.0.0.1${req.url ?? '/'}`);
  } catch {
    throw new BadTargetError();
  }
  // No prototypes: keys such as `__proto__` or `constructor` are plain (unknown) names.
  const headers: Record<string, string> = Object.create(null);
  const multiValueHeaders: Record<string, string[]> = Object.create(null);
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    const values = Array.isArray(value) ? value : [value];
    headers[name] = values.join(', ');
    multiValueHeaders[name] = values;
  }
  const query: Record<string, string> = Object.create(null);
  const multiQuery: Record<string, string[]> = Object.create(null);
  for (const [key, value] of url.searchParams) {
    query[key] = value;
    multiQuery[key] = [...(multiQuery[key] ?? []), value];
  }
  const hasQuery = Object.keys(query).length > 0;
  return {
    httpMethod: req.method ?? 'GET',
    path: url.pathname,
    resource: url.pathname,
    headers,
    multiValueHeaders,
    queryStringParameters: hasQuery ? query : null,
    multiValueQueryStringParameters: hasQuery ? multiQuery : null,
    pathParameters: null,
    stageVariables: null,
    body: body.length > 0 ? body.toString('utf8') : null,
    isBase64Encoded: false,
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      authorizer: { principalId: 'local' },
      protocol: 'HTTP/1.1',
      httpMethod: req.method ?? 'GET',
      identity: {
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
      } as APIGatewayProxyEvent['requestContext']['identity'],
      path: url.pathname,
      stage: 'local',
      requestId,
      requestTimeEpoch: Date.now(),
      resourceId: 'local',
      resourcePath: url.pathname,
    },
  };
}

function toContext(requestId: string, deadlineMs: number): Context {
  const deadline = Date.now() + deadlineMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'local',
    functionVersion: '$LATEST',
    invokedFunctionArn: '',
    memoryLimitInMB: '1024',
    awsRequestId: requestId,
    logGroupName: 'local',
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/**
 * Why a request must not run here, or null. A web page the user visits can make their browser send
 * requests to 127.0.0.1: a form or `fetch` with `text/plain` skips CORS preflight, and a DNS-rebinding
 * name makes the page same-origin with us. With `--aws` such a request would change the real account,
 * so bodies must be JSON (which a cross-site page cannot send without a preflight we never answer),
 * an `Origin` must be this server's own, and the `Host` must be the loopback address we listen on.
 */
export function crossSiteRefusal(req: IncomingMessage, body: Buffer): Refusal | null {
  const port = req.socket.localPort;
  const own = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  if (port === 80) own.add('127.0.0.1').add('localhost');
  const host = (req.headers.host ?? '').toLowerCase();
  if (!own.has(host))
    return forbidden(
      `The Host header must name this server (127.0.0.1:${port}); requests for another host name are refused, as a DNS-rebinding defence.`,
    );
  const origin = req.headers.origin;
  if (origin !== undefined && !own.has(origin.toLowerCase().replace(/^http:\/\//, '')))
    return forbidden(
      `Requests from a web page of another origin (${JSON.stringify(origin.slice(0, 80))}) are refused; call the API from curl, a script or a page served by this server.`,
    );
  if (body.length > 0 && !isJsonMediaType(req.headers['content-type']))
    return {
      status: 400,
      code: 'ValidationError',
      message: 'Send the request body as JSON with "Content-Type: application/json" (curl --json does).',
    };
  return null;
}

interface Refusal {
  status: number;
  code: ErrorCode;
  message: string;
}

function forbidden(message: string): Refusal {
  return { status: 403, code: 'Forbidden', message };
}

function isJsonMediaType(value: string | undefined): boolean {
  const media = (value ?? '').split(';')[0]?.trim().toLowerCase();
  return media === 'application/json';
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, body: string): void {
  res.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** Where the local server serves each rendering's OpenAPI document. */
const DOCUMENT_PATHS: ReadonlyMap<string, Rendering> = new Map([
  ['/openapi.json', 'rest'],
  ['/openapi.assistant.json', 'assistant'],
]);

/** Builds the request listener (exported for tests that drive it without a socket). */
export function createLocalListener(options: LocalServerOptions) {
  // No sign-in locally (loopback only): no scopes to check.
  const router = createOperationRouter(localBindings(options.backend), { scopePrefix: undefined });
  const deadlineMs = options.deadlineMs ?? REQUEST_DEADLINE_MS;
  const documents = new Map<string, string>();
  const mcp = createLocalMcpHandler(options.backend, deadlineMs);

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const requestId = randomUUID();
    const json = { 'content-type': 'application/json; charset=utf-8', 'x-request-id': requestId };
    let body: Buffer;
    try {
      body = await readBody(req);
    } catch (error) {
      const tooLarge = error instanceof BodyTooLargeError;
      const payload = errorBody(
        'ValidationError',
        tooLarge
          ? `The request body is larger than ${MAX_BODY_BYTES} bytes; send a smaller JSON object.`
          : 'The request body could not be read; send it again.',
      );
      res.setHeader('connection', 'close');
      send(res, 400, json, JSON.stringify(payload));
      return;
    }
    const refusal = crossSiteRefusal(req, body);
    if (refusal !== null) {
      send(res, refusal.status, json, JSON.stringify(errorBody(refusal.code, refusal.message)));
      return;
    }
    const documentRendering = DOCUMENT_PATHS.get((req.url ?? '').split('?')[0] ?? '');
    if (req.method === 'GET' && documentRendering !== undefined) {
      // The same documents as deployed, pointing at this server, for Swagger UI, Postman or curl.
      const host = req.headers.host ?? '';
      const base = `http://${/^[A-Za-z0-9.:[\]-]{1,255}$/.test(host) ? host : '127.0.0.1'}`;
      const key = `${documentRendering} ${base}`;
      let document = documents.get(key);
      if (document === undefined) {
        document = JSON.stringify(
          buildOpenApiDocument({ serverUrl: base, rendering: documentRendering }),
          null,
          2,
        );
        documents.set(key, document);
      }
      send(res, 200, json, document);
      return;
    }
    if ((req.url ?? '').split('?')[0] === MCP_PATH) {
      // MCP Streamable HTTP: the same operations as tools (local-mcp.ts).
      const reply = await mcp(req, body);
      send(res, reply.status, { ...reply.headers, 'x-request-id': requestId }, reply.body);
      return;
    }
    let event: APIGatewayProxyEvent;
    try {
      event = toEvent(req, body, requestId);
    } catch (error) {
      if (!(error instanceof BadTargetError)) throw error;
      const payload = errorBody(
        'ValidationError',
        'The request target is not a valid URL path; check the path you sent.',
      );
      send(res, 400, json, JSON.stringify(payload));
      return;
    }
    const result = await resolveEvent(router, event, toContext(requestId, deadlineMs));
    const headers: Record<string, string> = { 'x-request-id': requestId };
    for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
    send(res, result.statusCode, headers, result.body ?? '');
  };
}

/**
 * Requests Node's HTTP parser refuses before any handler runs (an unknown method, a raw
 * non-ASCII byte in the target, headers over 16 KiB, an Expect header other than
 * 100-continue) get the API's JSON error too, instead of Node's empty reply.
 */
function answerParserRejections(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return;
    const [status, code, message]: [number, ErrorCode, string] =
      error.code === 'HPE_INVALID_METHOD'
        ? [405, 'MethodNotAllowed', 'This HTTP method is not allowed; use GET or POST.']
        : error.code === 'HPE_HEADER_OVERFLOW'
          ? [
              400,
              'ValidationError',
              'The request headers are too large (over 16 KiB); send fewer or smaller headers.',
            ]
          : [
              400,
              'ValidationError',
              'The request is not valid HTTP; check the method, the path and the headers.',
            ];
    const body = JSON.stringify(errorBody(code, message));
    socket.end(
      `HTTP/1.1 ${status} ${status === 405 ? 'Method Not Allowed' : 'Bad Request'}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  });
  server.on('checkExpectation', (_req, res: ServerResponse) => {
    const body = JSON.stringify(
      errorBody('ValidationError', 'Only "Expect: 100-continue" is supported; drop the Expect header.'),
    );
    res.writeHead(400, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
      connection: 'close',
    });
    res.end(body);
  });
}

/** Starts the server on 127.0.0.1 (port 0 picks a free one). */
export async function startLocalServer(options: LocalServerOptions): Promise<RunningServer> {
  const listener = createLocalListener(options);
  // Our own Host check answers a missing Host with the API's JSON error instead of Node's bare 400.
  const server = createServer({ requireHostHeader: false }, (req, res) => {
    listener(req, res).catch(() => {
      if (!res.headersSent) {
        send(
          res,
          500,
          { 'content-type': 'application/json' },
          JSON.stringify(errorBody('InternalError', 'The local server failed unexpectedly.')),
        );
      }
    });
  });
  answerParserRejections(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
