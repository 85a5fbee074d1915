/**
 * A close-port write with its journal records around it: the intent (target, rules before, plan) before
 * the AWS write, the completion (rules revoked/added, the undo plan in machine form) after.
 */
import type { ClosureOutcome } from '../aws/verified-port-closure';
import { type JsonValue, portClosureUndoPlan } from '../domain/change-record';
import type { ClosureQuery } from '../domain/port-closure-plan';
import { undoCommands } from '../domain/port-closure-undo';
import { toRuleChange } from '../domain/security-group-rules';
import type { InvocationContext } from '../shared/invocation';
import type { JournalDeps } from './change-deps';
import { runJournaledChange } from './journaled-change';
import type { PreparedClosure } from './port-closure-preparation';

export async function journaledPortClosure(
  journal: JournalDeps,
  context: InvocationContext,
  prepared: PreparedClosure,
  query: ClosureQuery,
  closeAndVerify: () => Promise<ClosureOutcome>,
): Promise<{ outcome: ClosureOutcome; changeId: string }> {
  const { located, plan } = prepared;
  const { region, instance } = located;
  const journaled = await runJournaledChange(
    journal,
    context,
    {
      operation: 'closeUnwantedPortForEc2Instance',
      target: {
        account: await journal.resolveAccountId(context),
        region,
        kind: 'ec2-instance',
        id: instance.instanceId,
        securityGroupIds: plan.changedGroupIds,
      },
      before: plan.revoke.map(toRuleChange) as unknown as JsonValue,
      planned: {
        ...('port' in query
          ? { port: query.port, protocol: query.protocol }
          : { allPorts: true, protocols: query.closing.protocols, keep: query.closing.keep }),
        revoke: plan.revoke.map(toRuleChange),
        authorize: plan.authorize.map(toRuleChange),
      } as unknown as JsonValue,
    },
    async () => {
      const outcome = await closeAndVerify();
      return {
        result: outcome,
        completion: {
          after: outcome.added.map(toRuleChange) as unknown as JsonValue,
          revokedRules: outcome.revoked.map(toRuleChange),
          addedRules: outcome.added.map(toRuleChange),
          undoPlan: portClosureUndoPlan(region, outcome.revoked, outcome.added),
          undoCommands: undoCommands(region, outcome.revoked, outcome.added),
        },
      };
    },
  );
  if (journaled.journalWarning) journaled.result.warnings.push(journaled.journalWarning);
  return { outcome: journaled.result, changeId: journaled.changeId };
}
