/**
 * Learner hints for server errors (CONTRACT "Learner help"): each rule recognises one known mistake and shows
 * the corrected statement. Rules are pure and tried in order; the first that answers wins.
 */
import { editDistance } from '../../text/closest-name.js';
import { inCaseOf, replaceToken, upper, type HintContext, type HintRule } from './sql-hint-context.js';
import { fullWidthPunctuation, placeholderWithoutValue, summaryPlaceholder } from './sql-note-hints.js';
import { tokenizeSql, type SqlToken } from './sql-tokenizer.js';

const ER_PARSE_ERROR = 1064;
const ER_WRONG_AUTO_KEY = 1075;
const ER_CANT_DROP_FIELD_OR_KEY = 1091;
const ER_PASSWORD_NO_MATCH = 1133;

export interface HintOptions {
  /** the script line where the statement starts, so hints can name script lines (default 1) */
  line?: number;
  /** the script was joined from several command-line words (`dbx sql "select 1" "select 2"`) */
  joined?: boolean;
  /** values were bound with --param / --params */
  bound?: boolean;
}

export function sqlHint(statement: string, errno: number, serverMessage: string, options: HintOptions = {}): string | undefined {
  const ctx: HintContext = {
    statement,
    errno,
    message: serverMessage,
    tokens: tokenizeSql(statement),
    nearAt: nearOffset(statement, serverMessage),
    line: options.line ?? 1,
    joined: options.joined ?? false,
    bound: options.bound ?? false,
  };
  for (const rule of RULES) {
    const hint = rule(ctx);
    if (hint !== undefined) return hint;
  }
  return undefined;
}

/** Where "…near 'TEXT' at line N" points in the statement. The server cuts TEXT at 80 characters and adds "...". */
function nearOffset(statement: string, message: string): number | undefined {
  const m = /near '([\s\S]*)' at line (\d+)\s*$/.exec(message);
  if (!m) return undefined;
  const near = m[1];
  if (near === '') return statement.trimEnd().length;
  const lineStart = statement.split('\n').slice(0, Number(m[2]) - 1).join('\n').length;
  for (const probe of near.endsWith('...') ? [near, near.slice(0, -3)] : [near]) {
    const onLine = statement.indexOf(probe, lineStart);
    if (onLine !== -1) return onLine;
    const anywhere = statement.indexOf(probe);
    if (anywhere !== -1) return anywhere;
  }
  return undefined;
}


/* ---------- statements glued together by a missing ';' ---------- */

const STATEMENT_START = new Set(['CREATE', 'INSERT', 'SELECT', 'UPDATE', 'DELETE', 'DROP', 'ALTER']);
// `insert … (a)` / `create table … (…)` followed by SELECT on its own line is valid SQL, so only these count
// as a second statement when the server did not point at them
const AFTER_PAREN_START = new Set(['CREATE', 'INSERT', 'UPDATE', 'DELETE', 'DROP', 'ALTER']);

const missingSemicolon: HintRule = ({ errno, tokens, nearAt, line, statement, joined }) => {
  if (errno !== ER_PARSE_ERROR || nearAt === undefined) return undefined;
  const starts = (k: number): boolean => k > 0 && tokens[k].firstOnLine && tokens[k].depth === 0;
  // where the server stopped, a statement keyword at the outer level starts a second statement, even on the same
  // line (`dbx sql "select 1" "select 2"` joins its arguments with a space)
  const pointed = tokens.findIndex((t, k) => t.start === nearAt && k > 0 && t.depth === 0 && STATEMENT_START.has(upper(t)));
  if (pointed === -1) return undefined;
  if (!tokens[pointed].firstOnLine) {
    const first = statement.slice(0, tokens[pointed].start).trim();
    const second = statement.slice(tokens[pointed].start).trim();
    return joined
      ? `dbx joins its arguments into one script with spaces, and a ';' is missing between the statements: dbx sql "${first};" "${second};"`
      : `a ';' is missing before "${second.length > 40 ? second.slice(0, 40) + '…' : second}": ${first}; ${second}`;
  }
  const later = tokens
    .map((_, k) => k)
    .filter((k) => k > pointed && starts(k) && AFTER_PAREN_START.has(upper(tokens[k])) && tokens[k - 1].text === ')');
  const where = (k: number): string => {
    const t = tokens[k];
    const text = statement.slice(t.start).split('\n')[0].trim();
    return `"${text.length > 40 ? text.slice(0, 40) + '…' : text}" (line ${t.line + line - 1})`;
  };
  const places = [pointed, ...later].map(where);
  const list = places.length === 1 ? places[0] : `${places.slice(0, -1).join(', ')} and ${places[places.length - 1]}`;
  return `a ';' is missing before ${list}: end each statement with ';'`;
};

/* ---------- syntax-summary notation typed verbatim: [optional] and ... ---------- */

