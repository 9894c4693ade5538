/**
 * Hints that need the server: the real name of a foreign-key constraint (the note's `drop foreign key(s_id)`), and
 * the closest existing column for an unknown one (the note's join `on s_id = sd_id`, where the column is de_id).
 * Runs only after a statement failed, so it costs nothing on the way of a good statement.
 */
import type { DbxError } from '../../errors.js';
import { closestName } from '../../text/closest-name.js';

export type Lookup = (sql: string, values: unknown[]) => Promise<unknown[][]>;

const DROP_FK = /alter\s+table\s+`?([\w$]+)`?\s+drop\s+foreign\s+key\s*\(?\s*`?([\w$]+)`?\s*\)?/i;
const TABLES = /\b(?:from|join|update|into)\s+`?([\w$]+)`?/gi;

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

async function closestColumn(statement: string, message: string, lookup: Lookup): Promise<string | undefined> {
  const unknown = /Unknown column '(?:[\w$]+\.)?([\w$]+)'/i.exec(message)?.[1];
  if (!unknown) return undefined;
  const tables = [...statement.matchAll(TABLES)].map((m) => m[1]!);
  if (tables.length === 0) return undefined;
  const rows = await lookup(
    `SELECT DISTINCT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN (${tables.map(() => '?').join(',')})`,
    tables,
  );
  const best = closestName(unknown, rows.map((r) => String(r[0])));
  if (!best || best === unknown) return undefined;
  const fixed = statement.replace(new RegExp(`\\b${unknown}\\b`, 'g'), best);
  return `did you mean ${best}? ${fixed}`;
}

/** Fills in what only the server knows; leaves the hint as it was when the lookup fails. */
export async function enrichHint(err: DbxError, statement: string, lookup: Lookup): Promise<void> {
  try {
    if (err.hint?.includes('<constraint_name>')) {
      const fixed = await constraintName(statement, lookup);
      if (fixed) err.hint = `DROP FOREIGN KEY takes the constraint's name, not the column: ${fixed}`;
    } else if (err.errno === 1054 && !err.hint) {
      err.hint = await closestColumn(statement, err.message, lookup);
    }
  } catch {
    // a hint is a courtesy: never let its lookup hide the real error
  }
}
