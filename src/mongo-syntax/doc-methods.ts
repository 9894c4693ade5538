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

export { closestName, editDistance } from '../text/closest-name.js';
