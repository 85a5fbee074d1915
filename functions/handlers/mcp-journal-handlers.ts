/**
 * The history and undo tools' handlers for the MCP function, on its one change journal. functions/mcp.ts
 * imports this module on the first call of one of these tools, so its code is read then, not at the
 * container's start.
 */

import { lambdaUndoDeps } from './lambda-undo-deps';
import { createListChangesHandler } from './list-changes';
import { mcpJournal } from './mcp-journal';
import { createApplyUndoHandler, createPreviewUndoHandler } from './undo-change';

const journal = mcpJournal();
const undoDeps = lambdaUndoDeps(journal);

export const journalToolHandlers = {
  list: createListChangesHandler(journal),
  preview: createPreviewUndoHandler(undoDeps),
  apply: createApplyUndoHandler(undoDeps),
};
