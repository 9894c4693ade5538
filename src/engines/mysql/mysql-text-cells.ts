/**
 * Result sets read as the bytes they came as (RowsResult.cells): for csv and tsv, a row packet of the text protocol
 * is kept as it is, not decoded into one JavaScript string per value (a million rows of five columns cost more in
 * strings and their garbage than in everything else). Only where every column's text is its bytes: strings in
 * UTF-8, numbers, dates (textCellColumns). The writers that read values instead (`arrays`, `chunks`, `rows`) get
 * each kept row decoded by mysql2's own row parser, as it would have decoded it on arrival.
 *
 * mysql2 has no hook for a row packet: its Query's `row` state is wrapped once, here. The same wrapper hands on the
 * warning count of the EOF packet that ends a result set, which mysql2 reads and drops.
 */
import type { FieldPacket } from 'mysql2';
import type { CellRows, TextCells } from '../engine.js';

/** mysql2's packet while its row is read: the driver reuses the object for the next packet, not its buffer */
interface Packet {
  buffer: Buffer;
  offset: number;
  end: number;
  isEOF(): boolean;
  eofWarningCount(): number;
  clone(): Packet;
}

interface RowParser {
  next(packet: Packet, fields: unknown, options: unknown): unknown[];
}

const CAPTURE = Symbol('dbx.captureRow');

interface QueryState {
  emit(event: string, ...args: unknown[]): boolean;
  _rowParser?: RowParser | null;
  _currentFields?: unknown;
  options?: unknown;
  [CAPTURE]?: (packet: Packet) => void;
}

let hooked = false;
let capturable = false;

/**
 * Wraps mysql2's row state once. The query then emits 'eofWarnings' (the count of each result set's EOF packet),
 * and hands its row packets to the function captureRows() set instead of parsing them. Returns whether rows can be
 * captured (false for a release that reads rows otherwise: the rows are then read as before).
 */
export function hookRows(query: object): boolean {
  if (hooked) return capturable;
  hooked = true;
  const proto = Object.getPrototypeOf(query) as { row?: (this: QueryState, packet: Packet, conn: unknown) => unknown };
  const row = proto.row;
  if (typeof row !== 'function') return false;
  proto.row = function (packet, conn) {
    if (packet.isEOF()) {
      this.emit('eofWarnings', packet.eofWarningCount());
    } else {
      const capture = this[CAPTURE];
      if (capture) {
        capture(packet);
        return proto.row; // the next packet is a row again (or the EOF), as mysql2's own row() says
      }
    }
    return row.call(this, packet, conn);
  };
  capturable = '_rowParser' in query && '_currentFields' in query;
  return capturable;
}

/** Rows of one result set kept as bytes, in the order they came: a group of RowsResult.cells. */
export class RawRows implements CellRows {
  count = 0;
  /** taken by the reader: rows that come after go into a new group */
  sealed = false;
  readonly buffers: Buffer[] = [];
  readonly starts: number[] = [];
  readonly ends: number[] = [];

  constructor(private readonly decoder: RowDecoder) {}

  add(packet: Packet): void {
    this.buffers.push(packet.buffer);
    this.starts.push(packet.offset);
    this.ends.push(packet.end);
    this.count++;
  }

  /** the rows as mysql2's row parser reads them: the arrays its 'result' event would have given */
  decode(): unknown[][] {
    return this.decoder.decode(this);
  }
}

/** mysql2's row parser of one result set, with what it reads a row with. */
class RowDecoder {
  constructor(
    private readonly parser: RowParser,
    private readonly fields: unknown,
    private readonly options: unknown,
    /** a packet of our own, pointed at each kept row in turn */
    private readonly packet: Packet,
  ) {}

  decode(rows: RawRows): unknown[][] {
    const out = new Array<unknown[]>(rows.count);
    const packet = this.packet;
    for (let i = 0; i < rows.count; i++) {
      packet.buffer = rows.buffers[i]!;
      packet.offset = rows.starts[i]!;
      packet.end = rows.ends[i]!;
      out[i] = this.parser.next(packet, this.fields, this.options);
    }
    return out;
  }
}

