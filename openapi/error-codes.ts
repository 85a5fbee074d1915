/**
 * Every error code the API answers with, and the status each goes with (docs/usage.md lists them for callers). The one list:
 * the runtime's typed errors, the OpenAPI `Error` schema (an enum of these keys), API Gateway's own
 * error responses (infra/) and the tests all import it, so a new code is added here or nowhere.
 */
export const ERROR_STATUS = {
  /** Bad or missing parameter, unknown field, malformed or oversized JSON. */
  ValidationError: 400,
  /** Not signed in (deployed API only: API Gateway answers it). */
  Unauthorized: 401,
  /** Signed in but not allowed (deployed API only: API Gateway, or a function whose own scope check refuses the token). */
  Forbidden: 403,
  /** No such bucket, instance or route. */
  NotFound: 404,
  /** The path exists but not with this method. */
  MethodNotAllowed: 405,
  /**
   * An undo would overwrite a later change, there is nothing to undo, or the target carries the protected tag
   * (a bucket this API never changes); nothing was changed.
   */
  Conflict: 409,
  /** A previewed change no longer applies (target changed, plan expired, forged or for another change): nothing was written. */
  PlanRejected: 409,
  /** Throttled by the API (API Gateway answers it). */
  TooManyRequests: 429,
  /** Unexpected failure; never carries internals. */
  InternalError: 500,
  /** AWS refused or failed; the message names the AWS call and its error code. */
  UpstreamError: 502,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** The codes, in the order above (the order of the OpenAPI enum). */
export const ERROR_CODES = Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]];

/** True when `value` is one of the API's error codes. */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_STATUS, value);
}
