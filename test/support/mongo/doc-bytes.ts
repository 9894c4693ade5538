// Stored documents never change in place (updates store a new object), so each one's BSON encoding can be
// cached: a 1,000,000-document find is then mostly memcpy, and batch limits are counted in exact bytes.
import { serialize } from 'bson';
import type { Document } from 'bson';

const cache = new WeakMap<Document, Uint8Array>();

export function docBytes(doc: Document): Uint8Array {
  let bytes = cache.get(doc);
  if (bytes === undefined) {
    bytes = serialize(doc);
    cache.set(doc, bytes);
  }
  return bytes;
}

/** For a document deserialized from exactly these bytes (an insert that needed no `_id` added). */
export function rememberBytes(doc: Document, bytes: Uint8Array): void {
  cache.set(doc, bytes);
}
