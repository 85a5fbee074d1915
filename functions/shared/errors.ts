/**
 * Typed API errors. The router (`http-router.ts`) maps them to HTTP in one place; 4xx messages are shown
 * to callers, 5xx never carry internals. The codes and their statuses come from the one list in
 * openapi/error-codes.ts.
 */
import { ERROR_STATUS, type ErrorCode, isErrorCode } from '../../openapi/error-codes';

export type { ErrorCode };

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
    super(ERROR_STATUS.ValidationError, 'ValidationError', message, details);
  }
}

export class NotFoundError extends ApiError {
  constructor(message: string, details?: ErrorDetails) {
    super(ERROR_STATUS.NotFound, 'NotFound', message, details);
  }
}

/** The change is refused as asked (e.g. an intended exposure without force); nothing was changed. */
export class ConflictError extends ApiError {
  constructor(message: string, details?: ErrorDetails) {
    super(409, 'Conflict', message, details);
  }
}

/** AWS refused or failed; the message names the AWS call and its error code. */
export class UpstreamError extends ApiError {
  readonly awsCall: string;
  readonly awsErrorCode: string;

  constructor(awsCall: string, awsErrorCode: string, message: string, details?: ErrorDetails) {
    super(ERROR_STATUS.UpstreamError, 'UpstreamError', message, details);
    this.awsCall = awsCall;
    this.awsErrorCode = awsErrorCode;
  }
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: ErrorDetails };
}

/** The one JSON error shape of the API, `{"error": {"code", "message", "details"?}}`. */
export function errorBody(code: ErrorCode, message: string, details?: ErrorDetails): ErrorBody {
  return details === undefined ? { error: { code, message } } : { error: { code, message, details } };
}

/**
 * The API's error body if `text` is one (JSON `{"error": {"code", "message"}}` with a known code and a
 * message), else undefined: decided by parsing, so a body that merely starts like one is not taken for it.
 */
export function parseErrorBody(text: string | undefined): ErrorBody | undefined {
  if (!text) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const error = (parsed as { error?: unknown }).error;
  if (typeof error !== 'object' || error === null || Array.isArray(error)) return undefined;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (!isErrorCode(code) || typeof message !== 'string' || message === '') return undefined;
  return parsed as ErrorBody;
}
