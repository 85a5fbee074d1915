/**
 * Lambda entry: the MCP endpoint (POST /mcp, Streamable HTTP, stateless, JSON responses) and its OAuth
 * protected-resource metadata (GET /.well-known/oauth-protected-resource, RFC 9728).
 *
 * API Gateway's Cognito authorizer verifies the access token and lets through tokens with the read or the
 * remediate scope; each tool then needs its operation's own scope, taken from the verified claims: tools
 * the token does not allow are left out of tools/list, and a call to one answers why.
 *
 * Each service's SDK clients and handlers load on the first call of one of its tools, so initialize and
 * tools/list (what a client sends first, often to a fresh container) never pay for them.
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
import { onFirstUse } from '../openapi/schemas';
import { callerFromEvent } from './shared/caller';
import { errorBody } from './shared/errors';
import { bindOperation, type OperationBinding, type OperationHandler } from './shared/http-router';
import type { InvocationContext } from './shared/invocation';
import { logger } from './shared/logger';
import { handleMcpHttpRequest } from './shared/mcp-server';

// `require`, not `import()`: esbuild bundles both, but evaluates a required module only when the call runs.
// One change journal (CHANGE_JOURNAL_TABLE) for every change, history and undo tool, as the REST functions share it.
const journal = onFirstUse(() => {
  const { lambdaJournalDeps } =
    require('./handlers/lambda-journal-deps') as typeof import('./handlers/lambda-journal-deps');
  return lambdaJournalDeps();
});

const journalHandlers = onFirstUse(() => {
  const { lambdaUndoDeps } =
    require('./handlers/lambda-undo-deps') as typeof import('./handlers/lambda-undo-deps');
  const { createListChangesHandler } =
    require('./handlers/list-changes') as typeof import('./handlers/list-changes');
  const { createPreviewUndoHandler, createApplyUndoHandler } =
    require('./handlers/undo-change') as typeof import('./handlers/undo-change');
  const undoDeps = lambdaUndoDeps(journal());
  return {
    list: createListChangesHandler(journal()),
    preview: createPreviewUndoHandler(undoDeps),
    apply: createApplyUndoHandler(undoDeps),
  };
});

const s3Handlers = onFirstUse(() => {
  const { lambdaS3Deps } = require('./handlers/lambda-s3-deps') as typeof import('./handlers/lambda-s3-deps');
  const { createFindPublicBucketsHandler } =
    require('./handlers/find-public-buckets') as typeof import('./handlers/find-public-buckets');
  const { createBlockBucketPublicAccessHandler, createBlockPublicAccessPreviewHandler } =
    require('./handlers/block-bucket-public-access') as typeof import('./handlers/block-bucket-public-access');
  const deps = lambdaS3Deps();
  return {
    find: createFindPublicBucketsHandler(deps),
    preview: createBlockPublicAccessPreviewHandler(deps),
    block: createBlockBucketPublicAccessHandler(deps, journal()),
  };
});

const ec2Handlers = onFirstUse(() => {
  const { lambdaClosePortDeps } =
    require('./handlers/lambda-close-port-deps') as typeof import('./handlers/lambda-close-port-deps');
  const { createFindOpenPortsHandler } =
    require('./handlers/find-open-ports') as typeof import('./handlers/find-open-ports');
  const { createCloseOpenPortHandler, createClosePortPreviewHandler } =
    require('./handlers/close-open-port') as typeof import('./handlers/close-open-port');
  // With the Service Quotas client: preview and close plan against the account's rule quota.
  const deps = lambdaClosePortDeps();
  return {
    find: createFindOpenPortsHandler(deps),
    preview: createClosePortPreviewHandler(deps),
    close: createCloseOpenPortHandler(deps, journal()),
  };
});

/** A binding whose handler is loaded the first time the operation is called. */
function lazyBinding<O extends OperationDefinition>(
  operation: O,
  load: () => OperationHandler<O>,
): OperationBinding {
  return bindOperation(operation, (input, context) => load()(input, context)) as OperationBinding;
}

const bindings: OperationBinding[] = [
  lazyBinding(findS3BucketsWithPublicAccess, () => s3Handlers().find),
  lazyBinding(previewRemovePublicAccessFromS3Bucket, () => s3Handlers().preview),
  lazyBinding(removePublicAccessFromS3Bucket, () => s3Handlers().block),
  lazyBinding(findEc2InstancesWithOpenPort, () => ec2Handlers().find),
  lazyBinding(previewCloseUnwantedPortForEc2Instance, () => ec2Handlers().preview),
  lazyBinding(closeUnwantedPortForEc2Instance, () => ec2Handlers().close),
  lazyBinding(listChanges, () => journalHandlers().list),
  lazyBinding(previewUndoOfChange, () => journalHandlers().preview),
  lazyBinding(applyUndoOfChange, () => journalHandlers().apply),
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