/**
 * From now on (the 'fields' of a result set), the query's row packets are kept as bytes instead of parsed: each goes
 * into the group `open` was last given, or into a new one given to `open` once that one was sealed (taken by the
 * reader); `added` is called after each. Without `open`, the rows of the next result set are parsed again.
 */
export function captureRows(query: object, open?: (rows: RawRows) => void, added?: () => void): void {
  const state = query as QueryState;
  if (!open) {
    delete state[CAPTURE];
    return;
  }
  let decoder: RowDecoder | undefined;
  let group: RawRows | undefined;
  state[CAPTURE] = (packet) => {
    if (!group || group.sealed) {
      // the row parser is compiled after 'fields' is emitted: it is there when the first row comes
      decoder ??= new RowDecoder(state._rowParser!, state._currentFields, state.options, packet.clone());
      group = new RawRows(decoder);
      open(group);
    }
    group.add(packet);
    added?.();
  };
}

/* Column types (mysql2's Types), as the row parser reads them with the options sqlTarget sets (dateStrings,
   supportBigNumbers without bigNumberStrings, decimalNumbers off, jsonStrings, no typeCast) and after
   columnSet() changed FLOAT, DOUBLE and YEAR to DECIMAL. */
const DECIMAL = 0;
const NEWDECIMAL = 246;
const INTEGERS = new Set([1, 2, 3, 8, 9]); // TINY SHORT LONG LONGLONG INT24: the number of the server's digits
const DATES = new Set([7, 10, 11, 12]); // TIMESTAMP DATE TIME DATETIME: the text, read as ASCII
const JSON_TYPE = 245; // MySQL's: read as UTF-8 whatever its character set
/** VARCHAR ENUM SET the BLOBs VAR_STRING STRING: text in the column's character set, bytes when it is binary */
const STRINGS = new Set([15, 247, 248, 249, 250, 251, 252, 253, 254]);
const BINARY_CHARSET = 63;
const ZEROFILL_FLAG = 64;

type CellColumn = 'ascii' | 'utf8';

function cellColumn(f: FieldPacket): CellColumn | undefined {
  const field = f as FieldPacket & { columnType?: number; characterSet?: number; encoding?: string; extendedFormat?: string };
  const type = field.columnType ?? -1;
  // MariaDB's JSON is a LONGTEXT the extended metadata marks: read as a string in its character set
  if (field.extendedFormat === 'json') return field.encoding === 'utf8' ? 'utf8' : undefined;
  // a ZEROFILL integer's text is padded by columnSet's toCells, from the number
  if (INTEGERS.has(type)) return ((field.flags as number) & ZEROFILL_FLAG) === 0 ? 'ascii' : undefined;
  if (type === DECIMAL || type === NEWDECIMAL || DATES.has(type)) return 'ascii';
  if (type === JSON_TYPE) return 'utf8';
  if (STRINGS.has(type) && field.characterSet !== BINARY_CHARSET && field.encoding === 'utf8') return 'utf8';
  return undefined; // binary (its text is 0x…), BIT, GEOMETRY, other character sets, types read otherwise
}

/**
 * Whether the result set can be read as bytes: per column whether its cells are UTF-8 text (else ASCII: numbers,
 * dates, whose text the server writes in ASCII); undefined when one column's text is not its bytes. Call with the
 * fields as the row parser will read them (after columnSet).
 */
export function textCellColumns(fields: readonly FieldPacket[]): boolean[] | undefined {
  const utf8: boolean[] = [];
  for (const f of fields) {
    const kind = cellColumn(f);
    if (!kind) return undefined;
    utf8.push(kind === 'utf8');
  }
  return utf8;
}

/** The text of a cell that is not plain ASCII (or valid UTF-8 in a utf8 column): as the row parser decodes it. */
export function cellText(utf8: readonly boolean[]): TextCells['text'] {
  return (column, bytes, start, end) => {
    const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return buffer.toString(utf8[column] ? 'utf8' : 'ascii', start, end);
  };
}
