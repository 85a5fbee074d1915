/**
 * Builds a Powertools HTTP Router for operations of the registry: each route
 * parses and validates its query, path and body with the operation's zod
 * schemas, calls the typed handler, shapes the result with the response
 * schema, and maps every error (ours, the Router's own 404/405, anything
 * unexpected) to the API's one error body.
 */
import { ParameterValidationError, Router } from '@aws-lambda-powertools/event-handler/http';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { core, input as Input, output as Output, ZodMiniType } from 'zod/mini';
import { type OperationDefinition, operations, toRouterPath } from '../../openapi/operations';
import { ApiError, type ErrorCode, errorBody, ValidationError } from './errors';
import type { Caller, InvocationContext } from './invocation';
import { logger } from './logger';

/** Largest accepted request body (api.md): 64 KiB. */
export const MAX_BODY_BYTES = 64 * 1024;

type Infer<S> = S extends ZodMiniType ? Output<S> : undefined;

export type OperationInput<O extends OperationDefinition> = {
  query: Infer<O['request']['query']>;
  params: Infer<O['request']['params']>;
  body: Infer<O['request']['body']>;
};

export type OperationHandler<O extends OperationDefinition> = (
  input: OperationInput<O>,
  context: InvocationContext,
) => Promise<Input<O['response']>>;

export interface OperationBinding<O extends OperationDefinition = OperationDefinition> {
  operation: O;
  handler: OperationHandler<O>;
}

/** Pairs an operation with its handler, keeping the handler's input and output typed. */
export function bindOperation<O extends OperationDefinition>(
  operation: O,
  handler: OperationHandler<O>,
): OperationBinding<O> {
  return { operation, handler } as OperationBinding<O>;
}

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { ...JSON_HEADERS, ...headers } });
}

function errorResponse(status: number, code: ErrorCode, message: string, details?: Record<string, unknown>) {
  return jsonResponse(status, errorBody(code, message, details));
}

/** One readable sentence from zod issues: "port: port must be from 0 to 65535; protocol: ...". */
export function describeIssues(where: string, error: core.$ZodError, input: unknown): string {
  const parts = error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys.map((key) => `"${key}"`).join(', ');
      return `unknown ${where} field${issue.keys.length > 1 ? 's' : ''} ${keys}: remove ${issue.keys.length > 1 ? 'them' : 'it'}`;
    }
    if (issue.code === 'invalid_type' && valueAt(input, issue.path) === undefined) {
      return `${path} is required in the ${where}`;
    }
    return path && !issue.message.startsWith(path) ? `${path}: ${issue.message}` : issue.message;
  });
  return `Invalid ${where}: ${parts.join('; ')}.`;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = input;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function parseWith<S extends ZodMiniType | undefined>(schema: S, value: unknown, where: string): Infer<S> {
  if (schema === undefined) return undefined as Infer<S>;
  const result = schema.safeParse(value);
  if (!result.success) throw new ValidationError(describeIssues(where, result.error, value));
  return result.data as Infer<S>;
}

function queryObject(url: string): Record<string, string> {
  // No prototype: a key such as `__proto__` or `constructor` must be just an unknown field.
  const query: Record<string, string> = Object.create(null);
  for (const [key, value] of new URL(url).searchParams) {
    if (Object.hasOwn(query, key)) {
      throw new ValidationError(`Query parameter "${key}" was given more than once; give it once.`);
    }
    query[key] = value;
  }
  return query;
}

