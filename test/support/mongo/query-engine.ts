// Filtering, sorting and projecting stored documents with mingo. Filters and sorts run on each document's
// numeric view; what is returned is the stored bytes (or a projection of the typed document).
import { Query, find } from 'mingo';
import { serialize } from 'bson';
import type { Document } from 'bson';
import { isPlainDoc, orderLike, toView } from './bson-values.js';
import { typedOf, viewOf } from './doc-bytes.js';
import type { Collection } from './memory-store.js';
import { CommandError } from './server-errors.js';

export type StoredTest = (stored: Uint8Array) => boolean;

export function requireDoc(value: unknown, field: string): Document {
  if (value === undefined || value === null) return {};
  if (!isPlainDoc(value)) {
    throw new CommandError(14, `BSON field '${field}' is the wrong type, expected type 'object'`);
  }
  return value;
}

/** undefined for an empty filter, so full scans decode nothing. */
export function compileFilter(filter: Document): StoredTest | undefined {
  if (Object.keys(filter).length === 0) return undefined;
  const query = new Query(toView(filter) as Document);
  return (stored) => query.test(viewOf(stored));
}

/** `{_id: <plain value>}` can be answered from the _id index instead of a scan. */
function idLookup(filter: Document): { id: unknown } | undefined {
  const keys = Object.keys(filter);
  if (keys.length !== 1 || keys[0] !== '_id') return undefined;
  const id = filter._id;
  if (id instanceof RegExp || (isPlainDoc(id) && Object.keys(id).some((k) => k.startsWith('$')))) return undefined;
  return { id };
}

/** The matching documents in natural order, as a lazy walk over the collection (O(1) per document pulled). */
export function* matching(coll: Collection | undefined, filter: Document): Generator<Uint8Array, void, undefined> {
  if (coll === undefined) return;
  const byId = idLookup(filter);
  if (byId !== undefined) {
    const stored = coll.findById(byId.id);
    if (stored !== undefined) yield stored;
    return;
  }
  const test = compileFilter(filter);
  const docs = coll.docs;
  for (let i = 0; i < docs.length; i++) {
    if (test === undefined || test(docs[i])) yield docs[i];
  }
}

/** Positions in `coll.docs` of the matching documents, for writes that replace documents in place. */
export function matchingPositions(coll: Collection, filter: Document, firstOnly: boolean): number[] {
  const docs = coll.docs;
  const byId = idLookup(filter);
  if (byId !== undefined) {
    const stored = coll.findById(byId.id);
    return stored === undefined ? [] : [docs.indexOf(stored)];
  }
  const test = compileFilter(filter);
  const positions: number[] = [];
  for (let i = 0; i < docs.length; i++) {
    if (test !== undefined && !test(docs[i])) continue;
    positions.push(i);
    if (firstOnly) break;
  }
  return positions;
}

export function sortStored(stored: Uint8Array[], sort: Document): Uint8Array[] {
  const keys = Object.keys(sort);
  if (keys.length === 0) return stored;
  if (keys.length === 1 && keys[0] === '$natural') return Number(toView(sort.$natural)) < 0 ? stored.reverse() : stored;
  const original = new Map<Document, Uint8Array>();
  const views = stored.map((bytes) => {
    const view = viewOf(bytes);
    original.set(view, bytes);
    return view;
  });
  return find(views, {}).sort(toView(sort) as Record<string, 1 | -1>).all().map((view) => original.get(view) as Uint8Array);
}

/** undefined when there is nothing to project. */
export function makeProjector(projection: Document): ((doc: Document) => Document) | undefined {
  if (Object.keys(projection).length === 0) return undefined;
  const spec = toView(projection) as Document;
  const query = new Query({});
  query.find([{}], spec).all(); // reject a bad projection before any document is read
  return (doc) => orderLike(query.find([doc], spec).next() as Document, doc);
}

export interface ScanOptions {
  filter: Document;
  sort: Document;
  projection: Document;
  skip: number;
  limit: number; // 0 = no limit
}

/** The stream behind find and count: filter → sort → skip → limit → projection, as BSON bytes. */
export function* scan(coll: Collection | undefined, options: ScanOptions): Generator<Uint8Array, void, undefined> {
  const project = makeProjector(options.projection);
  let source: Iterable<Uint8Array> = matching(coll, options.filter);
  if (Object.keys(options.sort).length > 0) source = sortStored([...source], options.sort);
  let skipped = 0;
  let returned = 0;
  for (const stored of source) {
    if (skipped < options.skip) {
      skipped++;
      continue;
    }
    yield project === undefined ? stored : serialize(project(typedOf(stored)));
    if (options.limit > 0 && ++returned >= options.limit) return;
  }
}
