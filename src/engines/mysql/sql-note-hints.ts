/**
 * Hints for what a learner copies from a syntax summary or types with a Chinese input method: the note's
 * placeholders (`table_name`, `column_name data_type(length)`, `where xxx`, `value(...)`), full-width
 * punctuation (`‘Sam’`, `；`, `，`), and a `?` with no value bound. A placeholder hint says what is a placeholder
 * and shows a complete statement that runs on the note's own tables (school, student, student_detail, cours,
 * choose), never one that fails again.
 */
import { asciiPunctuation, isFullWidthPunctuation } from '../../text/full-width.js';
import { upper, type HintRule } from './sql-hint-context.js';
import type { SqlToken } from './sql-tokenizer.js';

const ER_PARSE_ERROR = 1064;

/** Words of the note's syntax summaries that stand for something of one's own. */
const PLACEHOLDERS = new Set(['TABLE_NAME', 'COLUMN_NAME', 'DATA_TYPE', 'XXX', 'NEWTBNAME']);

/**
 * Statements that run on the note's tables, one per kind of statement the note summarises. test/e2e/sql-note
 * runs each of them on the note's schema.
 */
export const NOTE_EXAMPLES = {
  select: 'select * from student',
  selectWhere: 'select * from student where s_id = 1',
  insert: "insert into school value(1, 'North')",
  insertRows: "insert into school value(2, 'South'),(3, 'East')",
  insertColumns: "insert into school (id, name) value(4, 'West')",
  update: "update school set name = 'a' where id = 1",
  delete: 'delete from choose where cs_id = 1',
  createTable: 'create table if not exists teacher(id int primary key, name varchar(10))',
  describe: 'describe student',
  showCreate: 'show create table student',
  dropTable: 'drop table if exists teacher',
  alterTable: 'alter table teacher add sex varchar(10) first',
  renameTable: 'alter table teacher rename to teachers',
} as const;

function exampleFor(tokens: SqlToken[]): string {
  const first = upper(tokens[0]);
  const second = upper(tokens[1]);
  const has = (word: string) => tokens.some((t) => upper(t) === word);
  switch (first) {
    case 'SELECT':
      return has('WHERE') ? NOTE_EXAMPLES.selectWhere : NOTE_EXAMPLES.select;
    case 'INSERT':
    case 'REPLACE': {
      const rows = tokens.some((t, k) => t.text === ')' && tokens[k + 1]?.text === ',' && tokens[k + 2]?.text === '(');
      const columns = tokens.some((t, k) => t.text === '(' && k > 0 && tokens[k - 1]!.kind === 'word' && !['VALUE', 'VALUES'].includes(upper(tokens[k - 1])));
      return rows ? NOTE_EXAMPLES.insertRows : columns ? NOTE_EXAMPLES.insertColumns : NOTE_EXAMPLES.insert;
    }
    case 'UPDATE':
      return NOTE_EXAMPLES.update;
    case 'DELETE':
      return NOTE_EXAMPLES.delete;
    case 'DESCRIBE':
    case 'DESC':
    case 'EXPLAIN':
      return NOTE_EXAMPLES.describe;
    case 'SHOW':
      return NOTE_EXAMPLES.showCreate;
    case 'DROP':
      return NOTE_EXAMPLES.dropTable;
    case 'ALTER':
      return has('RENAME') ? NOTE_EXAMPLES.renameTable : NOTE_EXAMPLES.alterTable;
    default:
      return second === 'TABLE' || first === 'CREATE' ? NOTE_EXAMPLES.createTable : NOTE_EXAMPLES.select;
  }
}

function list(names: string[]): string {
  return names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/** `table_name`, `data_type(length)`, `xxx`, `...` copied from a syntax summary, whatever the server said. */
export const summaryPlaceholder: HintRule = ({ tokens }) => {
  const found: string[] = [];
  tokens.forEach((t, k) => {
    if (t.kind !== 'word' || !PLACEHOLDERS.has(t.text.toUpperCase())) return;
    const withLength = upper(t) === 'DATA_TYPE' && tokens[k + 1]?.text === '(' && upper(tokens[k + 2]) === 'LENGTH' ? '(length)' : '';
    if (!found.includes(t.text + withLength)) found.push(t.text + withLength);
  });
  if (tokens.some((t, k) => t.text === '.' && tokens[k + 1]?.text === '.' && tokens[k + 2]?.text === '.')) found.push('...');
  if (found.length === 0) return undefined;
  const brackets = tokens.some((t) => t.text === '[') ? ' ([ ] marks an optional part: leave the brackets out)' : '';
  const what = found.length === 1 ? `${found[0]} is a placeholder` : `${list(found)} are placeholders`;
  return `${what} of a syntax summary, to be replaced by your own names and values${brackets}; ` +
    `for example, on the note's tables: ${exampleFor(tokens)}`;
};

/** `‘Sam’`, `；`, `，` typed with a Chinese input method, outside quotes. */
export const fullWidthPunctuation: HintRule = ({ statement, tokens }) => {
  const wide = tokens.filter((t) => t.kind !== 'string' && t.kind !== 'ident' && [...t.text].some(isFullWidthPunctuation));
  if (wide.length === 0) return undefined;
  let fixed = '';
  let from = 0;
  for (const t of wide) {
    fixed += statement.slice(from, t.start) + asciiPunctuation(statement.slice(t.start, t.end));
    from = t.end;
  }
  fixed += statement.slice(from);
  const marks = [...new Set(wide.flatMap((t) => [...t.text].filter(isFullWidthPunctuation)))].join(' ');
  return `${marks} ${marks.length > 1 ? 'are' : 'is'} full-width punctuation (a Chinese input method): SQL needs ASCII: ${fixed.trim()}`;
};

/** `where id = ?` run without --param: the server sees a bare `?`. */
export const placeholderWithoutValue: HintRule = ({ errno, statement, tokens, nearAt, bound }) => {
  if (errno !== ER_PARSE_ERROR || bound) return undefined;
  const mark = tokens.find((t) => t.text === '?' && t.kind === 'punct' && (nearAt === undefined || t.start >= nearAt - 1));
  if (!mark) return undefined;
  const escaped = statement.replace(/"/g, '\\"');
  return `? is a placeholder for a value bound with --param (one value per ?): dbx sql "${escaped}" --param 1`;
};
