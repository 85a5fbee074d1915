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
 */
export async function runJournaledChange<T>(
  journal: ChangeJournal,
  now: () => Date,
  context: InvocationContext,
  spec: JournaledChangeSpec,
  write: () => Promise<{ result: T; completion: Omit<ChangeCompletion, 'completedAt' | 'outcome'> }>,
): Promise<JournaledOutcome<T>> {
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

async function complete(journal: ChangeJournal, changeId: string, completion: ChangeCompletion) {
  try {
    await journal.completeChange(changeId, completion);
    return true;
  } catch (error) {
    logger.error('change journal completion failed', { changeId, errorCode: awsErrorCode(error) });
    return false;
  }
}
