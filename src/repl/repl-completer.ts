/**
 * Tab completion: SQL keywords and the current database's tables and columns; Redis command names from the
 * server's COMMAND LIST; MongoDB collection names and methods after `db.`. The names come from ordinary
 * engine.execute calls (kv: engine.commandNames, on the engine's own connection), fetched on the first Tab and
 * kept until the database changes or the schema may have.
 */
import type { Engine, Result, Statement } from '../engines/engine.js';
import { COLLECTION_METHODS, DB_METHODS } from '../mongo-syntax/doc-methods.js';
import { DOC_CURSOR_METHODS, SQL_KEYWORDS } from './repl-words.js';

export type Completion = [string[], string];

interface Vocabulary {
  /** sql: table → columns; doc: collection → [] */
  tables: Map<string, string[]>;
  /** kv: command names, lower case */
  commands: string[];
}

const EMPTY: Vocabulary = { tables: new Map(), commands: [] };

/** Every value of a result as text: the cells of each row, or the elements of an array reply (first of a tuple). */
async function resultRows(result: Result): Promise<string[][]> {
  const text = (v: unknown): string => (typeof v === 'string' ? v : v === null || v === undefined ? '' : String(v));
  if (result.kind === 'rows') {
    const rows: string[][] = [];
    for await (const row of result.rows) rows.push(Object.values(row).map((v) => text(result.codec.json(v))));
    return rows;
  }
  if (result.kind === 'value') {
    const value = result.codec.json(result.value);
    if (!Array.isArray(value)) return [];
    return value.map((v) => (Array.isArray(v) ? v.map(text) : [text(v)]));
  }
  return [];
}

/**
 * Candidates that start with `prefix`; keywords take the case the user is typing in. Names match in their own
 * case first; when none does, regardless of case (`information_schema.character_se` finds CHARACTER_SETS).
 */
function matching(prefix: string, names: Iterable<string>, keywords: readonly string[] = []): string[] {
  const out = new Set<string>();
  const lower = prefix === prefix.toLowerCase();
  const p = prefix.toLowerCase();
  for (const k of keywords) if (k.toLowerCase().startsWith(p)) out.add(prefix + (lower ? k.toLowerCase() : k.toUpperCase()).slice(prefix.length));
  const list = [...names];
  const exact = list.filter((n) => n.startsWith(prefix));
  for (const n of exact.length > 0 ? exact : list.filter((n) => n.toLowerCase().startsWith(p))) out.add(n);
  return [...out].sort();
}

const unquote = (name: string): string => name.replace(/^`|`$/g, '');
const sqlString = (text: string): string => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;

/** A table the statement names after FROM / JOIN / UPDATE / INTO, with its schema and alias when given. */
interface TableRef {
  schema?: string;
  table: string;
  alias?: string;
}

const NAME = '(?:`[^`]+`|[\\p{L}\\p{N}_$]+)';
const TABLE_REF = new RegExp(`\\b(?:from|join|update|into)\\s+(${NAME})(?:\\.(${NAME}))?(?:\\s+(?:as\\s+)?(${NAME}))?`, 'giu');
// words that may follow a table name without being its alias
const NOT_ALIAS = new Set(['where', 'join', 'inner', 'left', 'right', 'cross', 'natural', 'on', 'using', 'group', 'order', 'limit',
  'having', 'set', 'values', 'value', 'select', 'union', 'straight_join', 'partition', 'window', 'for', 'lock', 'into']);

/** FROM t1 a JOIN db.t2 AS b …: the tables of a statement (a simple reading, good enough to rank completions). */
export function tableRefs(statement: string): TableRef[] {
  const refs: TableRef[] = [];
  for (const m of statement.matchAll(TABLE_REF)) {
    const [first, second, alias] = [m[1], m[2], m[3]].map((n) => (n === undefined ? undefined : unquote(n)));
    const ref: TableRef = second === undefined ? { table: first! } : { schema: first!, table: second };
    if (alias !== undefined && !NOT_ALIAS.has(alias.toLowerCase())) ref.alias = alias;
    refs.push(ref);
  }
  return refs;
}

/** Thrown by the synchronous core when a name list it needs is still being fetched: the caller awaits `load`. */
class Pending {
  constructor(readonly load: Promise<unknown>) {}
}

/**
 * A value fetched once and kept: `get()` returns it when it is here, otherwise starts (or joins) the fetch and
 * throws Pending, so that completion can answer synchronously whenever it can (see Completer.completeNow).
 */
