/**
 * The Lambda handler of an entry: stamps every log line of the invocation
 * with its request id and cold-start flag (Powertools `addContext`), then
 * resolves the API Gateway event with the operations' router.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { createOperationRouter, type OperationBinding, resolveEvent } from './http-router';
import { logger } from './logger';

export type LambdaHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/** A Lambda handler serving the given operations; build it once, at module scope. */
export function createLambdaHandler(bindings: readonly OperationBinding[]): LambdaHandler {
  const router = createOperationRouter(bindings);
  return (event, context) => {
    logger.addContext(context);
    return resolveEvent(router, event, context);
  };
}
