/**
 * "Did you mean …": one edit distance and one closest-name rule for every hint in dbx (config keys, SQL
 * keywords and columns, mongo-shell methods, Redis commands).
 */

/**
 * Damerau (optimal string alignment) distance: a swapped pair of letters (`ont`/`not`) is one slip.
 * `substitution` 2 counts a changed letter as two slips, for short words where one changed letter makes another
 * word (`sex`/`set`). Very different lengths or very long words are never close (Infinity): this is a typo check,
 * not a diff.
 */
export function editDistance(a: string, b: string, substitution = 1): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > 8 || a.length > 64 || b.length > 64) return Infinity;
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row = new Array<number>(b.length + 1).fill(0);
    row[0] = i;
    rows.push(row);
  }
  for (let j = 0; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : substitution;
      let d = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = d;
    }
  }
  return rows[a.length]![b.length]!;
}

/**
 * The candidate closest to `name` (case-insensitive), or undefined when none is close enough to be a typo:
 * within max(2, length/3) edits. A case-only difference always counts.
 */
export function closestName(name: string, candidates: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    if (candidate.toLowerCase() === lower) return candidate;
    const d = editDistance(lower, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  const limit = Math.max(2, Math.floor(name.length / 3));
  return bestDistance <= limit ? best : undefined;
}
