/**
 * The answer of a write's preview, the same for every write: its predicted answer with no change id, the
 * planId that binds the facts it was predicted from, and whether the caller may apply it, said in the summary
 * too so an assistant that only quotes the summary still tells a read-only person.
 */
import { applyAccessOf, withApplyNote } from '../domain/apply-access';
import type { InvocationContext } from '../shared/invocation';
import { issuePlan, type PlanSigning } from '../shared/plan-signing';
import type { PlanBinding } from '../shared/plan-token';

export async function previewAnswer<A extends { summary: string }>(
  deps: { plans: PlanSigning; remediatorGroup: string },
  context: InvocationContext,
  answer: A,
  binding: PlanBinding,
) {
  const access = applyAccessOf(context.caller, deps.remediatorGroup);
  return {
    ...answer,
    summary: withApplyNote(answer.summary, access),
    changeId: null,
    ...(await issuePlan(deps.plans, binding)),
    ...access,
  };
}
