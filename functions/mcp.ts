/**
 * Lambda entry: the MCP endpoint (POST /mcp, Streamable HTTP, stateless, JSON responses) and its OAuth
 * protected-resource metadata (GET /.well-known/oauth-protected-resource, RFC 9728).
 *
 * API Gateway's Cognito authorizer verifies the access token and lets through tokens with the read or the
 * remediate scope; each tool then needs its operation's own scope, taken from the verified claims: tools
 * the token does not allow are left out of tools/list, and a call to one answers why.
 *
 * Each service's SDK clients and handlers load on the first call of one of its tools, so initialize and
 * tools/list (what a client sends first, often to a fresh container) never read their code.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import {
  applyUndoOfChange,
  closeUnwantedPortForEc2Instance,
  findEc2InstancesWithOpenPort,
  findS3BucketsWithPublicAccess,
  listChanges,
  type OperationDefinition,
  type OperationScope,
  previewCloseUnwantedPortForEc2Instance,
  previewRemovePublicAccessFromS3Bucket,
  previewUndoOfChange,
  removePublicAccessFromS3Bucket,
} from '../openapi/operations';
import { callerFromEvent } from './shared/caller';
import { errorBody } from './shared/errors';
import { bindOperation, type OperationBinding, type OperationHandler } from './shared/http-router';
import type { InvocationContext } from './shared/invocation';
import { logger } from './shared/logger';
import { handleMcpHttpRequest } from './shared/mcp-server';

/**
 * Loads a module once, on first use; a failed import is not kept here, so the next call imports again. The MCP bundle
 * is split at these imports (infra/constructs/split-bundle.ts): each service's code, and its SDK clients',
 * is read on the first call of one of its tools.
 */
function importOnFirstUse<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => {
    loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
    return loading;
  };
}

// One module per group of tools a REST function serves, so a tool's first call reads what that function would.
const s3Reads = importOnFirstUse(() =>
  import('./handlers/mcp-s3-handlers.js').then((module) => module.s3ReadToolHandlers),
);
const s3Block = importOnFirstUse(() =>
  import('./handlers/mcp-s3-block-handler.js').then((module) => module.s3BlockToolHandler),
);
const ec2Reads = importOnFirstUse(() =>
  import('./handlers/mcp-ec2-handlers.js').then((module) => module.ec2ReadToolHandlers),
);
const ec2Close = importOnFirstUse(() =>
  import('./handlers/mcp-ec2-close-handler.js').then((module) => module.ec2CloseToolHandler),
);
const journalHandlers = importOnFirstUse(() =>
  import('./handlers/mcp-journal-handlers.js').then((module) => module.journalToolHandlers),
);

/** A binding whose handler is loaded the first time the operation is called. */
function lazyBinding<O extends OperationDefinition>(
  operation: O,
  load: () => Promise<OperationHandler<O>>,
): OperationBinding {
  return bindOperation(operation, async (input, context) =>
    (await load())(input, context),
  ) as OperationBinding;
}

const bindings: OperationBinding[] = [
  lazyBinding(findS3BucketsWithPublicAccess, async () => (await s3Reads()).find),
  lazyBinding(previewRemovePublicAccessFromS3Bucket, async () => (await s3Reads()).preview),
  lazyBinding(removePublicAccessFromS3Bucket, s3Block),
  lazyBinding(findEc2InstancesWithOpenPort, async () => (await ec2Reads()).find),
  lazyBinding(previewCloseUnwantedPortForEc2Instance, async () => (await ec2Reads()).preview),
  lazyBinding(closeUnwantedPortForEc2Instance, ec2Close),
  lazyBinding(listChanges, async () => (await journalHandlers()).list),
  lazyBinding(previewUndoOfChange, async () => (await journalHandlers()).preview),
  lazyBinding(applyUndoOfChange, async () => (await journalHandlers()).apply),
];

export const PROTECTED_RESOURCE_PATH = '/.well-known/oauth-protected-resource';
const MCP_PATH = '/mcp';

/**
 * Full scope names the stack gives the function (`OAUTH_SCOPE_READ`, `OAUTH_SCOPE_REMEDIATE`). Without them
 * the API was deployed with auth=none (an explicit, warned-about demo): every tool is open, as every route is.
 */
