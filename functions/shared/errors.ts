/**
 * Typed API errors. They are mapped to HTTP in one place (`http-errors.ts`);
 * 4xx messages are shown to callers, 5xx never carry internals.
 */

export type ErrorCode =
  | 'ValidationError'
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'MethodNotAllowed'
  | 'PayloadTooLarge'
  | 'TooManyRequests'
  | 'UpstreamError'
  | 'InternalError';

export type ErrorDetails = Record<string, unknown>;

/** An error whose message is written for the caller: what was wrong and how to fix it. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: ErrorCode;
  readonly details: ErrorDetails | undefined;

  constructor(status: number, code: ErrorCode, message: string, details?: ErrorDetails) {
    super(message);
    this.name = code;
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export class ValidationError extends ApiError {
  constructor(message: string, details?: ErrorDetails) {
    super(400, 'ValidationError', message, details);
  }
}

export class NotFoundError extends ApiError {
  constructor(message: string, details?: ErrorDetails) {
    super(404, 'NotFound', message, details);
  }
}

export class MethodNotAllowedError extends ApiError {
  constructor(message: string, details?: ErrorDetails) {
    super(405, 'MethodNotAllowed', message, details);
  }
}

/** AWS refused or failed; the message names the AWS call and its error code. */
export class UpstreamError extends ApiError {
  readonly awsCall: string;
  readonly awsErrorCode: string;

  constructor(awsCall: string, awsErrorCode: string, message: string, details?: ErrorDetails) {
    super(502, 'UpstreamError', message, details);
    this.awsCall = awsCall;
    this.awsErrorCode = awsErrorCode;
  }
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: ErrorDetails };
}

/** The one JSON error shape of the API (api.md "Errors"). */
export function errorBody(code: ErrorCode, message: string, details?: ErrorDetails): ErrorBody {
  return details === undefined ? { error: { code, message } } : { error: { code, message, details } };
}
