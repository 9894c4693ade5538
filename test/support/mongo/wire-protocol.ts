// MongoDB wire protocol framing: OP_QUERY (only the driver's first handshake uses it), answered with
// OP_REPLY; everything else is OP_MSG. Compression is never offered in hello, so OP_COMPRESSED never arrives.
import { deserialize } from 'bson';
import type { Document } from 'bson';
import { rememberBytes } from './doc-bytes.js';

export const OP_REPLY = 1;
export const OP_QUERY = 2004;
export const OP_MSG = 2013;

const CHECKSUM_PRESENT = 1 << 0;
const MORE_TO_COME = 1 << 1;
/** Flag bits 0–15 are "required": a receiver must reject bits it does not know. */
const KNOWN_REQUIRED_BITS = CHECKSUM_PRESENT | MORE_TO_COME;

/** Types exactly as sent: Int32 stays Int32, Long stays Long, so stored documents round-trip. */
const DESERIALIZE = { promoteValues: false, promoteBuffers: false, bsonRegExp: false } as const;

export interface WireRequest {
  requestId: number;
  opCode: typeof OP_QUERY | typeof OP_MSG;
  command: Document;
  db: string;
  /** The client expects no reply (OP_MSG moreToCome, e.g. unacknowledged writes). */
  moreToCome: boolean;
}

export class ProtocolError extends Error {}

/** Collects socket chunks and yields complete messages; chunks are joined only once a message is whole. */
export class MessageReader {
  private chunks: Buffer[] = [];
  private buffered = 0;

  push(chunk: Buffer): Buffer[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const messages: Buffer[] = [];
    for (;;) {
      if (this.buffered < 4) break;
      const head = this.chunks[0].length >= 4 ? this.chunks[0] : this.joined();
      const length = head.readInt32LE(0);
      if (length < 16 || length > 64 * 1024 * 1024) throw new ProtocolError(`bad message length ${length}`);
      if (this.buffered < length) break;
      const all = this.joined();
      messages.push(all.subarray(0, length));
      const rest = all.subarray(length);
      this.chunks = rest.length > 0 ? [rest] : [];
      this.buffered = rest.length;
    }
    return messages;
  }

  private joined(): Buffer {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks, this.buffered)];
    return this.chunks[0];
  }
}

function readCString(buf: Buffer, offset: number): [string, number] {
  const end = buf.indexOf(0, offset);
  if (end === -1) throw new ProtocolError('unterminated cstring');
  return [buf.toString('utf8', offset, end), end + 1];
}

function readDocument(buf: Buffer, offset: number): [Document, Buffer, number] {
  const size = buf.readInt32LE(offset);
  const bytes = buf.subarray(offset, offset + size);
  return [deserialize(bytes, DESERIALIZE), bytes, offset + size];
}

export function decodeRequest(message: Buffer): WireRequest {
  const requestId = message.readInt32LE(4);
  const opCode = message.readInt32LE(12);
  if (opCode === OP_QUERY) return decodeQuery(message, requestId);
  if (opCode === OP_MSG) return decodeMsg(message, requestId);
  throw new ProtocolError(`unsupported opCode ${opCode}`);
}

function decodeQuery(message: Buffer, requestId: number): WireRequest {
  const [fullName, afterName] = readCString(message, 20);
  const [query] = readDocument(message, afterName + 8); // skip numberToSkip, numberToReturn
  const command = isPlainObject(query.$query) ? query.$query : query;
  return { requestId, opCode: OP_QUERY, command, db: fullName.split('.')[0], moreToCome: false };
}

function decodeMsg(message: Buffer, requestId: number): WireRequest {
  const flags = message.readUInt32LE(16);
  if ((flags & 0xffff & ~KNOWN_REQUIRED_BITS) !== 0) throw new ProtocolError(`unknown required OP_MSG flag bits ${flags}`);
  const end = message.length - (flags & CHECKSUM_PRESENT ? 4 : 0); // the CRC-32C itself is not verified
  let offset = 20;
  let body: Document | undefined;
  const sequences: Array<[string, Document[]]> = [];
  while (offset < end) {
    const kind = message[offset++];
    if (kind === 0) {
      [body, , offset] = readDocument(message, offset);
    } else if (kind === 1) {
      const sectionEnd = offset + message.readInt32LE(offset);
      const [identifier, first] = readCString(message, offset + 4);
      const docs: Document[] = [];
      for (let at = first; at < sectionEnd;) {
        const [doc, bytes, next] = readDocument(message, at);
        rememberBytes(doc, bytes);
        docs.push(doc);
        at = next;
      }
      sequences.push([identifier, docs]);
      offset = sectionEnd;
    } else {
      throw new ProtocolError(`unknown OP_MSG section kind ${kind}`);
    }
  }
  if (body === undefined) throw new ProtocolError('OP_MSG without a body section');
  for (const [identifier, docs] of sequences) body[identifier] = docs;
  const db = typeof body.$db === 'string' ? body.$db : 'admin';
  return { requestId, opCode: OP_MSG, command: body, db, moreToCome: (flags & MORE_TO_COME) !== 0 };
}

function isPlainObject(value: unknown): value is Document {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function header(length: number, requestId: number, responseTo: number, opCode: number): Buffer {
  const out = Buffer.alloc(16);
  out.writeInt32LE(length, 0);
  out.writeInt32LE(requestId, 4);
  out.writeInt32LE(responseTo, 8);
  out.writeInt32LE(opCode, 12);
  return out;
}

/** Wraps a BSON reply for the request: OP_REPLY for OP_QUERY, OP_MSG (one body section) otherwise. */
export function encodeReply(request: WireRequest, body: Uint8Array, requestId: number): Uint8Array[] {
  if (request.opCode === OP_QUERY) {
    const fields = Buffer.alloc(20); // responseFlags 0, cursorID 0, startingFrom 0, numberReturned 1
    fields.writeInt32LE(1, 16);
    return [header(16 + 20 + body.length, requestId, request.requestId, OP_REPLY), fields, body];
  }
  const flagsAndKind = Buffer.alloc(5); // flagBits 0, section kind 0
  return [header(16 + 5 + body.length, requestId, request.requestId, OP_MSG), flagsAndKind, body];
}
