/** How the adapters read AWS SDK v3 errors, and turn them into the API's UpstreamError. */
import { UpstreamError } from '../shared/errors';

/** The AWS error code of an SDK error (`name`, as the SDK sets it), or a stand-in for non-AWS failures. */
export function awsErrorCode(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const candidate = error as { name?: unknown; Code?: unknown; code?: unknown };
    for (const value of [candidate.Code, candidate.name, candidate.code]) {
      if (typeof value === 'string' && value !== '' && value !== 'Error') return value;
    }
  }
  return 'UnknownError';
}

export function hasAwsErrorCode(error: unknown, ...codes: string[]): boolean {
  return codes.includes(awsErrorCode(error));
}

/** A 502 naming the AWS call and its error code; no request ids or stack traces reach the caller. */
export function upstreamError(
  call: string,
  error: unknown,
  details?: Record<string, unknown>,
): UpstreamError {
  const code = awsErrorCode(error);
  const hint =
    code === 'AccessDenied' || code === 'AccessDeniedException' || code === 'UnauthorizedOperation'
      ? ' Grant the API’s role permission for this call, or ask an administrator.'
      : code.includes('Throttl') || code === 'SlowDown' || code === 'RequestLimitExceeded'
        ? ' AWS is throttling the account; try again in a minute.'
        : ' Try again; if it persists, check the AWS service health for the Region.';
  return new UpstreamError(call, code, `AWS ${call} failed with ${code}.${hint}`, {
    awsCall: call,
    awsErrorCode: code,
    ...details,
  });
}
