/**
 * The MCP function's one change journal (CHANGE_JOURNAL_TABLE), shared by its change, history and undo tools
 * as the REST functions share the table, and built the first time one of them needs it.
 */
import { onFirstUse } from '../../openapi/schemas';
import { lambdaJournalDeps } from './lambda-journal-deps';

export const mcpJournal = onFirstUse(lambdaJournalDeps);
