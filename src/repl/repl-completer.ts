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

/** Candidates that start with `prefix`; keywords take the case the user is typing in. */
function matching(prefix: string, names: Iterable<string>, keywords: readonly string[] = []): string[] {
  const out = new Set<string>();
  const lower = prefix === prefix.toLowerCase();
  const p = prefix.toLowerCase();
  for (const k of keywords) if (k.toLowerCase().startsWith(p)) out.add(prefix + (lower ? k.toLowerCase() : k.toUpperCase()).slice(prefix.length));
  for (const n of names) if (n.startsWith(prefix)) out.add(n);
  return [...out].sort();
}

const unquote = (name: string): string => name.replace(/^`|`$/g, '');

export class Completer {
  private vocabulary?: Promise<Vocabulary>;

  constructor(
    private readonly engine: Engine,
    /** false while the connection is being re-opened: no queries then */
    private readonly ready: () => boolean = () => true,
  ) {}

  /** Forget what was fetched (a new database, or a statement that may have changed the schema). */
  invalidate(): void {
    this.vocabulary = undefined;
  }

  /** Whether a statement may have changed the names completion offers. */
  changesNames(stmt: Statement): boolean {
    if (this.engine.name === 'sql') return /^\s*(?:create|drop|alter|rename|truncate)\b/i.test(stmt.text);
    if (this.engine.name === 'doc') return /\b(?:create\w*|drop\w*|insert\w*|rename\w*|update\w*|replaceOne)\s*\(/.test(stmt.text);
    return false;
  }

  async complete(line: string): Promise<Completion> {
    switch (this.engine.name) {
      case 'sql':
        return this.sql(line);
      case 'kv':
        return this.kv(line);
      case 'doc':
        return this.doc(line);
    }
  }

  private async names(): Promise<Vocabulary> {
    if (!this.ready()) return EMPTY;
    this.vocabulary ??= this.fetch().catch(() => EMPTY);
    return this.vocabulary;
  }

  private async query(text: string): Promise<string[][]> {
    // the side channel where the engine has one: the user's diagnostics, FOUND_ROWS() and variables stay theirs
    const stmt = { text, line: 1 };
    return resultRows(await (this.engine.introspect ? this.engine.introspect(stmt) : this.engine.execute(stmt)));
  }

  private async fetch(): Promise<Vocabulary> {
    const tables = new Map<string, string[]>();
    switch (this.engine.name) {
      case 'sql': {
        const rows = await this.query(
          'select table_name as t, column_name as c from information_schema.columns where table_schema = database() order by t, ordinal_position',
        );
        for (const [t, c] of rows) {
          if (t === undefined) continue;
          const columns = tables.get(t) ?? [];
          if (c) columns.push(c);
          tables.set(t, columns);
        }
        return { tables, commands: [] };
      }
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

  private async sql(line: string): Promise<Completion> {
    const word = /[\p{L}\p{N}_$.`]*$/u.exec(line)![0];
    const { tables } = await this.names();
    const dot = word.lastIndexOf('.');
    if (dot !== -1) {
      const columns = tables.get(unquote(word.slice(0, dot))) ?? [];
      const qualifier = word.slice(0, dot + 1);
      return [matching(word.slice(dot + 1), columns).map((c) => qualifier + c), word];
    }
    const columns = new Set([...tables.values()].flat());
    return [matching(word, [...tables.keys(), ...columns], SQL_KEYWORDS), word];
  }

  private async kv(line: string): Promise<Completion> {
    const first = /^\s*(\S*)$/.exec(line);
    const afterHelp = /^\s*help\s+(\S*)$/i.exec(line);
    const word = first?.[1] ?? afterHelp?.[1];
    if (word === undefined) return [[], line];
    const { commands } = await this.names();
    return [matching(word, [], commands), word];
  }

  private async doc(line: string): Promise<Completion> {
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
      const { tables } = await this.names();
      return [matching(parts[1]!, [...tables.keys(), ...DB_METHODS]).map((n) => `db.${n}`), word];
    }
    if (parts.length === 3) {
      return [matching(parts[2]!, COLLECTION_METHODS).map((m) => `db.${parts[1]}.${m}`), word];
    }
    return [[], word];
  }
}
