/**
 * Change ids: the journal's keys, sorting by the time a change began. Apart from the journal's DynamoDB
 * adapter (functions/aws/change-journal.ts) so a handler can name a change without that adapter's client
 * code: the MCP function's scan tools share the block handler's module but never read the journal.
 */

/** Change ids sort by the time they began: `c-20261130T033600123Z-1a2b3c4d`. */
export function newChangeId(now: Date, random: () => number = Math.random): string {
  const stamp = compactTime(now);
  const suffix = Math.floor(random() * 0x1_0000_0000)
    .toString(16)
    .padStart(8, '0');
  return `c-${stamp}-${suffix}`;
}

export const CHANGE_ID_PATTERN = /^c-\d{8}T\d{9}Z-[0-9a-f]{8}$/;

/** A time as a change id writes it (`20261130T033600123Z`): ids of changes begun after it sort after it. */
export function compactTime(time: Date): string {
  return time.toISOString().replace(/[-:.]/g, '');
}
