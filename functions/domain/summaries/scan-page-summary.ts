/** The sentences a paged find adds to its summary: which page this is, and when its scan was taken. */
import { plural } from './plural';

export interface ScanPageSummaryInput {
  /** Index of the page's first row in each list. */
  offset: number;
  limit: number;
  /** Rows in each list of the whole snapshot, by the list's name in the answer. */
  totals: Record<string, number>;
  hasNextPage: boolean;
  /** When the scan began (ISO 8601). */
  scannedAt: string;
  /** True when this answer came from a stored scan (a later page, or an identical find within the TTL). */
  cached: boolean;
  /** Milliseconds since the epoch, for "N minutes ago". */
  now: number;
  /** True when the scan could not be stored, so no later page can be served from it. */
  notStored: boolean;
}

function age(scannedAt: string, now: number): string {
  const seconds = Math.max(0, Math.round((now - Date.parse(scannedAt)) / 1000));
  if (seconds < 60) return plural(seconds, 'second');
  return plural(Math.floor(seconds / 60), 'minute');
}

/** One or two sentences: bounded whatever the account size (counts, never names). */
export function summariseScanPage(page: ScanPageSummaryInput): string {
  const sentences: string[] = [];
  const longest = Math.max(0, ...Object.values(page.totals));
  if (page.offset > 0 || page.hasNextPage || page.notStored) {
    const lists = Object.entries(page.totals)
      .filter(([, total]) => total > page.offset)
      .map(
        ([name, total]) =>
          `${name} ${Math.min(page.offset + 1, total)}-${Math.min(total, page.offset + page.limit)} of ${total}`,
      );
    const shown =
      lists.length > 0
        ? `This page lists ${lists.join(', ')}`
        : `This page is past the end of every list (longest: ${longest})`;
    const next = page.hasNextPage
      ? 'pass nextToken with the same parameters for the next page'
      : page.notStored
        ? `the scan could not be stored for paging: ask again with a larger limit (up to 1000) or narrower parameters`
        : 'it is the last page';
    sentences.push(`${shown}; ${next}.`);
  }
  if (page.cached)
    sentences.push(
      `These results come from a scan taken at ${page.scannedAt} (${age(page.scannedAt, page.now)} ago), kept until a change is made through this API; ask with fresh=true to scan again.`,
    );
  return sentences.join(' ');
}
