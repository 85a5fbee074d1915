/**
 * Limits of the API as callers meet them, shared by the functions (and the
 * local server) and the stack that deploys them.
 */

/**
 * How long one request may run. API Gateway gives up on an integration after
 * 29 s; the function stops first, so the caller gets our answer, not a 504.
 */
export const REQUEST_DEADLINE_MS = 28_000;
