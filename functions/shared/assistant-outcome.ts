/**
 * The assistant rendering's answer for an error: Q Business shows users only 2xx bodies, so an error a user
 * can act on becomes a 200 with an `outcome`, a `summary` and the REST rendering's `error`. Which errors:
 * decided here, in one place.
 */
import type { Outcome } from '../../openapi/renderings';
import { summariseOutcome } from '../domain/summaries/outcome-summary';
import type { ApiError } from './errors';

/**
 * The outcome an error stands for in the assistant rendering; undefined for the errors that keep their
 * status there too (sign-in and permission refusals, throttling, unexpected failures, unknown routes).
 */
export function outcomeOf(error: ApiError): Exclude<Outcome, 'done'> | undefined {
  switch (error.code) {
    case 'NotFound':
      return 'notFound';
    case 'ValidationError':
      // A full security group is a refusal to write, not a mistake in the request.
      return error.details?.quotaProblems !== undefined ? 'refused' : 'invalidRequest';
    case 'PlanRejected':
    case 'Conflict':
      return 'refused';
    case 'UpstreamError':
      return error.details?.applied !== undefined && hasApplied(error.details.applied) ? 'partial' : 'failed';
    default:
      return undefined;
  }
}

/** True when a failed write had written something (`applied` lists at least one rule or call). */
function hasApplied(applied: unknown): boolean {
  if (Array.isArray(applied)) return applied.length > 0;
  if (typeof applied === 'object' && applied !== null) return Object.values(applied).some(hasApplied);
  return false;
}

/** The 200 body of an outcome, or undefined when the error keeps its REST status. */
export function assistantOutcomeBody(error: ApiError):
  | {
      outcome: Exclude<Outcome, 'done'>;
      summary: string;
      error: { code: string; message: string; details?: Record<string, unknown> };
    }
  | undefined {
  const outcome = outcomeOf(error);
  if (outcome === undefined) return undefined;
  return {
    outcome,
    summary: summariseOutcome({ outcome, message: error.message, details: error.details }),
    error: {
      code: error.code,
      message: error.message,
      ...(error.details !== undefined ? { details: error.details } : {}),
    },
  };
}
