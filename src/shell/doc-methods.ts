/**
 * The methods `dbx doc` knows (CONTRACT.md "doc: the mongo-shell syntax accepted"), and the nearest-name lookup
 * behind "did you mean …?" hints. Chained cursor methods (`.sort()`, `.limit()`, …) are not listed here: the
 * parser keeps the chain generic and the engine decides which ones it supports.
 */

/** Methods called on `db` itself. */
export const DB_METHODS: readonly string[] = Object.freeze([
  'version',
  'dropDatabase',
  'createCollection',
  'getCollectionNames',
  'stats',
  'getCollection',
  'getName',
]);

/** Methods called on a collection: `db.COLL.method(…)`; legacy and pymongo names included. */
export const COLLECTION_METHODS: readonly string[] = Object.freeze([
  'insert',
  'insertOne',
  'insertMany',
  'insert_one',
  'insert_many',
  'find',
  'findOne',
  'find_one',
  'update',
  'updateOne',
  'updateMany',
  'replaceOne',
  'remove',
  'deleteOne',
  'deleteMany',
  'countDocuments',
  'count',
  'distinct',
  'aggregate',
  'createIndex',
  'getIndexes',
  'dropIndex',
  'drop',
  'estimatedDocumentCount',
  'findOneAndUpdate',
  'findOneAndReplace',
  'findOneAndDelete',
  'bulkWrite',
]);

const dbSet = new Set(DB_METHODS);
const collectionSet = new Set(COLLECTION_METHODS);

export const isDbMethod = (name: string): boolean => dbSet.has(name);
export const isCollectionMethod = (name: string): boolean => collectionSet.has(name);

/**
 * The known name closest to `name` by edit distance, or undefined when none is close enough to be a typo
 * (a case-only difference always counts).
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

/** Damerau (optimal string alignment) distance: a swapped pair of letters is one typo, not two. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  // a typo check, not a diff: very long names are never close
  if (Math.abs(a.length - b.length) > 8 || a.length > 64 || b.length > 64) return Infinity;
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row = new Array<number>(b.length + 1);
    row[0] = i;
    rows.push(row);
  }
  for (let j = 0; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = d;
    }
  }
  return rows[a.length]![b.length]!;
}