function scopeNames(): Record<OperationScope, string> | undefined {
  const read = process.env.OAUTH_SCOPE_READ;
  const remediate = process.env.OAUTH_SCOPE_REMEDIATE;
  return read && remediate ? { read, remediate } : undefined;
}

/** The operation scopes a verified token's `scope` claim holds. */
export function grantedScopes(claims: Record<string, unknown>): Set<OperationScope> {
  const names = scopeNames();
  if (!names) return new Set(['read', 'remediate']);
  const held = new Set(typeof claims.scope === 'string' ? claims.scope.split(' ') : []);
  return new Set((['read', 'remediate'] as const).filter((scope) => held.has(names[scope])));
}

/** The stage's base URL as the caller reached it (`https://{domain}/{stage}`), from the event. */
function baseUrl(event: APIGatewayProxyEvent, endpointPath: string): string {
  const domain = event.requestContext.domainName ?? event.headers?.Host ?? event.headers?.host ?? 'localhost';
  const fullPath = event.requestContext.path ?? event.path;
  const prefix = fullPath.endsWith(endpointPath) ? fullPath.slice(0, -endpointPath.length) : '';
  return `https://${domain}${prefix}`;
}

/** RFC 9728 metadata: this MCP endpoint is an OAuth protected resource of the stack's Cognito user pool. */
export function protectedResourceMetadata(event: APIGatewayProxyEvent): Record<string, unknown> {
  const names = scopeNames();
  const issuer = process.env.OAUTH_ISSUER;
  return {
    resource: `${baseUrl(event, PROTECTED_RESOURCE_PATH)}${MCP_PATH}`,
    ...(issuer ? { authorization_servers: [issuer] } : {}),
    ...(names ? { scopes_supported: [names.read, names.remediate] } : {}),
    bearer_methods_supported: ['header'],
    resource_name: 'AIOps exposure API (MCP)',
  };
}

function toRequest(event: APIGatewayProxyEvent): Request {
  const headers = new Headers();
  for (const [name, values] of Object.entries(event.multiValueHeaders ?? {})) {
    for (const value of values ?? []) headers.append(name, value);
  }
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (value !== undefined && !headers.has(name)) headers.set(name, value);
  }
  const body =
    event.body === null || event.body === undefined
      ? undefined
      : event.isBase64Encoded
        ? Buffer.from(event.body, 'base64')
        : Buffer.from(event.body, 'utf8');
  const method = event.httpMethod;
  return new Request(`${baseUrl(event, MCP_PATH)}${MCP_PATH}`, {
    method,
    headers,
    ...(body && method !== 'GET' && method !== 'HEAD' ? { body: new Uint8Array(body) } : {}),
  });
}

async function toProxyResult(response: Response): Promise<APIGatewayProxyResult> {
  return {
    statusCode: response.status,
    headers: Object.fromEntries(response.headers.entries()),
    body: await response.text(),
  };
}

export const handler = async (
  event: APIGatewayProxyEvent,
  context: Context,
): Promise<APIGatewayProxyResult> => {
  // Every log line of the invocation (audit records included) carries its request id, as in the REST functions.
  logger.addContext(context);
  const json = { 'content-type': 'application/json; charset=utf-8' };
  if (event.path === PROTECTED_RESOURCE_PATH) {
    if (event.httpMethod !== 'GET') {
      return {
        statusCode: 405,
        headers: { ...json, allow: 'GET' },
        body: JSON.stringify(
          errorBody('MethodNotAllowed', `Method ${event.httpMethod} is not allowed; use GET.`),
        ),
      };
    }
    return {
      statusCode: 200,
      headers: { ...json, 'cache-control': 'max-age=300' },
      body: JSON.stringify(protectedResourceMetadata(event)),
    };
  }
  const authorizer = event.requestContext?.authorizer as Record<string, unknown> | null | undefined;
  const claims = (authorizer?.claims ?? {}) as Record<string, unknown>;
  const caller = callerFromEvent(event);
  const invocation = (requestId: string): InvocationContext => ({
    requestId: `${event.requestContext?.requestId ?? context.awsRequestId}#${requestId}`,
    caller,
    remainingMs: () => context.getRemainingTimeInMillis?.() ?? 28_000,
    invokedFunctionArn: context.invokedFunctionArn,
  });
  const response = await handleMcpHttpRequest(toRequest(event), {
    bindings,
    grantedScopes: grantedScopes(claims),
    invocation,
  });
  return toProxyResult(response);
};
