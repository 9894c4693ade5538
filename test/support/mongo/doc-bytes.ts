// Collections store each document as its BSON bytes, as mongod does: a large find is then mostly memcpy,
// batch limits are counted in exact bytes, and a million stored documents are a million buffers rather
// than millions of small objects for the garbage collector to trace. Documents are decoded on demand:
// "typed" (promoteValues: false, so Int32/Long/Double/Decimal128 survive an update) or as a "view"
// (plain JS numbers, which is what mingo needs to compare and compute).
import { deserialize, serialize } from 'bson';
import type { Document } from 'bson';

const BYTES = Symbol('bson bytes');

type Cached = Document & { [BYTES]?: Uint8Array };

/** The encoding of a typed document; free when the document was just decoded from bytes. */
export function docBytes(doc: Document): Uint8Array {
  const cached = (doc as Cached)[BYTES];
  if (cached !== undefined) return cached;
  const bytes = serialize(doc);
  rememberBytes(doc, bytes);
  return bytes;
}

/**
 * Notes that `doc` was decoded from exactly `bytes`; callers must not mutate `doc` afterwards. The property
 * is symbol-keyed (bson and mingo read string keys only) and non-enumerable, so `{ ...doc }` copies, which
 * may differ from `doc`, never inherit it.
 */
export function rememberBytes(doc: Document, bytes: Uint8Array): void {
  Object.defineProperty(doc, BYTES, { value: bytes, enumerable: false, configurable: true, writable: true });
}

export function typedOf(bytes: Uint8Array): Document {
  const doc = deserialize(bytes, { promoteValues: false, bsonRegExp: false });
  rememberBytes(doc, bytes);
  return doc;
}

/** Int32/Double (and Longs that fit) as JS numbers; see toView in bson-values for command arguments. */
export function viewOf(bytes: Uint8Array): Document {
  return deserialize(bytes);
}
