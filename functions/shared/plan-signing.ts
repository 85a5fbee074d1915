/**
 * Where the handlers get the key that signs and checks `planId`s, and the time: in Lambda the stack's
 * generated secret (read once per container), locally a key made for the process. A preview signs with
 * it, the write checks with it, so a planId is accepted only by the deployment (or process) that issued it.
 */
import { ApiError } from './errors';
import { PLAN_TTL_MS, type PlanBinding, signPlan, verifyPlan } from './plan-token';

export interface PlanSigning {
  /** The signing key; rejects when it cannot be read. */
  key(): Promise<Uint8Array>;
  /** Milliseconds since the epoch. */
  now(): number;
}

/** Signing with a key held in memory (the local server, tests). */
export function inMemoryPlanSigning(key: Uint8Array, now: () => number = Date.now): PlanSigning {
  return { key: async () => key, now };
}

/**
 * A key loaded on first use and kept for the life of the container; a failed load is not kept, so the
 * next request tries again.
 */
export function cachedPlanSigning(
  load: () => Promise<Uint8Array>,
  now: () => number = Date.now,
): PlanSigning {
  let loading: Promise<Uint8Array> | undefined;
  return {
    key: () => {
      loading ??= load();
      loading.catch(() => {
        loading = undefined;
      });
      return loading;
    },
    now,
  };
}

/** The preview fields of an answer: the signed planId for this binding and when it stops being accepted. */
export async function issuePlan(
  signing: PlanSigning,
  binding: PlanBinding,
): Promise<{ planId: string; expiresAt: string }> {
  const now = signing.now();
  return {
    planId: signPlan(binding, await signing.key(), now),
    expiresAt: new Date(now + PLAN_TTL_MS).toISOString(),
  };
}

/** Refuses, before any write, a planId that does not match the binding recomputed from a fresh read. */
export async function requirePlan(signing: PlanSigning, planId: string, binding: PlanBinding): Promise<void> {
  const check = verifyPlan(planId, binding, await signing.key(), signing.now());
  if (!check.ok) {
    throw new ApiError(409, 'PlanRejected', `${check.message} Nothing was changed.`, {
      reason: check.reason,
    });
  }
}
