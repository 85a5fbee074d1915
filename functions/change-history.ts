/** Lambda entry: GET /changes and GET /changes/{changeId}/undo (listChanges, previewUndoOfChange): reads only. */
import { listChanges, previewUndoOfChange } from '../openapi/operations';
import { lambdaJournalDeps } from './handlers/lambda-journal-deps';
import { lambdaUndoDeps } from './handlers/lambda-undo-deps';
import { createListChangesHandler } from './handlers/list-changes';
import { createPreviewUndoHandler } from './handlers/undo-change';
import { bindOperation } from './shared/http-router';
import { createLambdaHandler } from './shared/lambda-handler';

const journal = lambdaJournalDeps();

export const handler = createLambdaHandler([
  bindOperation(listChanges, createListChangesHandler(journal)),
  bindOperation(previewUndoOfChange, createPreviewUndoHandler(lambdaUndoDeps(journal))),
]);
