/**
 * A block-public-access write with its journal records around it: the intent (bucket, flags before, flags
 * planned) before the AWS write, the completion (flags after, the undo plan in machine form) after.
 */
import { bucketUndoPlan, type JsonValue } from '../domain/change-record';
import type { InvocationContext } from '../shared/invocation';
import type { PreparedBlock } from './block-public-access-preparation';
import type { JournalDeps } from './change-deps';
import { runJournaledChange } from './journaled-change';

/** Runs `write` between the journal records; returns the change id. A journal warning joins the answer's. */
export async function journaledBucketBlock(
  journal: JournalDeps,
  context: InvocationContext,
  prepared: PreparedBlock,
  bucketName: string,
  write: () => Promise<void>,
): Promise<string> {
  const { region, before, plan } = prepared;
  const outcome = await runJournaledChange(
    journal,
    context,
    {
      operation: 'removePublicAccessFromS3Bucket',
      target: { account: await journal.resolveAccountId(context), region, kind: 's3-bucket', id: bucketName },
      before: before as unknown as JsonValue,
      planned: plan.after as unknown as JsonValue,
    },
    async () => {
      await write();
      return {
        result: undefined,
        completion: {
          after: plan.after as unknown as JsonValue,
          revokedRules: [],
          addedRules: [],
          undoPlan: bucketUndoPlan(bucketName, region, before),
          undoCommands: plan.undo,
        },
      };
    },
  );
  if (outcome.journalWarning) prepared.warnings.push(outcome.journalWarning);
  return outcome.changeId;
}
