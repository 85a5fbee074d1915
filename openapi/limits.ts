/**
 * Limits of the API as callers meet them, shared by the functions (and the
 * local server) and the stack that deploys them.
 */

/**
 * How long one request may run. API Gateway gives up on an integration after
 * 29 s; the function stops first, so the caller gets our answer, not a 504.
 */
export const REQUEST_DEADLINE_MS = 28_000;

/**
 * Items per page of a find when the caller gives no limit: a page an assistant can quote in a chat answer
 * (plugins and tools should answer small; nextToken reads on).
 */
export const DEFAULT_FIND_LIMIT = 20;
