// Cursor replies are assembled from each document's cached BSON bytes instead of serializing one big
// reply object: the bytes are needed anyway to keep a batch under the 16 MiB reply limit.
import { Long } from 'bson';

const TYPE_DOUBLE = 0x01;
const TYPE_STRING = 0x02;
const TYPE_DOCUMENT = 0x03;
const TYPE_ARRAY = 0x04;
const TYPE_INT64 = 0x12;

/** Element bytes: type, cstring name, value. */
function element(type: number, name: string, value: Uint8Array): Buffer {
  const nameBytes = Buffer.from(name, 'utf8');
  return Buffer.concat([Buffer.of(type), nameBytes, Buffer.of(0), value]);
}

/** A BSON document from already-encoded elements. */
function documentOf(elements: Uint8Array[]): Buffer {
  const size = 4 + elements.reduce((sum, e) => sum + e.length, 0) + 1;
  const out = Buffer.allocUnsafe(size);
  out.writeInt32LE(size, 0);
  let offset = 4;
  for (const e of elements) {
    out.set(e, offset);
    offset += e.length;
  }
  out[offset] = 0;
  return out;
}

function arrayOf(docs: Uint8Array[]): Buffer {
  let size = 5;
  for (let i = 0; i < docs.length; i++) size += 2 + String(i).length + docs[i].length;
  const out = Buffer.allocUnsafe(size);
  out.writeInt32LE(size, 0);
  let offset = 4;
  for (let i = 0; i < docs.length; i++) {
    out[offset++] = TYPE_DOCUMENT;
    offset += out.write(String(i), offset, 'latin1');
    out[offset++] = 0;
    out.set(docs[i], offset);
    offset += docs[i].length;
  }
  out[offset] = 0;
  return out;
}

function stringValue(value: string): Buffer {
  const bytes = Buffer.from(value, 'utf8');
  const out = Buffer.alloc(4 + bytes.length + 1);
  out.writeInt32LE(bytes.length + 1, 0);
  out.set(bytes, 4);
  return out;
}

function int64Value(value: Long): Buffer {
  const out = Buffer.alloc(8);
  out.writeInt32LE(value.low, 0);
  out.writeInt32LE(value.high, 4);
  return out;
}

function doubleValue(value: number): Buffer {
  const out = Buffer.alloc(8);
  out.writeDoubleLE(value, 0);
  return out;
}

/** `{ cursor: { firstBatch|nextBatch: [...], id, ns }, ok: 1.0 }`, the field order mongod uses. */
export function encodeCursorReply(batchField: 'firstBatch' | 'nextBatch', docs: Uint8Array[], id: Long, ns: string): Buffer {
  const cursor = documentOf([
    element(TYPE_ARRAY, batchField, arrayOf(docs)),
    element(TYPE_INT64, 'id', int64Value(id)),
    element(TYPE_STRING, 'ns', stringValue(ns)),
  ]);
  return documentOf([element(TYPE_DOCUMENT, 'cursor', cursor), element(TYPE_DOUBLE, 'ok', doubleValue(1))]);
}