async function readJsonBody(req: Request, required: boolean): Promise<unknown> {
  const declared = Number(req.headers.get('content-length') ?? '0');
  if (declared > MAX_BODY_BYTES) {
    throw new ValidationError(
      `The request body is larger than ${MAX_BODY_BYTES} bytes; send a smaller JSON object.`,
    );
  }
  const text = await req.text();
  if (Buffer.byteLength(text, 'utf8') > MAX_BODY_BYTES) {
    throw new ValidationError(
      `The request body is larger than ${MAX_BODY_BYTES} bytes; send a smaller JSON object.`,
    );
  }
  if (text.trim() === '') {
    if (required) throw new ValidationError('The request needs a JSON body, e.g. {"port": 22}.');
    return {};
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ValidationError(
      'The request body is not valid JSON; send a JSON object with content-type application/json.',
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ValidationError('The request body must be a JSON object, e.g. {"dryRun": true}.');
  }
  return parsed;
}

function callerFromEvent(event: APIGatewayProxyEvent | undefined): Caller {
  const authorizer = event?.requestContext?.authorizer as Record<string, unknown> | null | undefined;
  const claims = (authorizer?.claims ?? {}) as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
  const username = text(claims['cognito:username']) ?? text(claims.username);
  const clientId = text(claims.client_id);
  const sub = text(claims.sub);
  const principal = username ?? clientId ?? sub ?? text(authorizer?.principalId) ?? 'anonymous';
  return {
    principal,
    ...(username ? { username } : {}),
    ...(sub ? { sub } : {}),
    ...(clientId ? { clientId } : {}),
  };
}

function bodyRequired(operation: OperationDefinition): boolean {
  const body = operation.request.body;
  if (body === undefined) return false;
  return !body.safeParse({}).success;
}

function allowedMethodsFor(served: readonly OperationDefinition[], path: string): string[] {
  return served
    .filter((operation) => {
      const pattern = new RegExp(`^${operation.path.replace(/\{\w+\}/g, '[^/]+')}/?$`);
      return pattern.test(path);
    })
    .map((operation) => operation.method.toUpperCase());
}

/** A Router serving the given operations, with the API's error shapes everywhere. */
export function createOperationRouter(bindings: readonly OperationBinding[]): Router {
  const router = new Router({ logger });

  for (const binding of bindings) {
    const { operation } = binding;
    const needsBody = bodyRequired(operation);
    router.route(
      async (reqCtx) => {
        const event = reqCtx.event as APIGatewayProxyEvent;
        const query = parseWith(operation.request.query, queryObject(reqCtx.req.url), 'query string');
        const params = parseWith(operation.request.params, { ...reqCtx.params }, 'path');
        const rawBody =
          operation.request.body === undefined ? undefined : await readJsonBody(reqCtx.req, needsBody);
        const body = parseWith(operation.request.body, rawBody, 'request body');
        const lambdaContext = reqCtx.context as Context | undefined;
        const invocation: InvocationContext = {
          requestId: event.requestContext?.requestId ?? lambdaContext?.awsRequestId ?? 'unknown',
          caller: callerFromEvent(event),
          remainingMs: () => lambdaContext?.getRemainingTimeInMillis?.() ?? 28_000,
          invokedFunctionArn: lambdaContext?.invokedFunctionArn,
        };
        const input = { query, params, body } as OperationInput<typeof operation>;
        const result = await binding.handler(input, invocation);
        return jsonResponse(200, operation.response.parse(result));
      },
      { method: operation.method.toUpperCase() as 'GET' | 'POST', path: toRouterPath(operation.path) },
    );
  }

  router.errorHandler(ApiError, async (error) =>
    errorResponse(error.status, error.code, error.message, error.details),
  );

  router.notFound(async (_error, reqCtx) => {
    const path = new URL(reqCtx.req.url).pathname;
    const allowed = allowedMethodsFor(
      bindings.map((binding) => binding.operation),
      path,
    );
    if (allowed.length > 0) {
      return jsonResponse(
        405,
        errorBody(
          'MethodNotAllowed',
          `${reqCtx.req.method} is not allowed on ${path}; use ${allowed.join(' or ')}.`,
        ),
        { allow: allowed.join(', ') },
      );
    }
    const known = operations.map((op) => `${op.method.toUpperCase()} ${op.path}`).join(', ');
    return errorResponse(404, 'NotFound', `No route ${reqCtx.req.method} ${path}. The API serves: ${known}.`);
  });

  router.errorHandler(Error, async (error, reqCtx) => {
    // The Router decodes path parameters itself: a malformed escape (%ZZ) or one that decodes to blank is bad input.
    if (error instanceof URIError || error instanceof ParameterValidationError) {
      return errorResponse(
        400,
        'ValidationError',
        'A path parameter is not valid: it must be a bucket name or an instance id, percent-encoded correctly.',
      );
    }
    logger.error('Unhandled error', { error, path: new URL(reqCtx.req.url).pathname });
    return errorResponse(
      500,
      'InternalError',
      'The request failed unexpectedly; try again, and report it if it persists.',
    );
  });

  return router;
}

/**
 * Resolves an API Gateway event. The Router answers some malformed requests
 * (an HTTP method it does not know) with an empty body: give those the API's
 * error shape too.
 */
export async function resolveEvent(
  router: Router,
  event: APIGatewayProxyEvent,
  context: Context,
): Promise<APIGatewayProxyResult> {
  // A path like `//x` reads as a host name to the URL parser: it can match no route.
  if (!event.path.startsWith('/') || event.path.startsWith('//')) {
    return toProxyResult(404, errorBody('NotFound', `No route ${event.httpMethod} ${event.path}.`));
  }
  // GET and HEAD carry no body in HTTP; ignore one rather than fail on it.
  const request =
    (event.httpMethod === 'GET' || event.httpMethod === 'HEAD') && event.body
      ? { ...event, body: null }
      : event;
  let result: APIGatewayProxyResult;
  try {
    result = await router.resolve(request, context);
  } catch (error) {
    logger.error('Router failed', { error });
    return toProxyResult(500, errorBody('InternalError', 'The request failed unexpectedly; try again.'));
  }
  if (result.statusCode >= 400 && !result.body?.startsWith('{"error"')) {
    return toProxyResult(result.statusCode, defaultErrorFor(result.statusCode, event));
  }
  return result;
}

function defaultErrorFor(status: number, event: APIGatewayProxyEvent) {
  if (status === 405) {
    return errorBody('MethodNotAllowed', `Method ${event.httpMethod} is not allowed; use GET or POST.`);
  }
  if (status === 404) return errorBody('NotFound', `No route ${event.httpMethod} ${event.path}.`);
  if (status < 500)
    return errorBody('ValidationError', 'The request could not be understood; check it and try again.');
  return errorBody('InternalError', 'The request failed unexpectedly; try again.');
}

function toProxyResult(statusCode: number, body: unknown): APIGatewayProxyResult {
  return { statusCode, headers: { ...JSON_HEADERS }, body: JSON.stringify(body) };
}
