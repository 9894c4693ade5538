/**
 * Safety classification of one SQL statement, from its tokens (so a WHERE inside a string, a comment or a
 * subquery never counts). Read-only is a short allow-list; anything not on it is a write.
 */
import { tokenizeSql, type SqlToken } from './sql-tokenizer.js';

export interface SqlClassification {
  /** changes data or schema */
  write: boolean;
  /** DROP DATABASE/SCHEMA/TABLE, TRUNCATE, DELETE or UPDATE without WHERE */
  destructive: boolean;
  /** upper-cased first keyword ('' for an empty statement) */
  firstKeyword: string;
}

const READ_ONLY = new Set([
  'SHOW', 'DESCRIBE', 'DESC', 'EXPLAIN', 'USE', 'HELP', 'VALUES', 'TABLE', 'CHECK', 'CHECKSUM',
  // transaction control changes nothing by itself; BEGIN NOT ATOMIC (a compound statement) and START TRANSACTION
  // READ WRITE are handled below
  'BEGIN', 'START', 'COMMIT', 'ROLLBACK', 'SAVEPOINT', 'RELEASE',
  // HANDLER … OPEN / READ / CLOSE reads a table row by row: it has no way to change one
  'HANDLER',
]);

/**
 * Statements that run code dbx cannot see: a stored procedure (CALL), a prepared statement (EXECUTE), a compound
 * statement. Any of them may write, and may be as destructive as DROP TABLE: refused under readonly, confirmed
 * under confirm.
 */
const OPAQUE = { write: true, destructive: true };

/** session variables that lift the read-only session safety: readonly sets up (mysql-engine.ts) */
const READ_ONLY_SWITCHES = /^(@@(session\.|local\.)?)?(tx_read_only|transaction_read_only)$/i;

/** keywords that can follow WITH … or EXPLAIN ANALYZE / ANALYZE as the statement that really runs */
const INNER_STATEMENT = new Set(['SELECT', 'UPDATE', 'DELETE', 'INSERT', 'REPLACE', 'TABLE', 'VALUES']);

const isWord = (t: SqlToken | undefined, ...words: string[]): boolean =>
  t !== undefined && t.kind === 'word' && words.includes(t.text.toUpperCase());

/** Statements whose body holds `;` of its own: a routine, trigger or event definition, a compound statement. */
function isCompound(tokens: SqlToken[]): boolean {
  const words = tokens.slice(0, 12).filter((t) => t.kind === 'word').map((t) => t.text.toUpperCase());
  if (words[0] === 'BEGIN' && words[1] === 'NOT') return true;
  if (['IF', 'WHILE', 'LOOP', 'REPEAT', 'FOR', 'CASE', 'DECLARE'].includes(words[0] ?? '')) return true;
  if (tokens[1]?.text === ':') return true; // label: BEGIN …
  return (words[0] === 'CREATE' || words[0] === 'ALTER') && words.some((w) => ['PROCEDURE', 'FUNCTION', 'TRIGGER', 'EVENT', 'PACKAGE'].includes(w));
}

/**
 * A statement, or several in one DELIMITER chunk (`select 1; drop table t//` runs both): a write when any of them
 * writes, destructive when any of them is.
 */
export function classifySql(text: string): SqlClassification {
  const tokens = tokenizeSql(text);
  const cuts = isCompound(tokens) ? [] : tokens.flatMap((t, k) => (t.text === ';' && t.kind === 'punct' && t.depth === 0 ? [k] : []));
  if (cuts.length === 0) return classifyOne(tokens);
  const parts = [...cuts, tokens.length].map((end, k) => tokens.slice(k === 0 ? 0 : cuts[k - 1]! + 1, end)).filter((p) => p.length > 0);
  const each = parts.map(classifyOne);
  return {
    write: each.some((c) => c.write),
    destructive: each.some((c) => c.destructive),
    firstKeyword: each[0]?.firstKeyword ?? '',
  };
}

function classifyOne(tokens: SqlToken[]): SqlClassification {
  let first = 0;
  while (tokens[first]?.text === '(') first++;
  const keyword = tokens[first]?.kind === 'word' ? tokens[first].text.toUpperCase() : '';
  if (keyword === '') return { write: false, destructive: false, firstKeyword: '' };
  if (isCompound(tokens) && keyword !== 'CREATE' && keyword !== 'ALTER') return { ...OPAQUE, firstKeyword: keyword };
  // SELECT, TABLE, VALUES, WITH …, a parenthesised query: INTO OUTFILE / DUMPFILE writes a file on the server
  const intoFile = tokens.some((t, k) => isWord(t, 'INTO') && isWord(tokens[k + 1], 'OUTFILE', 'DUMPFILE'));
  const c = classifyAt(tokens, first);
  return { write: c.write || intoFile, destructive: c.destructive, firstKeyword: keyword };
}

