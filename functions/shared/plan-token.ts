/**
 * A `planId`: what a preview hands the assistant so that the apply writes exactly what the person saw.
 * It is signed by the server (HMAC-SHA256 with a key the stack creates; locally a per-process key),
 * short-lived, and binds the operation, the target, the parameters and a digest of the exact
 * before-state the plan was computed from (rule ids and contents; the bucket's flags). Clients treat
 * it as opaque; the apply recomputes the binding from a fresh read and refuses on any difference.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** How long a preview stays applicable: long enough to read and confirm, short enough to stay true. */
export const PLAN_TTL_MS = 10 * 60_000;

export interface PlanBinding {
  /** The operationId of the change the plan is for. */
  operation: string;
  /** The bucket name or instance id. */
  target: string;
  /** The parameters that shape the plan (port, protocol, Region...). */
  parameters: Record<string, unknown>;
  /** The facts the plan was computed from, in any JSON shape; compared by digest. */
  beforeState: unknown;
}

interface PlanClaims {
  v: 1;
  op: string;
  target: string;
  params: string;
  state: string;
  exp: number;
}

export type PlanRefusalReason = 'malformed' | 'forged' | 'expired' | 'other-change' | 'state-changed';

export type PlanCheck = { ok: true } | { ok: false; reason: PlanRefusalReason; message: string };

/** JSON with object keys sorted at every depth, so equal facts give equal digests. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

function digest(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('base64url').slice(0, 22);
}

function mac(payload: string, key: Uint8Array): Buffer {
  return createHmac('sha256', key).update(payload).digest();
}

/** A key for one process (the local server); deployed functions read the stack's key instead. */
export function newPlanKey(): Buffer {
  return randomBytes(32);
}

/** Signs a plan binding valid until `now + ttlMs`. */
export function signPlan(binding: PlanBinding, key: Uint8Array, now: number, ttlMs = PLAN_TTL_MS): string {
  const claims: PlanClaims = {
    v: 1,
    op: binding.operation,
    target: binding.target,
    params: digest(binding.parameters),
    state: digest(binding.beforeState),
    exp: Math.floor((now + ttlMs) / 1000),
  };
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${payload}.${mac(payload, key).toString('base64url')}`;
}

function refuse(reason: PlanRefusalReason, message: string): PlanCheck {
  return { ok: false, reason, message };
}

function parseClaims(payload: string): PlanClaims | undefined {
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Partial<PlanClaims>;
    const strings = [claims.op, claims.target, claims.params, claims.state].every(
      (s) => typeof s === 'string',
    );
    return claims.v === 1 && strings && Number.isInteger(claims.exp) ? (claims as PlanClaims) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Checks a `planId` against the binding recomputed from a fresh read: the signature, the expiry, the
 * same operation, target and parameters, then the same before-state. The refusal says what to do.
 */
export function verifyPlan(planId: string, expected: PlanBinding, key: Uint8Array, now: number): PlanCheck {
  const [payload, signature, extra] = planId.split('.');
  const previewAgain = 'preview the change again and apply the new planId';
  if (payload === undefined || signature === undefined || extra !== undefined || payload === '')
    return refuse('malformed', `The planId is not one this API issued; ${previewAgain}.`);
  const given = Buffer.from(signature, 'base64url');
  const wanted = mac(payload, key);
  if (given.length !== wanted.length || !timingSafeEqual(given, wanted))
    return refuse(
      'forged',
      `The planId was not issued by this API (or by another deployment of it); ${previewAgain}.`,
    );
  const claims = parseClaims(payload);
  if (claims === undefined)
    return refuse('malformed', `The planId is not one this API issued; ${previewAgain}.`);
  if (claims.exp * 1000 <= now) return refuse('expired', `The preview has expired; ${previewAgain}.`);
  if (
    claims.op !== expected.operation ||
    claims.target !== expected.target ||
    claims.params !== digest(expected.parameters)
  )
    return refuse(
      'other-change',
      `The planId was issued for another change (another target or other parameters); ${previewAgain} with these parameters.`,
    );
  if (claims.state !== digest(expected.beforeState))
    return refuse(
      'state-changed',
      `The target changed since the preview, so the previewed plan no longer applies; ${previewAgain}.`,
    );
  return { ok: true };
}
