/** Who is calling, from the claims API Gateway's Cognito authorizer puts on the event, or its IAM identity. */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { Caller } from './invocation';

/**
 * The caller of an event: the best human identifier (username, else client id, else sub, else the IAM
 * principal of a signed call, else the authorizer's principal) plus each claim that was present; `anonymous` when there is none.
 */
export function callerFromEvent(event: APIGatewayProxyEvent | undefined): Caller {
  const authorizer = event?.requestContext?.authorizer as Record<string, unknown> | null | undefined;
  const claims = (authorizer?.claims ?? {}) as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
  const username = text(claims['cognito:username']) ?? text(claims.username);
  const clientId = text(claims.client_id);
  const sub = text(claims.sub);
  const email = text(claims.email);
  const scopes = (text(claims.scope) ?? '').split(/\s+/).filter((scope) => scope !== '');
  const readOnly = scopes.length > 0 && !scopes.some((scope) => scope.endsWith('/remediate'));
  // The automation API authorizes with IAM: API Gateway then names the signing principal, not a token.
  const iamArn = text(event?.requestContext?.identity?.userArn);
  const principal = username ?? clientId ?? sub ?? iamArn ?? text(authorizer?.principalId) ?? 'anonymous';
  return {
    principal,
    ...(username ? { username } : {}),
    ...(email ? { email } : {}),
    ...(sub ? { sub } : {}),
    ...(clientId ? { clientId } : {}),
    ...(iamArn ? { iamArn } : {}),
    ...(readOnly ? { readOnly: true as const } : {}),
  };
}
