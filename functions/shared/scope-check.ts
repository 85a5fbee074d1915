/**
 * Defence in depth behind API Gateway's authorizer: before doing anything, a
 * deployed function checks that the verified claims on the event are an
 * access token's and carry the operation's scope. A direct invocation with a
 * forged or scope-less event is refused here, and a refused change is audited.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { OperationDefinition } from '../../openapi/operations';
import { writeAuditRecord } from './audit';
import { callerFromEvent } from './caller';
import { ApiError } from './errors';

export class ForbiddenError extends ApiError {
  constructor(message: string) {
    super(403, 'Forbidden', message);
  }
}

/** The scopes of the verified claims (API Gateway hands `scope` over as one space-separated string). */
export function scopesFromEvent(event: APIGatewayProxyEvent | undefined): {
  tokenUse?: string;
  scopes: string[];
} {
  const authorizer = event?.requestContext?.authorizer as Record<string, unknown> | null | undefined;
  const claims = (authorizer?.claims ?? {}) as Record<string, unknown>;
  const scope = typeof claims.scope === 'string' ? claims.scope : '';
  const tokenUse = typeof claims.token_use === 'string' ? claims.token_use : undefined;
  return { ...(tokenUse ? { tokenUse } : {}), scopes: scope.split(/\s+/).filter((s) => s !== '') };
}

/**
 * Refuses the call unless the claims are an access token's with `<scopePrefix>/<operation scope>`.
 * @param scopePrefix - the Cognito resource server identifier; undefined where there is no sign-in (local server, auth=none).
 * @param iamApiId - the id of the IAM-authorised automation API (automation=iam), whose calls IAM has authorised.
 */
export function requireOperationScope(
  event: APIGatewayProxyEvent | undefined,
  operation: OperationDefinition,
  scopePrefix: string | undefined,
  requestId: string,
  iamApiId?: string,
): void {
  if (scopePrefix === undefined) return;
  // The automation API authorizes with IAM (SigV4): its managed policies grant GET or POST methods, so the call
  // carries a signing principal instead of token claims. Accepted only from that API (the stack names its id).
  if (
    iamApiId !== undefined &&
    event?.requestContext?.apiId === iamApiId &&
    typeof event.requestContext.identity?.userArn === 'string' &&
    event.requestContext.identity.userArn !== ''
  ) {
    return;
  }
  const { tokenUse, scopes } = scopesFromEvent(event);
  const needed = `${scopePrefix}/${operation.scope}`;
  let message: string | undefined;
  if (tokenUse !== 'access') {
    message =
      'This API accepts OAuth access tokens only; sign in again through the assistant or get an access token from the token endpoint.';
  } else if (!scopes.includes(needed)) {
    message =
      operation.scope === 'remediate'
        ? 'You are signed in read-only: changing buckets and security groups is for remediators. Ask a remediator to make this change, or ask an administrator to make you one (npm run grant -- --user NAME --remediator; see docs/safety.md). Nothing was changed.'
        : `This operation needs the ${needed} scope, which your sign-in does not carry; sign in again or ask an administrator.`;
  }
  if (message === undefined) return;
  if (operation.scope === 'remediate') {
    writeAuditRecord(callerFromEvent(event), requestId, {
      operation: operation.operationId,
      target: event?.path ?? 'unknown',
      region: null,
      dryRun: false,
      outcome: 'rejected',
      error: { code: 'Forbidden', message },
    });
  }
  throw new ForbiddenError(message);
}
