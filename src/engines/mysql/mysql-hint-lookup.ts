/**
 * Hints that need the server: the real name of a foreign-key constraint (the note's `drop foreign key(s_id)`), the
 * closest existing column for an unknown one (the note's join `on s_id = sd_id`, where the column is de_id), and
 * the closest table for an unknown one (`select * from studnet`). Runs only after a statement failed, on the
 * engine's side connection, so the user's session never sees it. A suggested statement is checked with EXPLAIN
 * before it is shown: a hint never proposes a statement that fails again.
 */
import type { DbxError } from '../../errors.js';
import { closestName } from '../../text/closest-name.js';

export type Lookup = (sql: string, values: unknown[]) => Promise<unknown[][]>;

const DROP_FK = /alter\s+table\s+`?([\w$]+)`?\s+drop\s+foreign\s+key\s*\(?\s*`?([\w$]+)`?\s*\)?/i;
const TABLES = /\b(?:from|join|update|into|table|desc|describe)\s+`?([\w$]+)`?/gi;

async function constraintName(statement: string, lookup: Lookup): Promise<string | undefined> {
  const m = DROP_FK.exec(statement);
  if (!m) return undefined;
  const rows = await lookup(
    `SELECT CONSTRAINT_NAME FROM information_schema.KEY_COLUMN_USAGE
     WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND COLUMN_NAME = ? AND REFERENCED_TABLE_NAME IS NOT NULL`,
    [m[1], m[2]],
  );
  const name = rows[0]?.[0];
  return name === undefined ? undefined : `${statement.slice(0, m.index)}alter table ${m[1]} drop foreign key ${String(name)}`;
}

const word = (name: string) => new RegExp(`(?<![\\w$])${name.replace(/\$/g, '\\$')}(?![\\w$])`, 'g');

/** The column on the other side of `= unknown` / `unknown =` (a join's ON): a fix must not compare it with itself. */
function otherOperand(statement: string, unknown: string): string | undefined {
  const u = unknown.replace(/\$/g, '\\$');
  const m = new RegExp(`(?:([\\w$]+)\\s*(?:=|<=>|<>|!=)\\s*(?:[\\w$]+\\.)?${u}(?![\\w$]))|(?:(?<![\\w$.])${u}\\s*(?:=|<=>|<>|!=)\\s*(?:[\\w$]+\\.)?([\\w$]+))`, 'i').exec(statement);
  return m ? (m[1] ?? m[2]) : undefined;
}

/** Whether the server accepts a statement, without running it (EXPLAIN runs nothing of SELECT/UPDATE/DELETE/INSERT). */
async function parses(statement: string, lookup: Lookup): Promise<boolean> {
  if (!/^\s*(select|update|delete|insert|replace)\b/i.test(statement)) return true;
  try {
    await lookup(`EXPLAIN ${statement}`, []);
    return true;
  } catch {
    return false;
  }
}

async function closestColumn(statement: string, message: string, lookup: Lookup): Promise<string | undefined> {
  const unknown = /Unknown column '(?:[\w$]+\.)?([\w$]+)'/i.exec(message)?.[1] ?? /Can't DROP (?:COLUMN )?`([\w$]+)`/i.exec(message)?.[1];
  if (!unknown) return undefined;
  const tables = [...new Set([...statement.matchAll(TABLES)].map((m) => m[1]!))];
  if (tables.length === 0) return undefined;
  const rows = await lookup(
    `SELECT TABLE_NAME, COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN (${tables.map(() => '?').join(',')}) ORDER BY ORDINAL_POSITION`,
    tables,
  );
  const columns = rows.map((r) => ({ table: String(r[0]), column: String(r[1]) }));
  // `on s_id = sd_id`: the fix is a column of the other joined table, never s_id itself
  const other = otherOperand(statement, unknown);
  const otherTables = new Set(columns.filter((c) => c.column.toLowerCase() === other?.toLowerCase()).map((c) => c.table));
  const usable = columns.filter((c) => c.column.toLowerCase() !== other?.toLowerCase());
  const preferred = otherTables.size > 0 ? usable.filter((c) => !otherTables.has(c.table)) : usable;
  for (const pool of [preferred, usable]) {
    const best = closestName(unknown, pool.map((c) => c.column));
    if (!best || best === unknown) continue;
    const fixed = statement.replace(word(unknown), best);
    if (await parses(fixed, lookup)) return `did you mean ${best}? ${fixed}`;
  }
  return undefined;
}

async function closestTable(statement: string, message: string, lookup: Lookup): Promise<string | undefined> {
  // never a DROP or TRUNCATE of the table that happens to be closest
  if (/^\s*(drop|truncate)\b/i.test(statement)) return undefined;
  const unknown = /(?:Table '|Unknown table ')(?:[^'.]+\.)?([^'.]+)'/i.exec(message)?.[1];
  if (!unknown) return undefined;
  const rows = await lookup('SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()', []);
  const best = closestName(unknown, rows.map((r) => String(r[0])));
  if (!best || best === unknown) return undefined;
  const fixed = statement.replace(word(unknown), best);
  return (await parses(fixed, lookup)) ? `did you mean ${best}? ${fixed}` : undefined;
}

/** Fills in what only the server knows; leaves the hint as it was when the lookup fails. */
export async function enrichHint(err: DbxError, statement: string, lookup: Lookup): Promise<void> {
  try {
    if (err.hint?.includes('<constraint_name>')) {
      const fixed = await constraintName(statement, lookup);
      if (fixed) err.hint = `DROP FOREIGN KEY takes the constraint's name, not the column: ${fixed}`;
    } else if ((err.errno === 1054 || (err.errno === 1091 && /DROP (COLUMN )?`/i.test(err.message))) && !err.hint) {
      err.hint = await closestColumn(statement, err.message, lookup);
    } else if ((err.errno === 1146 || err.errno === 1051) && !err.hint) {
      err.hint = await closestTable(statement, err.message, lookup);
    }
  } catch {
    // a hint is a courtesy: never let its lookup hide the real error
  }
}
