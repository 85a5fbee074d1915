/** Which errors the assistant rendering answers as a 200 outcome, and the summary each gets. */
import { assistantOutcomeBody, outcomeOf } from '../../functions/shared/assistant-outcome';
import { ApiError, NotFoundError, UpstreamError, ValidationError } from '../../functions/shared/errors';

describe('outcomeOf', () => {
  it.each<[string, ApiError, string | undefined]>([
    ['not found', new NotFoundError('No bucket "x".'), 'notFound'],
    ['a parameter to fix', new ValidationError('port is required.'), 'invalidRequest'],
    [
      'a full security group is a refusal, not a mistake',
      new ValidationError('sg-a is full.', { quotaProblems: [{ groupId: 'sg-a' }] }),
      'refused',
    ],
    ['a stale plan', new ApiError(409, 'PlanRejected', 'The group changed since the preview.'), 'refused'],
    [
      'an undo that would overwrite a later change',
      new ApiError(409, 'Conflict', 'Changed since.'),
      'refused',
    ],
    [
      'a write that stopped half-way',
      new UpstreamError('ec2:RevokeSecurityGroupIngress', 'UnauthorizedOperation', 'Refused.', {
        applied: { addedRules: [{ securityGroupId: 'sg-a' }], revokedRules: [] },
      }),
      'partial',
    ],
    [
      'a write that failed before writing anything',
      new UpstreamError('s3:PutPublicAccessBlock', 'AccessDenied', 'Denied.', { applied: [] }),
      'failed',
    ],
    ['AWS failed on a read', new UpstreamError('s3:ListBuckets', 'AccessDenied', 'Denied.'), 'failed'],
    ['not allowed (keeps 403)', new ApiError(403, 'Forbidden', 'No scope.'), undefined],
    ['unexpected (keeps 500)', new ApiError(500, 'InternalError', 'Failed.'), undefined],
    ['wrong method (keeps 405)', new ApiError(405, 'MethodNotAllowed', 'Use POST.'), undefined],
  ])('%s', (_name, error, expected) => {
    expect(outcomeOf(error)).toBe(expected);
  });
});

describe('assistantOutcomeBody', () => {
  it.each<[string, ApiError, string]>([
    ['not found', new NotFoundError('No bucket "x".'), 'Not found: No bucket "x". Nothing was changed.'],
    [
      'a parameter to fix',
      new ValidationError('Invalid request body: port is required in the request body.'),
      'The request needs fixing: Invalid request body: port is required in the request body. Nothing was changed. Correct it and ask again.',
    ],
    [
      'a refusal that already says nothing changed',
      new ApiError(409, 'PlanRejected', 'The preview expired; preview again. Nothing was changed.'),
      'Refused: The preview expired; preview again. Nothing was changed.',
    ],
    [
      'a partial write names its undo',
      new UpstreamError('ec2:RevokeSecurityGroupIngress', 'UnauthorizedOperation', 'Part was applied.', {
        applied: { addedRules: [{}], revokedRules: [] },
        undo: ['aws ec2 revoke-security-group-ingress ...'],
      }),
      'The change stopped half-way: Part was applied. The 1 undo command in error.details.undo reverses exactly the part that was applied.',
    ],
  ])('%s', (_name, error, summary) => {
    // Act
    const body = assistantOutcomeBody(error);

    // Assert
    expect(body?.summary).toBe(summary);
    expect(body?.error).toEqual({
      code: error.code,
      message: error.message,
      ...(error.details ? { details: error.details } : {}),
    });
  });
});
