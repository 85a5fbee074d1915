/** The `summary` of an answer that is not the operation's own (the assistant rendering's outcomes). */
import type { Outcome } from '../../../openapi/renderings';

/** An outcome other than `done`, and the error it stands for (the REST rendering's error body). */
export interface OutcomeSummaryInput {
  outcome: Exclude<Outcome, 'done'>;
  message: string;
  details?: Record<string, unknown> | undefined;
}

function count(value: unknown): number {
  if (Array.isArray(value)) return value.length;
  if (typeof value === 'object' && value !== null) {
    return Object.values(value).reduce<number>((sum, inner) => sum + count(inner), 0);
  }
  return 0;
}

/** The message, then "Nothing was changed." unless it already says so. */
function unchanged(message: string): string {
  return /nothing was changed/i.test(message) ? message : `${message} Nothing was changed.`;
}

/**
 * One paragraph for the user: what happened, in the words of the error message (which already says what to
 * fix and quotes any name), and what the assistant can do next.
 */
export function summariseOutcome(call: OutcomeSummaryInput): string {
  const { message } = call;
  switch (call.outcome) {
    case 'notFound':
      return `Not found: ${unchanged(message)}`;
    case 'invalidRequest':
      return `The request needs fixing: ${unchanged(message)} Correct it and ask again.`;
    case 'refused':
      return `Refused: ${unchanged(message)}`;
    case 'partial': {
      const undo = count(call.details?.undo);
      return `The change stopped half-way: ${message}${undo > 0 ? ` The ${undo} undo command${undo === 1 ? '' : 's'} in error.details.undo ${undo === 1 ? 'reverses' : 'reverse'} exactly the part that was applied.` : ''}`;
    }
    case 'failed':
      return `AWS refused or failed: ${unchanged(message)}`;
  }
}
