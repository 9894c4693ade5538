/**
 * Learner help for the engines' own clients' connection flags typed to dbx: the mysql client's
 * `-uroot -pqwe123 -hlocalhost -P3306 -D db -e "…"` (and `--host --port --user --database --execute`), mongosh's
 * `--host --port --username`. dbx takes connection settings from a profile or one --url, so the hint spells out
 * the URL, and the command, that do the same.
 */
const SHORT = /^-(u|p|h|P|D|e)(.*)$/s;
const LONG = /^--(host|port|user|username|password|database|execute)(?:=(.*))?$/s;
const LONG_KEY: Record<string, string> = { host: 'h', port: 'P', user: 'u', username: 'u', password: 'p', database: 'D', execute: 'e' };
const ENGINES = new Set(['sql', 'kv', 'doc']);

interface Flags {
  engine: 'sql' | 'doc';
  found: Record<string, string>;
  /** `-h HOST` / `-hHOST`, which commander would take for --help */
  shortHost: boolean;
}

/**
 * The client flags on the command line. kv's words after the command name are Redis arguments, never flags, and
 * redis-cli's own flags are kv's concern: only sql (also when no engine is named) and doc are read.
 */
function clientFlags(argv: readonly string[]): Flags | undefined {
  let engine: string | undefined;
  let shortHost = false;
  const found: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    if (engine === undefined && ENGINES.has(word)) {
      engine = word;
      if (engine === 'kv') return undefined;
      continue;
    }
    const long = LONG.exec(word);
    const short = long ? undefined : SHORT.exec(word);
    if (!long && !short) continue;
    const key = long ? LONG_KEY[long[1]!]! : short![1]!;
    const inline = long ? long[2] : short![2] !== '' ? short![2] : undefined;
    // `-p NAME` is dbx's --profile (and the mysql client's `-p db` asks for the password): only -pSECRET is one
    if (key === 'p' && !long) {
      if (inline !== undefined) found.p = inline;
      else i++;
      continue;
    }
    const next = argv[i + 1];
    const value = inline ?? (next !== undefined && !next.startsWith('-') && !ENGINES.has(next) ? next : undefined);
    if (value === undefined) continue; // a bare -h is dbx's help
    found[key] = value;
    if (inline === undefined) i++;
    if (short) shortHost ||= key === 'h';
  }
  // -p alone is dbx's --profile: it takes no part unless another client flag shows the mysql habit
  if (!['u', 'h', 'P', 'D', 'e'].some((k) => found[k] !== undefined)) return undefined;
  return { engine: engine === 'doc' ? 'doc' : 'sql', found, shortHost };
}

/** True when the command line holds a client's -h HOST: dbx would take that -h for --help and run nothing. */
export function hasClientHostFlag(argv: readonly string[]): boolean {
  const flags = clientFlags(argv);
  return flags?.shortHost === true;
}

function shellWord(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/** The --url form of the client flags on the command line, or undefined when there are none. */
export function mysqlMongoshFlagsHint(argv: readonly string[]): string | undefined {
  const flags = clientFlags(argv);
  if (!flags) return undefined;
  const { engine, found } = flags;
  const sql = engine === 'sql';
  const user = found.u !== undefined ? encodeURIComponent(found.u) : sql ? 'root' : undefined;
  // the password typed on the command line is not repeated: secrets never appear in dbx's output
  const password = found.p !== undefined && user !== undefined ? ':<password>' : '';
  const host = found.h === undefined || found.h === 'localhost' && !sql ? '127.0.0.1' : found.h;
  const port = found.P ?? (sql ? '3306' : '27017');
  const database = found.D ?? 'test';
  const url = `${sql ? 'mysql' : 'mongodb'}://${user !== undefined ? `${user}${password}@` : ''}${host}:${port}/${database}`;
  // a statement that sets a password is not echoed either
  const statement = found.e === undefined ? '' : /identified|password/i.test(found.e) ? ' "…"' : ` ${shellWord(found.e)}`;
  const client = sql ? "the mysql client's -u -p -h -P -D -e" : "mongosh's --host --port --username";
  return `dbx takes ${client} as one URL (its -p names a profile, -h is help): dbx --url ${url} ${engine}${statement} (or put it in a profile: dbx init)`;
}
