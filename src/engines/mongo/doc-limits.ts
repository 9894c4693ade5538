/**
 * MongoDB's limit on one document (16 MiB of BSON), checked before anything is sent: beyond it the driver's
 * serializer fails with a RangeError about a buffer offset, which says nothing a user can act on.
 */
import { calculateObjectSize } from 'bson';
import { UsageError } from '../../errors.js';

/** BSON bytes a document may take (the server's maxBsonObjectSize) */
export const MAX_DOCUMENT_BYTES = 16 * 1024 * 1024;

/** below this many characters no argument can reach the limit (a BSON value takes at most ~10 bytes a character) */
const CHECK_FROM_CHARS = 1024 * 1024;

const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

export function tooLargeMessage(bytes?: number): string {
  const size = bytes === undefined ? 'a document is larger than' : `a document is ${mib(bytes)} as BSON, beyond`;
  return `${size} MongoDB's limit of 16 MiB (16,777,216 bytes) per document`;
}

export const TOO_LARGE_HINT = 'split the data over several documents, or store large files with GridFS';

/** Throws UsageError (exit 2) when an argument document (or one of an array of them) is over the limit. */
export function checkDocumentSizes(text: string, args: readonly unknown[]): void {
  if (text.length < CHECK_FROM_CHARS) return;
  const docs = args.flatMap((a) => (Array.isArray(a) ? a : [a])).filter((d): d is object => typeof d === 'object' && d !== null);
  for (const doc of docs) {
    const bytes = calculateObjectSize(doc as Record<string, unknown>);
    if (bytes > MAX_DOCUMENT_BYTES) throw new UsageError(tooLargeMessage(bytes), { code: 'DOCUMENT_TOO_LARGE', engine: 'doc', hint: TOO_LARGE_HINT });
  }
}
