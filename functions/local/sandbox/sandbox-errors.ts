/**
 * Errors thrown the way the AWS SDK v3 throws service errors (`name` = AWS
 * error code, `$fault`, `$metadata.httpStatusCode`), so retries, throttling
 * and the adapters' error mapping behave exactly as against AWS.
 */
export class SandboxServiceError extends Error {
  readonly $fault: 'client' | 'server';
  readonly $metadata: {
    httpStatusCode: number;
    requestId: string;
    attempts?: number;
    totalRetryDelay?: number;
  };
  readonly Code: string;

  constructor(code: string, message: string, httpStatusCode: number) {
    super(message);
    this.name = code;
    this.Code = code;
    this.$fault = httpStatusCode >= 500 ? 'server' : 'client';
    this.$metadata = { httpStatusCode, requestId: 'sandbox' };
  }
}

/** Status codes AWS uses for the error codes the sandbox can raise. */
const STATUS: Record<string, number> = {
  AccessDenied: 403,
  UnauthorizedOperation: 403,
  AccessDeniedException: 403,
  NoSuchBucket: 404,
  NoSuchPublicAccessBlockConfiguration: 404,
  NoSuchBucketPolicy: 404,
  NoSuchWebsiteConfiguration: 404,
  NoSuchTagSet: 404,
  PermanentRedirect: 301,
  SlowDown: 503,
  Throttling: 400,
  ThrottlingException: 400,
  RequestLimitExceeded: 503,
  InternalError: 500,
  ServiceUnavailable: 503,
  RequestTimeout: 408,
  NotImplemented: 501,
  InvalidParameterValue: 400,
  InvalidInstanceID: 400,
  'InvalidInstanceID.NotFound': 400,
  'InvalidGroup.NotFound': 400,
  'InvalidSecurityGroupRuleId.NotFound': 400,
  'InvalidPermission.Duplicate': 400,
  'InvalidPermission.NotFound': 400,
  RulesPerSecurityGroupLimitExceeded: 400,
  AuthFailure: 401,
  ConditionalCheckFailedException: 400,
  ValidationException: 400,
  UnknownOperationException: 400,
  ResourceNotFoundException: 400,
  ProvisionedThroughputExceededException: 400,
  ValidationError: 400,
};

export function sandboxError(code: string, message?: string): SandboxServiceError {
  // A service error from AWS has no useful stack either; capturing one costs more than answering the call.
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new SandboxServiceError(code, message ?? `${code} (sandbox)`, STATUS[code] ?? 400);
  } finally {
    Error.stackTraceLimit = limit;
  }
}
