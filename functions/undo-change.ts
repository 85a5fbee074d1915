/** Lambda entry: POST /changes/{changeId}/undo (applyUndoOfChange). */
import { applyUndoOfChange } from '../openapi/operations';
import { lambdaJournalDeps } from './handlers/lambda-journal-deps';
import { lambdaUndoDeps } from './handlers/lambda-undo-deps';
import { createApplyUndoHandler } from './handlers/undo-change';
import { bindOperation } from './shared/http-router';
import { createLambdaHandler } from './shared/lambda-handler';

export const handler = createLambdaHandler([
  bindOperation(applyUndoOfChange, createApplyUndoHandler(lambdaUndoDeps(lambdaJournalDeps()))),
]);
