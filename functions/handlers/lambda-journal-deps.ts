/**
 * The change journal inside Lambda: one DynamoDB client of the function's
 * Region, built once per container, on the table the stack names in
 * CHANGE_JOURNAL_TABLE.
 */
import { createChangeJournal, createJournalClient } from '../aws/change-journal';
import { defaultClientSettings } from '../aws/client-config';
import { scopeOfTarget } from '../aws/scan-snapshot-store';
import { requireEnv } from '../shared/env';
import { accountIdFromArn } from '../shared/invocation';
import type { JournalDeps } from './change-deps';
import { lambdaSnapshotStore } from './lambda-snapshot-deps';

export function lambdaJournalDeps(): JournalDeps {
  const region = requireEnv('AWS_REGION');
  const client = createJournalClient(defaultClientSettings({ concurrency: 1, maxAttempts: 5 }), region);
  return {
    journal: createChangeJournal(client, requireEnv('CHANGE_JOURNAL_TABLE')),
    now: () => new Date(),
    invalidateScans: (target, at) => lambdaSnapshotStore().markStale(scopeOfTarget(target), at),
    resolveAccountId: async (context) => {
      const accountId = accountIdFromArn(context.invokedFunctionArn);
      if (!accountId) throw new Error('The Lambda context carries no account id in invokedFunctionArn.');
      return accountId;
    },
  };
}
