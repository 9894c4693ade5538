/**
 * The `?` placeholders of a statement, for --param / --params. They are found with the same rules for quotes and
 * comments as the driver's formatter (sql-escaper) uses when it fills them, so that what is counted here is exactly
 * what gets a value: a `?` or `%s` inside a string, an identifier or a comment is text, not a placeholder.
 */
import type { BoundValues, Statement } from '../engine.js';
import { UsageError } from '../../errors.js';
import { ExactNumber } from '../../text/json-exact.js';

/** Index just past the quoted text or comment that opens at `i`, or -1 when none opens there (sql-escaper's rules). */
function skipContext(sql: string, i: number): number {
  const c = sql[i];
  if (c === "'" || c === '"') {
    for (let j = i + 1; j < sql.length; j++) {
      if (sql[j] === '\\') j++;
      else if (sql[j] === c) return j + 1;
    }
    return sql.length;
  }
  if (c === '`') {
    const close = sql.indexOf('`', i + 1);
    return close === -1 ? sql.length : close + 1;
  }
  const lineComment = c === '#' || (c === '-' && sql[i + 1] === '-' && (i + 2 >= sql.length || sql.charCodeAt(i + 2) <= 32));
  if (lineComment) {
    const nl = sql.indexOf('\n', i);
    return nl === -1 ? sql.length : nl + 1;
  }
  // /*! … */ and /*+ … */ are read by the server: sql-escaper looks for placeholders inside them too
  if (c === '/' && sql[i + 1] === '*' && sql[i + 2] !== '!' && sql[i + 2] !== '+') {
    const close = sql.indexOf('*/', i + 2);
    return close === -1 ? sql.length : close + 2;
  }
  return -1;
}

/** Offsets of the placeholders: `?` (and `??`, an identifier placeholder), or pymysql's `%s`. */
function find(sql: string, marker: '?' | '%s'): number[] {
  const found: number[] = [];
  for (let i = 0; i < sql.length; i++) {
    const skip = skipContext(sql, i);
    if (skip !== -1) {
      i = skip - 1;
    } else if (marker === '?' && sql[i] === '?') {
      let end = i + 1;
      while (sql[end] === '?') end++;
      if (end - i <= 2) found.push(i); // sql-escaper leaves runs of three or more alone
      i = end - 1;
    } else if (marker === '%s' && sql[i] === '%' && sql[i + 1] === 's') {
      found.push(i);
      i++;
    }
  }
  return found;
}

/**
 * The text to send with bound values and its number of placeholders: `?` where the statement has them, else
 * pymysql's `%s` (the note's executemany) turned into `?`.
 */
export function placeholders(sql: string): { text: string; count: number } {
  const marks = find(sql, '?');
  if (marks.length > 0) return { text: sql, count: marks.length };
  const percents = find(sql, '%s');
  let text = sql;
  for (const at of percents.reverse()) text = `${text.slice(0, at)}?${text.slice(at + 2)}`;
  return { text, count: percents.length };
}

/**
 * A JSON object among the values binds as its JSON text (for a JSON column): the driver would make it
 * '[object Object]'. An array stays a list, as the driver expands it (`id in (?)` with [1,2,3]).
 */
function jsonObjectAsText(value: unknown): unknown {
  if (value instanceof ExactNumber) return exactSql(value);
  // a list expands (`id in (?)`): its numbers as written too
  if (Array.isArray(value)) return value.map((v: unknown) => (v instanceof ExactNumber ? exactSql(v) : v));
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? jsonSource(value) : value;
}

/** A number as written in --params goes into the statement as that literal (mysql2 calls toSqlString). */
function exactSql(n: ExactNumber): { toSqlString(): string } {
  return { toSqlString: () => n.text };
}

/** JSON text of a --params value, its numbers as the user wrote them. */
function jsonSource(value: unknown): string {
  if (value instanceof ExactNumber) return value.text;
  if (Array.isArray(value)) return `[${value.map(jsonSource).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}:${jsonSource(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

const HINT = 'write a ? where each value goes: dbx sql "select * from t where id = ? and name = ?" --param 1 --param Sam';

/**
 * Attaches --param / --params values to the statements that have placeholders (a `use db;` before them takes
 * none), after checking that every row has exactly one value per placeholder: a mismatch is a usage error before
 * anything is sent, not a server error halfway through a script.
 */
export function bindValues(statements: Statement[], given: BoundValues): Statement[] {
  const bound = {
    params: given.params?.map(jsonObjectAsText),
    paramRows: given.paramRows?.map((row) => row.map(jsonObjectAsText)),
  };
  if (!bound.params) delete bound.params;
  if (!bound.paramRows) delete bound.paramRows;
  const rows = bound.paramRows ?? [bound.params ?? []];
  let any = false;
  const out = statements.map((stmt) => {
    const { count } = placeholders(stmt.text);
    if (count === 0) return stmt;
    any = true;
    rows.forEach((row, i) => {
      if (row.length === count) return;
      const what = bound.paramRows ? `row ${i + 1} of --params has ${plural(row.length, 'value')}` : `${plural(row.length, 'value')} given`;
      // `--params '[1,2]'` for one `?`: most likely meant as one run per value
      const perRow = !bound.paramRows && count === 1 && row.length > 1 && given.params
        ? `to run the statement once per value, give rows: --params '[${given.params.map((v) => `[${jsonSource(v)}]`).join(',')}]'`
        : undefined;
      throw new UsageError(`the statement on line ${stmt.line} has ${plural(count, 'placeholder')} but ${what}`, {
        engine: 'sql',
        statement: stmt.text,
        hint: perRow ?? HINT,
      });
    });
    return { ...stmt, ...bound };
  });
  if (!any && rows.some((row) => row.length > 0)) {
    throw new UsageError('values were given (--param/--params) but the statement has no ? placeholder to bind them to', { engine: 'sql', hint: HINT });
  }
  return out;
}

/**
 * --param values are text, and MySQL wants a number after LIMIT / OFFSET: `limit ?` with --param 2 fails near ''2''.
 * The hint for that syntax error says how to bind a number.
 */
export function textParamHint(message: string, params: readonly unknown[] | undefined): string | undefined {
  const near = /near '(.*)' at line \d+/s.exec(message)?.[1];
  if (near === undefined || !params) return undefined;
  const value = params.find((v) => typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v) && near.startsWith(`'${v}'`));
  if (value === undefined) return undefined;
  return `--param binds text ('${String(value)}'); where SQL needs a number (LIMIT, OFFSET), bind JSON numbers: --params '[${String(value)}]'`;
}
