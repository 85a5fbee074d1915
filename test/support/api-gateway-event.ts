/** An API Gateway REST proxy event as Lambda receives it, for tests that call a function's handler directly. */
import type { APIGatewayProxyEvent } from 'aws-lambda';

export interface ApiGatewayEventOptions {
  body?: string | null;
  query?: Record<string, string> | null;
  /** Merged into the request context (request id, Cognito authorizer claims). */
  requestContext?: Record<string, unknown>;
}

export function apiGatewayEvent(
  method: string,
  path: string,
  { body = null, query = null, requestContext = {} }: ApiGatewayEventOptions = {},
): APIGatewayProxyEvent {
  return {
    httpMethod: method,
    path,
    resource: path,
    headers: { 'content-type': 'application/json' },
    multiValueHeaders: {},
    queryStringParameters: query,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body,
    isBase64Encoded: false,
    requestContext: {
      requestId: 'test-request',
      ...requestContext,
    } as unknown as APIGatewayProxyEvent['requestContext'],
  };
}