class Fetched<T> {
  private value?: { v: T };
  private loading?: Promise<unknown>;

  constructor(
    private readonly fetch: () => Promise<T>,
    private readonly fallback: T,
  ) {}

  get(): T {
    if (this.value) return this.value.v;
    this.loading ??= this.fetch()
      .catch(() => this.fallback)
      .then((v) => {
        this.value = { v };
      });
    throw new Pending(this.loading);
  }
}

export class Completer {
  private vocabulary!: Fetched<Vocabulary>;
  /** sql: names of other schemas, fetched when a statement may name one (`from inf`) */
  private schemas!: Fetched<string[]>;
  /** sql: another schema's tables and their columns (`information_schema.`), asked once per schema */
  private readonly schemaTables = new Map<string, Fetched<Map<string, string[]>>>();

  constructor(
    private readonly engine: Engine,
    /** false while the connection is being re-opened: no queries then */
    private readonly ready: () => boolean = () => true,
  ) {
    this.invalidate();
  }

  /** Forget what was fetched (a new database, or a statement that may have changed the schema). */
  invalidate(): void {
    this.vocabulary = new Fetched(() => this.fetch(), EMPTY);
    this.schemas = new Fetched(async () => {
      const rows = await this.query('select schema_name from information_schema.schemata order by 1');
      return rows.map((r) => r[0]!).filter((n) => n !== undefined && n !== this.engine.database);
    }, []);
    this.schemaTables.clear();
  }

  /** Start fetching the names now (the shell calls this once its prompt is up), so that the first Tab answers at once. */
  prefetch(): void {
    if (!this.ready()) return;
    try {
      this.vocabulary.get();
    } catch (e) {
      if (!(e instanceof Pending)) throw e;
    }
  }

  /** Whether a statement may have changed the names completion offers. */
  changesNames(stmt: Statement): boolean {
    if (this.engine.name === 'sql') return /^\s*(?:create|drop|alter|rename|truncate)\b/i.test(stmt.text);
    if (this.engine.name === 'doc') return /\b(?:create\w*|drop\w*|insert\w*|rename\w*|update\w*|replaceOne)\s*\(/.test(stmt.text);
    return false;
  }

  /** `line`: the line up to the cursor; `before`: the lines of the same statement typed before it */
  async complete(line: string, before = ''): Promise<Completion> {
    for (;;) {
      try {
        return this.answer(line, before);
      } catch (e) {
        if (!(e instanceof Pending)) throw e;
        await e.load;
      }
    }
  }

  /**
   * The answer when every name it needs is here already, else undefined (and the fetch starts). Two quick Tabs
   * arrive in one read; readline handles the second before a Promise could settle, so the first must be answered
   * synchronously for the second to list the candidates.
   */
  completeNow(line: string, before = ''): Completion | undefined {
    try {
      return this.answer(line, before);
    } catch (e) {
      if (e instanceof Pending) return undefined;
      throw e;
    }
  }

  private answer(line: string, before: string): Completion {
    switch (this.engine.name) {
      case 'sql':
        return this.sql(line, before);
      case 'kv':
        return this.kv(line);
      case 'doc':
        return this.doc(line);
    }
  }

  private names(): Vocabulary {
    return this.ready() ? this.vocabulary.get() : EMPTY;
  }

  private async query(text: string): Promise<string[][]> {
    // the side channel where the engine has one: the user's diagnostics, FOUND_ROWS() and variables stay theirs
    const stmt = { text, line: 1 };
    return resultRows(await (this.engine.introspect ? this.engine.introspect(stmt) : this.engine.execute(stmt)));
  }

  private async fetch(): Promise<Vocabulary> {
    const tables = new Map<string, string[]>();
    switch (this.engine.name) {
      case 'sql':
        return { tables: await this.tableColumns('database()'), commands: [] };
      case 'kv': {
        // never through execute(): inside the user's MULTI the question would be queued in their transaction
        const names = (await this.engine.commandNames?.()) ?? [];
        const commands = names.map((c) => c.toLowerCase()).filter((c) => c !== '' && !c.includes('|'));
        return { tables, commands: [...new Set(commands)].sort() };
      }
      case 'doc': {
        for (const [name] of await this.query('db.getCollectionNames()')) if (name) tables.set(name, []);
        return { tables, commands: [] };
      }
    }
  }

  private sql(line: string, before: string): Completion {
    const word = /[\p{L}\p{N}_$.`]*$/u.exec(line)![0];
    const { tables } = this.names();
    const refs = tableRefs(`${before}\n${line}`);
    const dot = word.lastIndexOf('.');
    if (dot !== -1) {
      const qualifier = word.slice(0, dot + 1);
      const parts = word.slice(0, dot).split('.').map(unquote);
      let names: string[] = [];
      if (parts.length === 1) {
        // an alias of the statement, a table of the current database, else another schema's tables
        const ref = refs.find((r) => r.alias === parts[0]);
        const own = ref ? this.columnsOf(ref, tables) : tables.get(parts[0]!);
        names = own ?? [...this.tablesOf(parts[0]!).keys()];
      } else if (parts.length === 2) {
        names = this.tablesOf(parts[0]!).get(parts[1]!) ?? [];
      }
      return [matching(word.slice(dot + 1), names).map((c) => qualifier + c), word];
    }
    if (/\b(?:from|join|into|update|table|describe|desc)\s+[\p{L}\p{N}_$`]*$/iu.test(line)) {
      // a table, or a schema to qualify one with
      return [matching(word, [...tables.keys(), ...(this.ready() ? this.schemas.get() : [])]), word];
    }
    // the columns of the statement's own tables first, then everything else
    const first = new Set<string>();
    for (const ref of refs) for (const c of this.columnsOf(ref, tables) ?? []) first.add(c);
    const rest = new Set([...tables.keys(), ...[...tables.values()].flat()].filter((n) => !first.has(n)));
    const ranked = matching(word, first);
    const others = matching(word, rest, SQL_KEYWORDS).filter((n) => !ranked.includes(n));
    // readline shows '' as the break between two groups of candidates
    return [ranked.length > 0 && others.length > 0 ? [...ranked, '', ...others] : [...ranked, ...others], word];
  }

