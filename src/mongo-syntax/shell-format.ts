/**
 * Writes a value the way the mongo shell shows it, on one line:
 * `{ name: 'sam', _id: ObjectId('…'), at: ISODate('…'), n: NumberLong('5') }`.
 * Used for `-v` notes ("ran as updateMany(…)"), hints, and nested values in table cells, so it is hot: no
 * util.inspect, one pass, strings built by concatenation.
 *
 * bson values are recognised by their `_bsontype` tag, not by instanceof: the driver and shell-bson-parser
 * load bson's CommonJS build while an ESM import would get another copy of the classes.
 */

const BARE_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
const NEEDS_ESCAPE = /['"\\\x00-\x1f\x7f\u2028\u2029]/;

/** A value as mongo-shell text, one line. Cycles print as [Circular]. */
export function formatShellValue(value: unknown): string {
  return format(value, new Set());
}

/** mongosh prints with Node's util.inspect defaults: 80 columns, the 3 innermost levels combined (compact: 3). */
const BREAK_LENGTH = 80;
const COMPACT = 3;

/**
 * A value the way mongosh prints a document (`.pretty()`): Node's util.inspect rules — an object or array stays on
 * one line when its entries fit in 80 columns and it holds fewer than 3 levels below it, else one entry per line
 * indented by two; arrays of more than 6 short entries are laid out in aligned columns. Values inside are written
 * as formatShellValue writes them.
 */
export function formatShellPretty(value: unknown): string {
  return pretty(value, 0, 0, { currentDepth: 0, seen: new Set() });
}

interface PrettyContext {
  /** the depth of the container whose formatting started last (Node's ctx.currentDepth) */
  currentDepth: number;
  seen: Set<object>;
}

function isPlainContainer(v: unknown): v is Record<string, unknown> | unknown[] {
  if (typeof v !== 'object' || v === null) return false;
  if (typeof (v as Record<string, unknown>)._bsontype === 'string') return false;
  return Array.isArray(v) || !(v instanceof Date || v instanceof RegExp || v instanceof Uint8Array || v instanceof Map);
}

function pretty(v: unknown, indentation: number, depth: number, ctx: PrettyContext): string {
  if (!isPlainContainer(v) || ctx.seen.has(v)) return format(v, ctx.seen);
  ctx.currentDepth = depth;
  ctx.seen.add(v);
  const array = Array.isArray(v);
  // Node indents an object's properties by 2 and an array's entries by 3 while it formats them
  let output = array
    ? v.map((item) => pretty(item, indentation + 3, depth + 1, ctx))
    : Object.entries(v).map(([key, item]) => `${formatShellKey(key)}: ${pretty(item, indentation + 2, depth + 1, ctx)}`);
  ctx.seen.delete(v);
  const [open, close] = array ? ['[', ']'] : ['{', '}'];
  if (output.length === 0) return `${open}${close}`;
  const entries = output.length;
  if (array && entries > 6) output = groupArrayElements(output, indentation, v);
  if (ctx.currentDepth - depth < COMPACT && entries === output.length) {
    const start = output.length + indentation + open.length + 10;
    let total = output.length + start;
    const fits = total + output.length <= BREAK_LENGTH && output.every((entry) => (total += entry.length) <= BREAK_LENGTH);
    const joined = output.join(', ');
    if (fits && !joined.includes('\n')) return `${open} ${joined} ${close}`;
  }
  const newline = `\n${' '.repeat(indentation)}`;
  return `${open}${newline}  ${output.join(`,${newline}  `)}${newline}${close}`;
}

/** Node's groupArrayElements: short entries of a long array in aligned columns, numbers right-aligned. */
function groupArrayElements(output: string[], indentation: number, value: unknown[]): string[] {
  const separatorSpace = 2;
  let totalLength = 0;
  let maxLength = 0;
  const dataLen = output.map((entry) => {
    totalLength += entry.length + separatorSpace;
    maxLength = Math.max(maxLength, entry.length);
    return entry.length;
  });
  const actualMax = maxLength + separatorSpace;
  if (!(actualMax * 3 + indentation < BREAK_LENGTH && (totalLength / actualMax > 5 || maxLength <= 6))) return output;
  const averageBias = Math.sqrt(actualMax - totalLength / output.length);
  const biasedMax = Math.max(actualMax - 3 - averageBias, 1);
  const columns = Math.min(
    Math.round(Math.sqrt(2.5 * biasedMax * output.length) / biasedMax),
    Math.floor((BREAK_LENGTH - indentation) / actualMax),
    COMPACT * 4,
    15,
  );
  if (columns <= 1) return output;
  const maxLineLength: number[] = [];
  for (let i = 0; i < columns; i++) {
    let lineLength = 0;
    for (let j = i; j < output.length; j += columns) lineLength = Math.max(lineLength, dataLen[j]!);
    maxLineLength.push(lineLength + separatorSpace);
  }
  const numbers = value.every((item) => typeof item === 'number' || typeof item === 'bigint');
  const grouped: string[] = [];
  for (let i = 0; i < output.length; i += columns) {
    const max = Math.min(i + columns, output.length);
    let line = '';
    let j = i;
    for (; j < max - 1; j++) {
      const cell = `${output[j]}, `;
      line += numbers ? cell.padStart(maxLineLength[j - i]!) : cell.padEnd(maxLineLength[j - i]!);
    }
    line += numbers ? output[j]!.padStart(maxLineLength[j - i]! - separatorSpace) : output[j]!;
    grouped.push(line);
  }
  return grouped;
}

/** A string as a shell literal: single quotes, or double quotes when that avoids escaping a `'`. */
export function formatShellString(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return `'${s}'`;
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    const c = s.charCodeAt(i);
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (c === 10) out += '\\n';
    else if (c === 13) out += '\\r';
    else if (c === 9) out += '\\t';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else if (c === 0x2028 || c === 0x2029) out += `\\u${c.toString(16)}`;
    else out += ch;
  }
  return out + quote;
}