const optionalBrackets: HintRule = ({ errno, statement, tokens }) => {
  if (errno !== ER_PARSE_ERROR || !tokens.some((t) => t.text === '[')) return undefined;
  let without = statement;
  let withPart = statement;
  // right to left, so earlier offsets stay valid
  const opens = tokens.filter((t) => t.text === '[').reverse();
  for (const open of opens) {
    const close = tokens.find((t) => t.start > open.start && t.text === ']');
    if (!close) return undefined;
    const inner = tokens.filter((t) => t.start > open.start && t.end <= close.start);
    let body = statement.slice(open.end, close.start);
    for (const t of [...inner].reverse()) {
      const fix = t.kind === 'word' && !KNOWN.has(t.text.toUpperCase()) ? closestKeyword(t, tokens) : undefined;
      if (fix) body = replaceToken(body, { ...t, start: t.start - open.end, end: t.end - open.end }, inCaseOf(t.text, fix));
    }
    const after = /^\s/.test(statement.slice(close.end)) ? close.end + 1 : close.end;
    without = without.slice(0, open.start) + without.slice(after);
    withPart = withPart.slice(0, open.start) + body.trim() + withPart.slice(close.end);
  }
  return `[ ] marks an optional part in a syntax summary; type it without the brackets: ${without.trim()} — or: ${withPart.trim()}`;
};

/* ---------- DROP FOREIGN KEY takes the constraint name ---------- */

function tableOfAlter(tokens: SqlToken[], statement: string): string {
  const k = tokens.findIndex((t) => upper(t) === 'TABLE');
  const name = tokens[k + 1];
  if (k === -1 || !name) return 'tbName';
  const qualified = tokens[k + 2]?.text === '.' && tokens[k + 3] ? tokens[k + 3].end : name.end;
  return statement.slice(name.start, qualified);
}

const dropForeignKeyByColumn: HintRule = ({ errno, message, statement, tokens }) => {
  const k = tokens.findIndex(
    (t, j) => upper(t) === 'DROP' && upper(tokens[j + 1]) === 'FOREIGN' && upper(tokens[j + 2]) === 'KEY',
  );
  if (k === -1) return undefined;
  const byColumn = errno === ER_PARSE_ERROR && tokens[k + 3]?.text === '(';
  const unknownName = errno === ER_CANT_DROP_FIELD_OR_KEY && /DROP FOREIGN KEY/i.test(message);
  if (!byColumn && !unknownName) return undefined;
  let argEnd = tokens[k + 3]?.end ?? statement.length;
  if (byColumn) argEnd = tokens.find((t, j) => j > k + 3 && t.text === ')')?.end ?? statement.length;
  const fixed = `${statement.slice(0, tokens[k + 2].end)} <constraint_name>${statement.slice(argEnd)}`.trim();
  const table = tableOfAlter(tokens, statement);
  return `DROP FOREIGN KEY takes the constraint's name, not the column: ${fixed} — ` +
    `\`show create table ${table}\` shows it (CONSTRAINT \`name\` FOREIGN KEY …)`;
};

/* ---------- a misspelt keyword where the server stopped ---------- */

/** In order of preference when two are equally close. */
const KEYWORDS = [
  'NOT', 'NULL', 'EXISTS', 'IF', 'AUTO_INCREMENT', 'PRIMARY', 'KEY', 'UNIQUE', 'FOREIGN', 'REFERENCES',
  'CONSTRAINT', 'DEFAULT', 'TABLE', 'DATABASE', 'CREATE', 'SELECT', 'FROM', 'WHERE', 'INSERT', 'INTO', 'VALUES',
  'VALUE', 'UPDATE', 'DELETE', 'ALTER', 'MODIFY', 'CHANGE', 'COLUMN', 'ADD', 'DROP', 'RENAME', 'FIRST', 'AFTER',
  'ORDER', 'GROUP', 'HAVING', 'LIMIT', 'DISTINCT', 'BETWEEN', 'LIKE', 'JOIN', 'INNER', 'LEFT', 'RIGHT', 'OUTER',
  'UNION', 'INDEX', 'ENGINE', 'CHARSET', 'CHARACTER', 'COLLATE', 'UNSIGNED', 'INT', 'INTEGER', 'BIGINT', 'TINYINT',
  'VARCHAR', 'CHAR', 'TEXT', 'DOUBLE', 'FLOAT', 'DECIMAL', 'DATETIME', 'TIMESTAMP', 'DATE', 'ENUM', 'ON', 'BY',
  'AND', 'OR', 'AS', 'SET', 'ASC', 'DESC', 'SHOW', 'TABLES', 'DATABASES', 'GRANT', 'PRIVILEGES', 'IDENTIFIED',
];
/** Words never taken for typos: the keywords themselves and other valid ones a learner meets. */
const KNOWN = new Set([
  ...KEYWORDS, 'IS', 'IN', 'TO', 'ALL', 'USER', 'FLUSH', 'USE', 'DESCRIBE', 'CASCADE', 'RESTRICT', 'COMMENT',
  'CURRENT_TIMESTAMP', 'NOW', 'TRUE', 'FALSE', 'BLOB', 'JSON', 'TIME', 'YEAR', 'OFFSET', 'CASE', 'WHEN', 'THEN',
  'ELSE', 'END', 'COUNT', 'SUM', 'AVG', 'MIN', 'MAX', 'ROUND', 'KEYS', 'ZEROFILL', 'BINARY', 'WITH', 'USING',
]);
/** How a fixed word is named: `ont` → NOT reads better as IF NOT EXISTS. */
const PHRASES = [
  ['IF', 'NOT', 'EXISTS'], ['IF', 'EXISTS'], ['NOT', 'NULL'], ['PRIMARY', 'KEY'], ['FOREIGN', 'KEY'],
  ['UNIQUE', 'KEY'], ['ORDER', 'BY'], ['GROUP', 'BY'], ['INNER', 'JOIN'], ['LEFT', 'JOIN'], ['RIGHT', 'JOIN'],
];

