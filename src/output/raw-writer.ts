/**
 * `raw`: like `redis-cli --raw` — bare values, no quotes, no header, no escaping, the server's bytes unchanged.
 * A lone value uses the codec's raw rendering; rows print their cells joined by the result's rawJoin (a tab by
 * default), a 'values' result one value per line, a 'map' result field and value on lines of their own (as
 * redis-cli --raw prints HGETALL).
 */
import type { Result, RowsResult, ValueCodec, ValueResult } from '../engines/engine.js';
import { columnAt, eachRow } from './row-columns.js';
import type { FormatWriter, WriteContext, WriterIo } from './writer-types.js';
import { writeTextResult } from './text-result.js';

type Piece = string | Uint8Array;

function rawPiece(codec: ValueCodec, value: unknown): Piece {
  if (value === undefined) return '';
  return codec.raw ? codec.raw(value) : codec.text(value);
}

/** the pieces as one: text while they are all text, bytes as soon as one of them is */
function joined(pieces: Piece[], separator: string): Piece {
  if (pieces.every((p) => typeof p === 'string')) return pieces.join(separator);
  const parts: Uint8Array[] = [];
  pieces.forEach((p, i) => {
    if (i > 0) parts.push(Buffer.from(separator));
    parts.push(typeof p === 'string' ? Buffer.from(p) : p);
  });
  return Buffer.concat(parts);
}

export class RawWriter implements FormatWriter {
  constructor(private readonly io: WriterIo) {}

  write(result: Result, ctx: WriteContext): Promise<number> {
    return writeTextResult(this.io, result, ctx, {
      value: async (r) => {
        await this.io.out.push(this.valueText(r));
        return 1;
      },
      rows: (r) => this.rows(r),
    });
  }

  valueText(result: ValueResult): Piece {
    const piece = rawPiece(result.codec, result.value);
    return typeof piece === 'string' ? `${piece}\n` : joined([piece, ''], '\n');
  }

  private async rows(result: RowsResult): Promise<number> {
    const { codec } = result;
    let count = 0;
    const shape = result.shape ?? 'objects';
    const join = result.rawJoin ?? (shape === 'map' ? '\n' : '\t');
    await eachRow(result, (row) => {
      let piece: Piece;
      if (shape === 'values') piece = rawPiece(codec, columnAt(result, row, 0));
      else if (shape === 'map') piece = joined([rawPiece(codec, columnAt(result, row, 0)), rawPiece(codec, columnAt(result, row, 1))], join);
      else piece = joined((result.columns ?? Object.keys(row)).map((name) => rawPiece(codec, row[name])), join);
      count++;
      if (typeof piece === 'string') return this.io.out.push(`${piece}\n`);
      const wait = this.io.out.push(piece);
      return this.io.out.push('\n') ?? wait;
    });
    return count;
  }
}