/** An object key: bare when it is a plain identifier, quoted otherwise (`'$set'`, `'a.b'`). */
export function formatShellKey(key: string): string {
  return BARE_KEY.test(key) ? key : formatShellString(key);
}

function format(v: unknown, seen: Set<object>): string {
  switch (typeof v) {
    case 'string':
      return formatShellString(v);
    case 'number':
      return Object.is(v, -0) ? '-0' : String(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'undefined':
      return 'undefined';
    case 'bigint':
      return `NumberLong('${v}')`;
    case 'function':
      return '[Function]';
    case 'symbol':
      return v.toString();
  }
  if (v === null) return 'null';
  const obj = v as Record<string, unknown>;
  if (seen.has(obj)) return '[Circular]';
  const tag = obj._bsontype;
  if (typeof tag === 'string') return formatBson(tag, obj, seen);
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? 'Invalid Date' : `ISODate('${v.toISOString()}')`;
  if (v instanceof RegExp) return String(v);
  if (v instanceof Uint8Array) return `BinData(0, '${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64')}')`;
  seen.add(obj);
  let out: string;
  if (Array.isArray(v)) {
    if (v.length === 0) out = '[]';
    else {
      out = '[ ';
      for (let i = 0; i < v.length; i++) out += (i ? ', ' : '') + format(v[i], seen);
      out += ' ]';
    }
  } else if (v instanceof Map) {
    out = formatEntries(v.entries(), seen);
  } else {
    out = formatEntries(Object.entries(obj), seen);
  }
  seen.delete(obj);
  return out;
}

function formatEntries(entries: Iterable<[unknown, unknown]>, seen: Set<object>): string {
  let out = '';
  for (const [key, value] of entries) out += `${out ? ', ' : '{ '}${formatShellKey(String(key))}: ${format(value, seen)}`;
  return out ? `${out} }` : '{}';
}

type Bson = Record<string, unknown> & { toString(encoding?: string): string };

function formatBson(tag: string, v: Record<string, unknown>, seen: Set<object>): string {
  const b = v as Bson;
  switch (tag) {
    case 'ObjectId':
    case 'ObjectID':
      return `ObjectId('${b.toString('hex')}')`;
    case 'Long':
      return `NumberLong('${b.toString()}')`;
    case 'Int32':
      return `NumberInt(${String(b.value)})`;
    case 'Double':
      return format(Number(b.value), seen);
    case 'Decimal128':
      return `NumberDecimal('${b.toString()}')`;
    case 'Binary': {
      const hex = b.toString('hex');
      if (b.sub_type === 4 && hex.length === 32) {
        return `UUID('${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}')`;
      }
      return `BinData(${String(b.sub_type)}, '${b.toString('base64')}')`;
    }
    case 'Timestamp':
      return `Timestamp({ t: ${String(b.t ?? b.high)}, i: ${String(b.i ?? b.low)} })`;
    case 'MinKey':
    case 'MaxKey':
      return `${tag}()`;
    case 'Code':
      return `Code(${format(b.code, seen)}${b.scope ? `, ${format(b.scope, seen)}` : ''})`;
    case 'DBRef':
      return `DBRef(${format(b.collection, seen)}, ${format(b.oid, seen)}${b.db ? `, ${format(b.db, seen)}` : ''})`;
    case 'BSONRegExp':
      return regexLiteral(String(b.pattern), String(b.options));
    case 'BSONSymbol':
      return format(String(b.value), seen);
    default:
      return String(v);
  }
}

/** A stored regex as the shell writes a regex literal: /a\/b/i (a bare `/` in the pattern is escaped). */
function regexLiteral(pattern: string, options: string): string {
  let body = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '\\' && i + 1 < pattern.length) {
      body += ch + pattern[++i]!;
    } else body += ch === '/' ? '\\/' : ch === '\n' ? '\\n' : ch;
  }
  return `/${body || '(?:)'}/${options}`;
}