/** The phrase the keyword would form with the words around `t`, if any. */
function phraseOf(t: SqlToken, keyword: string, tokens: SqlToken[]): string[] | undefined {
  const k = tokens.indexOf(t);
  const words = tokens.map((x, j) => (j === k ? keyword : upper(x)));
  return PHRASES.find((p) =>
    p.some((w, pos) => w === keyword && p.every((pw, q) => words[k - pos + q] === pw)),
  );
}

function closestKeyword(t: SqlToken, tokens: SqlToken[], strict = false): string | undefined {
  const word = t.text.toUpperCase();
  if (word.length < 3) return undefined;
  const limit = word.length > 5 ? 2 : 1;
  let best: { keyword: string; score: number } | undefined;
  for (const keyword of KEYWORDS) {
    const d = editDistance(word, keyword, strict && word.length < 6 ? 2 : 1);
    if (d > limit) continue;
    // a keyword completing a phrase with its neighbours wins a tie
    const score = d * 2 - (phraseOf(t, keyword, tokens) ? 1 : 0);
    if (!best || score < best.score) best = { keyword, score };
  }
  return best?.keyword;
}

const misspeltKeyword: HintRule = ({ errno, statement, tokens, nearAt }) => {
  if (errno !== ER_PARSE_ERROR || nearAt === undefined) return undefined;
  // the server stops at the misspelt word, or just after it when the word still parsed as a name
  const at = tokens.find((t) => t.start === nearAt);
  const before = [...tokens].reverse().find((t) => t.end <= nearAt);
  for (const t of [at, before]) {
    if (t?.kind !== 'word' || KNOWN.has(t.text.toUpperCase())) continue;
    // a short name the server read past (as a column or an alias) is a typo only when a letter is missing or
    // swapped (`wher`, `form`), not changed: `set sex` is no SET
    const keyword = closestKeyword(t, tokens, t === before);
    if (!keyword) continue;
    const name = (phraseOf(t, keyword, tokens) ?? [keyword]).join(' ');
    return `did you mean ${name}? ${replaceToken(statement, t, inCaseOf(t.text, keyword)).trim()}`;
  }
  return undefined;
};

/* ---------- an AUTO_INCREMENT column must be a key ---------- */

const autoIncrementNeedsKey: HintRule = ({ errno, statement, tokens }) => {
  if (errno !== ER_WRONG_AUTO_KEY) return undefined;
  // the column attribute, not the table option `auto_increment=100`
  const k = tokens.findIndex((t, j) => upper(t) === 'AUTO_INCREMENT' && tokens[j + 1]?.text !== '=');
  if (k === -1) return undefined;
  const key = inCaseOf(tokens[k].text, 'primary key');
  const fixed = `${statement.slice(0, tokens[k].end)} ${key}${statement.slice(tokens[k].end)}`.trim();
  return `an AUTO_INCREMENT column must be a key (primary key or unique key): ${fixed}`;
};

/* ---------- GRANT to a user that was never created ---------- */

const grantToMissingUser: HintRule = ({ errno, statement, tokens }) => {
  if (errno !== ER_PASSWORD_NO_MATCH || upper(tokens[0]) !== 'GRANT') return undefined;
  const to = tokens.findIndex((t) => upper(t) === 'TO');
  const user = tokens[to + 1];
  if (to === -1 || !user) return undefined;
  const host = tokens[to + 2]?.text === '@' ? tokens[to + 3] : undefined;
  // `'test28'@'%'` lexes as string + variable when there is no space: take the text as typed
  const end = host ? host.end : tokens[to + 2]?.kind === 'variable' ? tokens[to + 2].end : user.end;
  const account = statement.slice(user.start, end);
  return `the user does not exist yet; create it first: create user ${account} identified by 'password'`;
};

const RULES: HintRule[] = [
  fullWidthPunctuation,
  missingSemicolon,
  summaryPlaceholder,
  optionalBrackets,
  placeholderWithoutValue,
  dropForeignKeyByColumn,
  misspeltKeyword,
  autoIncrementNeedsKey,
  grantToMissingUser,
];
