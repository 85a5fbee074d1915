/** `listChanges`: the journal's records, newest first, each with its chat summary. */
import type { listChanges } from '../../openapi/operations';
import { awsErrorCode, upstreamError } from '../aws/aws-errors';
import { type ChangeRecord, summarizeChange } from '../domain/change-record';
import { ApiError } from '../shared/errors';
import type { OperationHandler } from '../shared/http-router';
import type { JournalDeps } from './change-deps';

const DEFAULT_LIMIT = 10;

/** A change as the API lists it. */
export function toListedChange(record: ChangeRecord) {
  const completion = record.completion;
  return {
    changeId: record.changeId,
    summary: summarizeChange(record),
    startedAt: record.startedAt,
    who: record.who,
    operation: record.operation,
    target: record.target,
    requestId: record.requestId,
    outcome: completion === undefined ? ('unknown' as const) : completion.outcome,
    undone: record.undone,
    undoneBy: record.undoneBy ?? null,
    undoOf: record.undoOf ?? null,
    revokedRules: completion?.revokedRules ?? [],
    addedRules: completion?.addedRules ?? [],
    undo: completion?.undoCommands ?? [],
  };
}

export function createListChangesHandler(deps: JournalDeps): OperationHandler<typeof listChanges> {
  return async ({ query }) => {
    const filter = {
      limit: query.limit ?? DEFAULT_LIMIT,
      ...(query.since !== undefined ? { since: query.since } : {}),
      ...(query.target !== undefined ? { target: query.target } : {}),
      ...(query.who !== undefined ? { who: query.who } : {}),
      ...(query.nextToken !== undefined ? { nextToken: query.nextToken } : {}),
    };
    let page: Awaited<ReturnType<typeof deps.journal.listChanges>>;
    try {
      page = await deps.journal.listChanges(filter);
    } catch (error) {
      if (error instanceof ApiError) throw error;
      throw upstreamError('dynamodb:Query', error, { awsErrorCode: awsErrorCode(error) });
    }
    const changes = page.changes.map(toListedChange);
    const unknown = changes.filter((change) => change.outcome === 'unknown').length;
    const filters = [
      query.since ? `since ${query.since}` : '',
      query.target ? `on ${JSON.stringify(query.target)}` : '',
      query.who ? `by ${JSON.stringify(query.who)}` : '',
    ].filter((text) => text !== '');
    const scope = filters.length > 0 ? ` ${filters.join(' ')}` : '';
    const summary =
      changes.length === 0
        ? `No changes were recorded${scope}${query.nextToken ? ' on this page' : ''}.`
        : [
            `${changes.length} change${changes.length === 1 ? '' : 's'}${scope}, newest first${page.nextToken ? ' (more on the next page)' : ''}.`,
            unknown > 0
              ? `${unknown} began without a recorded outcome (cut off): check ${unknown === 1 ? 'it' : 'them'} as its summary says.`
              : '',
            ...changes.map((change) => change.summary),
          ]
            .filter((text) => text !== '')
            .join(' ');
    return {
      summary,
      count: changes.length,
      since: query.since ?? null,
      target: query.target ?? null,
      who: query.who ?? null,
      changes,
      nextToken: page.nextToken,
    };
  };
}
