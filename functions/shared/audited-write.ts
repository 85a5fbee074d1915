/**
 * The one way a write operation is audited: whatever happens inside, the
 * attempt leaves exactly one audit record. Success records what changed (or
 * would change); any failure, an ApiError or not, records the error as the
 * caller saw it and the Region once it was known.
 */
import { type AuditRecord, writeAuditRecord } from './audit';
import { ApiError } from './errors';
import type { InvocationContext } from './invocation';

/** What is being written, known before the attempt starts. */
export interface WriteSubject {
  operation: string;
  /** The resource, as a person names it (a bucket, `i-123 tcp/22`). */
  target: string;
  dryRun: boolean;
  /** The Region the caller gave, if any; the attempt reports the real one once found. */
  region?: string | undefined;
}

/** The record of a successful attempt, beyond what the subject already says. */
export type WriteRecord = Omit<AuditRecord, 'operation' | 'target' | 'dryRun' | 'error' | 'region'> & {
  region: string;
};

/** Handed to the write so it can tell the wrapper where it is writing, for the failure record. */
export interface WriteAttempt {
  foundRegion(region: string): void;
}

/** The error as the caller sees it: ours as is, anything else as the router's 500. */
function asApiError(error: unknown): ApiError {
  return error instanceof ApiError
    ? error
    : new ApiError(500, 'InternalError', 'The request failed unexpectedly.');
}

/**
 * Runs one write attempt and audits it exactly once.
 *
 * @param write - does the work; returns the answer and the audit record of the success
 * @returns the write's answer
 * @throws whatever the write threw, unchanged, after auditing it
 */
export async function auditedWrite<Result>(
  context: Pick<InvocationContext, 'caller' | 'requestId'>,
  subject: WriteSubject,
  write: (attempt: WriteAttempt) => Promise<{ result: Result; record: WriteRecord }>,
): Promise<Result> {
  const { operation, target, dryRun } = subject;
  let region: string | null = subject.region ?? null;
  let done: { result: Result; record: WriteRecord };
  try {
    done = await write({ foundRegion: (found) => (region = found) });
  } catch (error) {
    const apiError = asApiError(error);
    writeAuditRecord(context.caller, context.requestId, {
      operation,
      target,
      dryRun,
      region,
      outcome: apiError.status < 500 ? 'rejected' : 'failed',
      error: {
        code: apiError.code,
        message: apiError.message,
        ...(apiError.details ? { details: apiError.details } : {}),
      },
    });
    throw error;
  }
  writeAuditRecord(context.caller, context.requestId, { operation, target, dryRun, ...done.record });
  return done.result;
}
