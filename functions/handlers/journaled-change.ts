/**
 * Runs one AWS write between its two journal records: the intent before (no
 * record, no write) and the completion after, success or failure. A write cut
 * off between the two stays on record as an intent: "unknown outcome".
 */
import { awsErrorCode } from '../aws/aws-errors';
import type { ChangeJournal } from '../aws/change-journal';
import { newChangeId } from '../domain/change-id';
import type { ChangeCompletion, ChangeIntent, ChangeTarget, JsonValue } from '../domain/change-record';
import { ApiError, UpstreamError } from '../shared/errors';
import type { InvocationContext } from '../shared/invocation';
import { logger } from '../shared/logger';
import type { JournalDeps } from './change-deps';

export interface JournaledChangeSpec {
  operation: string;
  target: ChangeTarget;
  before: JsonValue;
  planned: JsonValue;
  undoOf?: string;
}

export interface JournaledOutcome<T> {
  changeId: string;
  result: T;
  /** Set when the completion could not be written: the change happened, its record says "unknown outcome". */
  journalWarning?: string;
}

/** Who asked, as the journal records it. */
export function whoFrom(context: InvocationContext): ChangeIntent['who'] {
  const { caller } = context;
  return {
    principal: caller.principal,
    ...(caller.username ? { username: caller.username } : {}),
    ...(caller.sub ? { sub: caller.sub } : {}),
    ...(caller.clientId ? { clientId: caller.clientId } : {}),
  };
}

/**
 * Records the intent, runs `write`, records its completion. `write` returns the result and the completion
 * fields; when it throws, the completion says `failed` (with what an UpstreamError reports as applied).
 * Stored scans of the target's service are marked stale before the write (or nothing is written: a find
 * must never serve a scan that hides this change) and again after it, for scans begun meanwhile.
 */
export async function runJournaledChange<T>(
  deps: Pick<JournalDeps, 'journal' | 'now' | 'invalidateScans'>,
  context: InvocationContext,
  spec: JournaledChangeSpec,
  write: () => Promise<{ result: T; completion: Omit<ChangeCompletion, 'completedAt' | 'outcome'> }>,
): Promise<JournaledOutcome<T>> {
  const { journal, now, invalidateScans } = deps;
  // Before the intent: a refusal here leaves neither a write nor a record of one.
  try {
    await invalidateScans(spec.target, now());
  } catch (error) {
    throw new UpstreamError(
      'dynamodb:PutItem',
      awsErrorCode(error),
      `The stored scans could not be marked out of date (${awsErrorCode(error)}), so nothing was changed (a find could otherwise show the state before this change). Try again; if it persists, check the scan snapshot table.`,
      { awsCall: 'dynamodb:PutItem', awsErrorCode: awsErrorCode(error) },
    );
  }
  const started = now();
  const changeId = newChangeId(started);
  const intent: ChangeIntent = {
    changeId,
    startedAt: started.toISOString(),
    requestId: context.requestId,
    who: whoFrom(context),
    ...spec,
  };
  try {
    await journal.recordIntent(intent);
  } catch (error) {
    // No record, no write: a change that could not be journaled is not made.
    throw new UpstreamError(
      'dynamodb:PutItem',
      awsErrorCode(error),
      `The change journal (${journal.tableName}) could not record the change (${awsErrorCode(error)}), so nothing was changed. Try again; if it persists, check the table.`,
      { awsCall: 'dynamodb:PutItem', awsErrorCode: awsErrorCode(error) },
    );
  }
  let outcome: { result: T; completion: Omit<ChangeCompletion, 'completedAt' | 'outcome'> };
  try {
    outcome = await write();
  } catch (error) {
    await invalidateAfter(invalidateScans, spec.target, now);
    const details = error instanceof ApiError ? error.details : undefined;
    const applied = (details?.applied ?? {}) as { revokedRules?: unknown[]; addedRules?: unknown[] };
    await complete(journal, changeId, {
      completedAt: now().toISOString(),
      outcome: 'failed',
      after: null,
      revokedRules: (applied.revokedRules ?? []) as ChangeCompletion['revokedRules'],
      addedRules: (applied.addedRules ?? []) as ChangeCompletion['addedRules'],
      undoPlan: [],
      undoCommands: (details?.undo ?? []) as string[],
      error: {
        code: error instanceof ApiError ? error.code : 'InternalError',
        message: error instanceof ApiError ? error.message : 'The write failed unexpectedly.',
      },
    });
    throw error;
  }
  await invalidateAfter(invalidateScans, spec.target, now);
  const written = await complete(journal, changeId, {
    completedAt: now().toISOString(),
    outcome: 'changed',
    ...outcome.completion,
  });
  return {
    changeId,
    result: outcome.result,
    ...(written
      ? {}
      : {
          journalWarning: `The change was made, but the journal could not record its outcome: change ${changeId} shows "unknown outcome" in the history.`,
        }),
  };
}

/** The second mark, for scans begun while the write ran: the first one already covers every earlier scan. */
async function invalidateAfter(
  invalidateScans: JournalDeps['invalidateScans'],
  target: ChangeTarget,
  now: () => Date,
): Promise<void> {
  try {
    await invalidateScans(target, now());
  } catch (error) {
    logger.error('marking stored scans out of date after a change failed', {
      errorCode: awsErrorCode(error),
    });
  }
}

async function complete(journal: ChangeJournal, changeId: string, completion: ChangeCompletion) {
  try {
    await journal.completeChange(changeId, completion);
    return true;
  } catch (error) {
    logger.error('change journal completion failed', { changeId, errorCode: awsErrorCode(error) });
    return false;
  }
}