  private columnsOf(ref: TableRef, own: Map<string, string[]>): string[] | undefined {
    if (ref.schema === undefined) return own.get(ref.table);
    return this.tablesOf(ref.schema).get(ref.table);
  }

  /** table → its columns in order, of the schema `schema` (an SQL expression: database(), or a quoted name) */
  private async tableColumns(schema: string): Promise<Map<string, string[]>> {
    const rows = await this.query(
      `select table_name as t, column_name as c from information_schema.columns where table_schema = ${schema} order by t, ordinal_position`,
    );
    const tables = new Map<string, string[]>();
    for (const [t, c] of rows) {
      if (t === undefined) continue;
      const columns = tables.get(t) ?? [];
      if (c) columns.push(c);
      tables.set(t, columns);
    }
    return tables;
  }

  private tablesOf(schema: string): Map<string, string[]> {
    if (!this.ready()) return new Map();
    let found = this.schemaTables.get(schema);
    if (!found) {
      found = new Fetched(() => this.tableColumns(sqlString(schema)), new Map<string, string[]>());
      this.schemaTables.set(schema, found);
    }
    return found.get();
  }

  private kv(line: string): Completion {
    const first = /^\s*(\S*)$/.exec(line);
    const afterHelp = /^\s*help\s+(\S*)$/i.exec(line);
    const word = first?.[1] ?? afterHelp?.[1];
    if (word === undefined) return [[], line];
    const { commands } = this.names();
    return [matching(word, [], commands), word];
  }

  private doc(line: string): Completion {
    const word = /[\p{L}\p{N}_$.]*$/u.exec(line)![0];
    if (/^\s*show\s+\w*$/i.test(line)) return [matching(word, ['dbs', 'databases', 'collections']), word];
    const parts = word.split('.');
    if (parts.length === 1) return [matching(word, ['db', 'show', 'use', 'help', 'exit', 'quit']), word];
    if (parts[0] === '' && parts.length === 2) {
      // `.so` after `find(…)`: a cursor method
      return [matching(parts[1]!, DOC_CURSOR_METHODS).map((m) => `.${m}`), word];
    }
    if (parts[0] !== 'db') return [[], word];
    if (parts.length === 2) {
      const { tables } = this.names();
      return [matching(parts[1]!, [...tables.keys(), ...DB_METHODS]).map((n) => `db.${n}`), word];
    }
    if (parts.length === 3) {
      return [matching(parts[2]!, COLLECTION_METHODS).map((m) => `db.${parts[1]}.${m}`), word];
    }
    return [[], word];
  }
}
