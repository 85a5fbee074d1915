/**
 * "Did you mean …?" for a name that does not exist: the few existing names a person most likely meant.
 * Pure and cheap enough for the not-found path only (the caller lists the candidates once, there).
 */

/** Suggestions at most, best first. */
export const SUGGESTIONS_MAX = 3;

/** Edit distance (insertions, deletions, substitutions), case-insensitive. */
export function editDistance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const current = [i];
    for (let j = 1; j <= y.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (x[i - 1] === y[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[y.length] ?? 0;
}

function words(name: string): string[] {
  return name
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word.length > 0);
}

/** True when every word of the shorter name is a word of the longer one (`acme-logs` in `acme-access-logs`). */
function sharesAllWords(asked: string, candidate: string): boolean {
  const [fewer, more] = [words(asked), words(candidate)].sort((p, q) => p.length - q.length);
  if (fewer === undefined || more === undefined || fewer.length === 0) return false;
  const pool = new Set(more);
  return fewer.every((word) => pool.has(word));
}

/**
 * The existing names closest to `asked`: those that hold all its words (or whose words it holds), or that are
 * a few typing mistakes away (at most a third of the name's length, at least 2), best first, at most `max`.
 *
 * @param asked - the name that was not found
 * @param candidates - names that exist (duplicates and `asked` itself are ignored)
 */
export function closestNames(
  asked: string,
  candidates: Iterable<string>,
  max: number = SUGGESTIONS_MAX,
): string[] {
  const tolerance = Math.max(2, Math.floor(asked.length / 3));
  const scored: Array<{ name: string; rank: number; distance: number }> = [];
  for (const name of new Set(candidates)) {
    if (name === asked) continue;
    const distance = editDistance(asked, name);
    const sameWords = sharesAllWords(asked, name);
    if (distance <= tolerance || sameWords)
      scored.push({ name, rank: distance <= tolerance ? 0 : 1, distance });
  }
  scored.sort((a, b) => a.rank - b.rank || a.distance - b.distance || (a.name < b.name ? -1 : 1));
  return scored.slice(0, max).map((entry) => entry.name);
}