function classifyAt(tokens: SqlToken[], at: number): { write: boolean; destructive: boolean } {
  const read = { write: false, destructive: false };
  const write = { write: true, destructive: false };
  const keyword = tokens[at].text.toUpperCase();
  const next = tokens[at + 1];
  const depth = tokens[at].depth;
  const rest = tokens.slice(at + 1);
  const hasWhere = (): boolean => rest.some((t) => t.depth === depth && isWord(t, 'WHERE'));

  switch (keyword) {
    case 'SELECT':
      return read;
    case 'CALL':
    case 'EXECUTE':
      return OPAQUE;
    case 'WITH': {
      const main = rest.findIndex((t) => t.depth === depth && isWord(t, ...INNER_STATEMENT));
      return main === -1 ? write : classifyAt(tokens, at + 1 + main);
    }
    case 'EXPLAIN':
    case 'DESCRIBE':
    case 'DESC':
      // EXPLAIN ANALYZE runs the statement it explains
      return isWord(next, 'ANALYZE') ? analyzed(tokens, at + 2) : read;
    case 'ANALYZE':
      // ANALYZE TABLE only refreshes statistics; MariaDB's ANALYZE <statement> runs the statement
      return isWord(next, 'TABLE', 'TABLES', 'NO_WRITE_TO_BINLOG', 'LOCAL') ? read : analyzed(tokens, at + 1);
    case 'SET': {
      // MariaDB's SET STATEMENT var = value [, …] FOR <statement> runs the statement
      const forAt = isWord(next, 'STATEMENT') ? rest.findIndex((t) => t.depth === depth && isWord(t, 'FOR')) : -1;
      const assignments = forAt === -1 ? rest : rest.slice(0, forAt);
      // session variables are the session's own business; GLOBAL/PERSIST and passwords outlive it, and READ WRITE
      // would lift the read-only session that readonly sets up
      const lasting = assignments.some(
        (t, k) =>
          (t.depth === depth && isWord(t, 'GLOBAL', 'PERSIST', 'PERSIST_ONLY', 'PASSWORD')) ||
          (t.kind === 'variable' && /^@@(global|persist|persist_only)\./i.test(t.text)) ||
          (READ_ONLY_SWITCHES.test(t.text) && /^[:=]/.test(assignments[k + 1]?.text ?? '')) ||
          (isWord(t, 'READ') && isWord(assignments[k + 1], 'WRITE')),
      );
      const own = lasting || isWord(next, 'DEFAULT') ? write : read;
      if (forAt === -1 || rest[forAt + 1] === undefined) return own;
      const inner = classifyAt(tokens, at + 2 + forAt);
      return { write: own.write || inner.write, destructive: inner.destructive };
    }
    case 'START':
      // START TRANSACTION READ WRITE would lift the read-only session
      return rest.some((t, k) => isWord(t, 'READ') && isWord(rest[k + 1], 'WRITE')) ? write : read;
    case 'BEGIN':
      return isWord(next, 'NOT') ? OPAQUE : read;
    case 'DELETE':
    case 'UPDATE':
      return { write: true, destructive: !hasWhere() };
    case 'TRUNCATE':
      return { write: true, destructive: true };
    case 'DROP': {
      const what = isWord(next, 'TEMPORARY') ? tokens[at + 2] : next;
      return { write: true, destructive: isWord(what, 'DATABASE', 'SCHEMA', 'TABLE', 'TABLES') };
    }
    default:
      return READ_ONLY.has(keyword) ? read : write;
  }
}

/** the statement after ANALYZE [FORMAT=JSON] runs for real: classify it */
function analyzed(tokens: SqlToken[], from: number): { write: boolean; destructive: boolean } {
  let k = from;
  if (isWord(tokens[k], 'FORMAT')) k += tokens[k + 1]?.text === '=' ? 3 : 2;
  while (tokens[k]?.text === '(') k++;
  return tokens[k] !== undefined && isWord(tokens[k], ...INNER_STATEMENT, 'WITH')
    ? classifyAt(tokens, k)
    : { write: false, destructive: false };
}
