/**
 * The STS source identity a write runs under, so that CloudTrail's
 * `sourceIdentity` names the person who asked. STS accepts 2-64 characters
 * of `[\w+=,.@-]`; anything else is made to fit deterministically, with a
 * short hash of the original so that two different people never share one.
 */
import { createHash } from 'node:crypto';
import type { Caller } from '../shared/invocation';

/** What STS accepts as SourceIdentity (and as RoleSessionName). */
export const SOURCE_IDENTITY_PATTERN = /^[\w+=,.@-]{2,64}$/;
const MAX_LENGTH = 64;
/** `-` and eight hex digits of SHA-256. */
const SUFFIX_LENGTH = 9;

/**
 * `raw` itself when STS accepts it; otherwise every other character replaced by `_`, cut to fit, and
 * followed by `-` and the first eight hex digits of the SHA-256 of `raw` (so `a b` and `a_b` stay apart).
 */
export function sanitiseSourceIdentity(raw: string): string {
  if (SOURCE_IDENTITY_PATTERN.test(raw)) return raw;
  const hash = createHash('sha256')
    .update(raw, 'utf8')
    .digest('hex')
    .slice(0, SUFFIX_LENGTH - 1);
  // Array.from: one replacement per code point, not per UTF-16 unit.
  const kept = Array.from(raw, (char) => (/^[\w+=,.@-]$/.test(char) ? char : '_'))
    .join('')
    .slice(0, MAX_LENGTH - SUFFIX_LENGTH);
  return `${kept}-${hash}`;
}

/** The last part of an IAM ARN: the session name of an assumed role, the name of a user. */
function iamName(arn: string): string {
  const parts = arn.split('/');
  return parts[parts.length - 1] || arn;
}

/**
 * Who asked, as a source identity: the email on the access token (the token trigger adds it), else the Cognito
 * user name, the subject, the app client (client credentials), the signing IAM principal, or the principal.
 */
export function sourceIdentityOf(caller: Caller): string {
  const raw =
    caller.email ??
    caller.username ??
    caller.sub ??
    caller.clientId ??
    (caller.iamArn ? iamName(caller.iamArn) : undefined) ??
    caller.principal;
  return sanitiseSourceIdentity(raw);
}
