/**
 * A find's `nextToken`: which stored scan snapshot to read on from, and where. It is signed with a key
 * derived from the planId key (so a nextToken is never a valid planId and the other way round), expires
 * with its snapshot, and is bound to the operation, the query (account and parameters) and the caller:
 * another query's or another caller's token is refused, and the snapshot id inside it is random, so a
 * snapshot cannot be reached without a token this deployment issued for it.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { canonicalJson } from './plan-token';

export interface PageBinding {
  /** The operationId of the find. */
  operation: string;
  /** Digest of the account and the query parameters that shape the scan (not limit, nextToken, fresh). */
  queryKey: string;
  /** Who asked (the caller's principal). */
  caller: string;
}

interface PageClaims {
  v: 1;
  /** Binding digest. */
  b: string;
  /** Snapshot id. */
  s: string;
  /** Offset of the next page in the snapshot's lists. */
  o: number;
  /** Expiry, seconds since the epoch (the snapshot's). */
  exp: number;
}

export type PageRefusalReason = 'malformed' | 'forged' | 'expired' | 'other-query';

export type PageTokenCheck =
  | { ok: true; snapshotId: string; offset: number }
  | { ok: false; reason: PageRefusalReason; message: string };

const RUN_AGAIN = 'run the same find again without nextToken (it scans afresh) and page from its nextToken';

/** The digest naming one query (operation, account, parameters): equal queries share a snapshot. */
export function queryKeyOf(
  operation: string,
  accountId: string,
  parameters: Record<string, unknown>,
): string {
  return createHash('sha256')
    .update(canonicalJson({ operation, accountId, parameters }))
    .digest('base64url')
    .slice(0, 32);
}

function bindingDigest(binding: PageBinding): string {
  return createHash('sha256').update(canonicalJson(binding)).digest('base64url').slice(0, 22);
}

/** A key of its own for page tokens, derived from the plan key (domain separation). */
function pageKey(planKey: Uint8Array): Buffer {
  return createHmac('sha256', planKey).update('aiops scan page token v1').digest();
}

function mac(payload: string, planKey: Uint8Array): Buffer {
  return createHmac('sha256', pageKey(planKey)).update(payload).digest();
}

/** Signs the token of the page starting at `offset` of snapshot `snapshotId`, valid until `expiresAtMs`. */
export function signPageToken(
  binding: PageBinding,
  snapshotId: string,
  offset: number,
  expiresAtMs: number,
  planKey: Uint8Array,
): string {
  const claims: PageClaims = {
    v: 1,
    b: bindingDigest(binding),
    s: snapshotId,
    o: offset,
    exp: Math.floor(expiresAtMs / 1000),
  };
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${payload}.${mac(payload, planKey).toString('base64url')}`;
}

function parseClaims(payload: string): PageClaims | undefined {
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Partial<PageClaims>;
    const valid =
      claims.v === 1 &&
      typeof claims.b === 'string' &&
      typeof claims.s === 'string' &&
      /^[A-Za-z0-9_-]{16,64}$/.test(claims.s) &&
      Number.isInteger(claims.o) &&
      (claims.o ?? -1) > 0 &&
      Number.isInteger(claims.exp);
    return valid ? (claims as PageClaims) : undefined;
  } catch {
    return undefined;
  }
}

/** Checks a nextToken for this query and caller: signature, expiry, binding. The refusal says what to do. */
export function verifyPageToken(
  token: string,
  binding: PageBinding,
  planKey: Uint8Array,
  now: number,
): PageTokenCheck {
  const [payload, signature, extra] = token.split('.');
  if (payload === undefined || signature === undefined || extra !== undefined || payload === '')
    return {
      ok: false,
      reason: 'malformed',
      message: `nextToken is not one this API returned; ${RUN_AGAIN}.`,
    };
  const given = Buffer.from(signature, 'base64url');
  const wanted = mac(payload, planKey);
  if (given.length !== wanted.length || !timingSafeEqual(given, wanted))
    return {
      ok: false,
      reason: 'forged',
      message: `nextToken was not issued by this API (or by another deployment of it); ${RUN_AGAIN}.`,
    };
  const claims = parseClaims(payload);
  if (claims === undefined)
    return {
      ok: false,
      reason: 'malformed',
      message: `nextToken is not one this API returned; ${RUN_AGAIN}.`,
    };
  if (claims.exp * 1000 <= now)
    return {
      ok: false,
      reason: 'expired',
      message: `nextToken has expired: the scan it pages through is no longer kept; ${RUN_AGAIN}.`,
    };
  if (claims.b !== bindingDigest(binding))
    return {
      ok: false,
      reason: 'other-query',
      message: `nextToken belongs to another query (other parameters) or another caller; send it with the exact parameters of the request that returned it, or ${RUN_AGAIN}.`,
    };
  return { ok: true, snapshotId: claims.s, offset: claims.o };
}
