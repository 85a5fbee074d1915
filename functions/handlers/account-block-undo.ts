/**
 * The account-wide Block Public Access in the undo operations (kept apart from undo-change.ts): read the
 * account's flags now, and put the recorded ones back (or delete the configuration) through the write role.
 */
import { upstreamError } from '../aws/aws-errors';
import { deleteAccountFlags, readAccountFlags, writeAccountFlags } from '../aws/s3-buckets';
import { accountFlagsCommand } from '../domain/account-block-plan';
import type { PublicAccessBlockFlags } from '../domain/bucket-exposure';
import { accountUndoPlan, type JsonValue, type UndoStep } from '../domain/change-record';
import type { InvocationContext } from '../shared/invocation';
import type { UndoDeps } from './change-deps';

/** The account's own flags now (the change recorded its account id and the Region it called S3 Control in). */
export async function readAccountState(
  deps: UndoDeps,
  accountId: string,
  region: string,
): Promise<{ kind: 's3-account'; flags: PublicAccessBlockFlags | null }> {
  const flags = await readAccountFlags({ s3: deps.s3, s3control: deps.s3control }, accountId, region);
  if (!flags.ok) throw upstreamError(`s3:${flags.call}`, { name: flags.errorCode });
  return { kind: 's3-account', flags: flags.value };
}

/** Applies the restore step; returns the completion that lets this undo be undone in turn. */
export async function undoAccountBlock(
  deps: UndoDeps,
  context: InvocationContext,
  region: string,
  steps: readonly UndoStep[],
  current: PublicAccessBlockFlags | null,
) {
  const [step] = steps;
  if (step?.action !== 'restoreAccountPublicAccessBlock')
    throw new Error('account undo plan without a restore step');
  const s3control = await deps.writeS3Control(context.caller, region);
  try {
    if (step.flags === null) await deleteAccountFlags(s3control, step.accountId);
    else await writeAccountFlags(s3control, step.accountId, step.flags);
  } catch (error) {
    throw upstreamError(
      step.flags === null ? 's3:DeleteAccountPublicAccessBlock' : 's3:PutAccountPublicAccessBlock',
      error,
      { applied: [], notApplied: [accountFlagsCommand(step.accountId, step.flags)] },
    );
  }
  return {
    result: { revokedRules: [], addedRules: [], warnings: [] as string[] },
    completion: {
      after: step.flags as unknown as JsonValue,
      revokedRules: [],
      addedRules: [],
      undoPlan: accountUndoPlan(step.accountId, current),
      undoCommands: [accountFlagsCommand(step.accountId, current)],
    },
  };
}
