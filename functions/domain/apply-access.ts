/**
 * Whether the person who asked for a preview may apply it, from the scopes
 * of their verified token, and what to tell a read-only person: why the
 * change would be refused and who can make it. The check itself stays where
 * it is (API Gateway and each function refuse a write without `remediate`);
 * this only says so before anyone tries.
 */
import type { Caller } from '../shared/invocation';

export interface ApplyAccess {
  /** False only when the verified token is known to lack the remediate scope. */
  canApply: boolean;
  /** For a read-only person: why the change would be refused and who can make it; null otherwise. */
  applyNote: string | null;
}

/**
 * @param groupName - the group whose members get the remediate scope (the stack's remediatorGroup)
 */
export function applyAccessOf(caller: Caller, groupName: string): ApplyAccess {
  if (caller.readOnly !== true) return { canApply: true, applyNote: null };
  return {
    canApply: false,
    applyNote:
      `You have read-only access, so applying this change would be refused; members of the "${groupName}" ` +
      'group can apply it: share this preview with one of them, or ask an administrator to make you a remediator.',
  };
}

/** The summary with the note appended, so an assistant that only quotes the summary still says it. */
export function withApplyNote(summary: string, access: ApplyAccess): string {
  return access.applyNote === null ? summary : `${summary} ${access.applyNote}`;
}
