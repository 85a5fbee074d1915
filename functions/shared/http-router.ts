/**
 * Builds a Powertools HTTP Router for operations of the registry: each route
 * parses and validates its query, path and body with the operation's zod
 * schemas, calls the typed handler, shapes the result with the response
 * schema, and maps every error (ours, the Router's own 404/405, anything
 * unexpected) to the API's one error body.
 */
import { ParameterValidationError, Router } from '@aws-lambda-powertools/event-handler/http';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { input as Input } from 'zod/mini';
import { REQUEST_DEADLINE_MS } from '../../openapi/limits';
import {
  isBodyRequired,
  methodsAllowedAt,
  type OperationDefinition,
  operations,
  toRouterPath,
} from '../../openapi/operations';
import { renderedPath, renderingOfPath } from '../../openapi/renderings';
import { assistantOutcomeBody } from './assistant-outcome';
import { callerFromEvent } from './caller';
import { ApiError, type ErrorCode, errorBody, parseErrorBody } from './errors';
import type { InvocationContext } from './invocation';
import { logger } from './logger';
import { type Infer, parseWith, queryObject, readJsonBody } from './request-input';
import { requireOperationScope } from './scope-check';

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

/** What a route reads of the Router's request context. */
interface RouteRequest {
  event: unknown;
  context: unknown;
  req: Request;
  params: Record<string, string>;
}

/** A Powertools Router and the operations it serves (to name the methods a path allows). */
export interface OperationRouter {
  readonly router: Router;
  readonly operations: readonly OperationDefinition[];
}

/** A Router serving the given operations, with the API's error shapes everywhere. */
export function createOperationRouter(
  bindings: readonly OperationBinding[],
  options: {
    /** Cognito resource server identifier whose scopes each call must carry; the stack sets OAUTH_SCOPE_PREFIX. */
    scopePrefix?: string | undefined;
    /** Id of the IAM-authorised automation API, whose signed calls carry no token; the stack sets AUTOMATION_API_ID. */
    iamApiId?: string | undefined;
  } = {
    scopePrefix: process.env.OAUTH_SCOPE_PREFIX || undefined,
    iamApiId: process.env.AUTOMATION_API_ID || undefined,
  },
): OperationRouter {
  const router = new Router({ logger });
  const served = bindings.map((binding) => binding.operation);

  for (const binding of bindings) {
    const { operation } = binding;
    const needsBody = isBodyRequired(operation);
    const answer = async (reqCtx: RouteRequest) => {
      const event = reqCtx.event as APIGatewayProxyEvent;
      const lambdaContext = reqCtx.context as Context | undefined;
      const requestId = event.requestContext?.requestId ?? lambdaContext?.awsRequestId ?? 'unknown';
      // Before anything is read: a token without the operation's scope stays a 403 in both renderings.
      requireOperationScope(event, operation, options.scopePrefix, requestId, options.iamApiId);
      const query = parseWith(operation.request.query, queryObject(reqCtx.req.url), 'query string');
      const params = parseWith(operation.request.params, { ...reqCtx.params }, 'path');
      const rawBody =
        operation.request.body === undefined ? undefined : await readJsonBody(reqCtx.req, needsBody);
      const body = parseWith(operation.request.body, rawBody, 'request body');
      const invocation: InvocationContext = {
        requestId,
        caller: callerFromEvent(event),
        remainingMs: () => lambdaContext?.getRemainingTimeInMillis?.() ?? REQUEST_DEADLINE_MS,
        invokedFunctionArn: lambdaContext?.invokedFunctionArn,
      };
      const input = { query, params, body } as OperationInput<typeof operation>;
      return operation.response.parse(await binding.handler(input, invocation));
    };
    const method = operation.method.toUpperCase() as 'GET' | 'POST';
    router.route(async (reqCtx) => jsonResponse(200, await answer(reqCtx)), {
      method,
      path: toRouterPath(operation.path),
    });
    // The assistant rendering: the same operation, and every outcome a user can act on as a 200 (Q Business
    // shows users nothing else); the errors that are not outcomes go on to the error handlers below.
    router.route(
      async (reqCtx) => {
        try {
          return jsonResponse(200, { outcome: 'done', ...(await answer(reqCtx)) });
        } catch (error) {
          const outcome = error instanceof ApiError ? assistantOutcomeBody(error) : undefined;
          if (outcome === undefined) throw error;
          return jsonResponse(200, outcome);
        }
      },
      { method, path: toRouterPath(renderedPath(operation.path, 'assistant')) },
    );
  }

  router.errorHandler(ApiError, async (error) =>
    errorResponse(error.status, error.code, error.message, error.details),
  );

  router.notFound(async (_error, reqCtx) => {
    const path = new URL(reqCtx.req.url).pathname;
    const allowed = methodsAllowedAt(served, renderingOfPath(path).path);
    if (allowed.length > 0) return methodNotAllowed(reqCtx.req.method, path, allowed);
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

  return { router, operations: served };
}

/** A 405 that names the methods `path` really allows, in the message and the Allow header. */
function methodNotAllowed(method: string, path: string, allowed: readonly string[]): Response {
  return jsonResponse(
    405,
    errorBody('MethodNotAllowed', `${method} is not allowed on ${path}; use ${allowed.join(' or ')}.`),
    { allow: allowed.join(', ') },
  );
}

/**
 * Resolves an API Gateway event. The Router answers some malformed requests
 * (an HTTP method it does not know) with an empty body: give those the API's
 * error shape too.
 */
export async function resolveEvent(
  { router, operations: served }: OperationRouter,
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
  if (result.statusCode >= 400 && parseErrorBody(result.body) === undefined) {
    return defaultErrorFor(result.statusCode, event, served);
  }
  return result;
}

/** The API's error for a status the Router answered in its own shape (or with no body). */
function defaultErrorFor(
  status: number,
  event: APIGatewayProxyEvent,
  served: readonly OperationDefinition[],
): APIGatewayProxyResult {
  if (status === 405) {
    // The Router answers a method it does not know (e.g. FOO) before routing: name what the path allows.
    const allowed = methodsAllowedAt(served, renderingOfPath(event.path).path);
    if (allowed.length > 0) {
      return toProxyResult(
        405,
        errorBody(
          'MethodNotAllowed',
          `${event.httpMethod} is not allowed on ${event.path}; use ${allowed.join(' or ')}.`,
        ),
        { allow: allowed.join(', ') },
      );
    }
    return toProxyResult(404, errorBody('NotFound', `No route ${event.httpMethod} ${event.path}.`));
  }
  if (status === 404)
    return toProxyResult(404, errorBody('NotFound', `No route ${event.httpMethod} ${event.path}.`));
  if (status < 500) {
    return toProxyResult(
      status,
      errorBody('ValidationError', 'The request could not be understood; check it and try again.'),
    );
  }
  return toProxyResult(status, errorBody('InternalError', 'The request failed unexpectedly; try again.'));
}

function toProxyResult(
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyResult {
  return { statusCode, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(body) };
}
