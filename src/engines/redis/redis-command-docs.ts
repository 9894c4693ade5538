/**
 * What the server says about its commands: flags (for the readonly/confirm safety checks), key positions (for
 * cluster routing) and syntax (for learner hints). Everything comes from COMMAND INFO / COMMAND DOCS /
 * COMMAND LIST and is cached per name: there is no hand-written table of commands here.
 */
import { ReplyError, argText, isAggregate, isBulk, replyItems, replyRecord, replyText, type Arg, type Reply } from './resp-types.js';
import { editDistance } from '../../text/closest-name.js';

export interface CommandInfo {
  /** lower-case, `container|sub` for subcommands */
  name: string;
  arity: number;
  flags: Set<string>;
  firstKey: number;
  lastKey: number;
  step: number;
  /** names (`config|get`, …) when this is a container command */
  subcommands: string[];
}

export type Send = (args: readonly Arg[]) => Promise<Reply>;

export class CommandCatalog {
  private readonly infos = new Map<string, Promise<CommandInfo | null>>();
  private readonly docs = new Map<string, Promise<Map<string, Reply> | null>>();
  private list?: Promise<string[]>;

  constructor(private readonly send: Send) {}

  /** COMMAND INFO, cached; null for a command the server does not know. Rejects if the server refuses COMMAND. */
  info(name: string): Promise<CommandInfo | null> {
    const key = name.toLowerCase();
    let p = this.infos.get(key);
    if (!p) {
      p = this.send(['COMMAND', 'INFO', key]).then((r) => {
        if (r instanceof ReplyError) throw r;
        const first = replyItems(r)[0];
        return first === null || first === undefined ? null : parseInfo(first);
      });
      p.catch(() => this.infos.delete(key));
      this.infos.set(key, p);
    }
    return p;
  }

  /** The info of the command these words call: `config set …` → `config|set`. */
  async infoFor(args: readonly Arg[]): Promise<CommandInfo | null> {
    const name = argText(args[0]).toLowerCase();
    const info = await this.info(name);
    if (!info || info.subcommands.length === 0 || args.length < 2) return info;
    const sub = `${name}|${argText(args[1]).toLowerCase()}`;
    return info.subcommands.includes(sub) ? ((await this.info(sub)) ?? info) : info;
  }

  /** the keys of a command with movable key positions (EVAL, ZUNIONSTORE, SORT …); [] when it has none */
  async getKeys(args: readonly Arg[]): Promise<Arg[]> {
    const r = await this.send(['COMMAND', 'GETKEYS', ...args]);
    return r instanceof ReplyError ? [] : replyItems(r).filter(isBulk);
  }

  /** `LREM key count element`, built from COMMAND DOCS; undefined when the server has no docs (Redis < 7). */
  async syntax(name: string): Promise<string | undefined> {
    const doc = await this.doc(name);
    if (!doc) return undefined;
    const args = replyItems(doc.get('arguments') ?? []).map(replyRecord);
    const words = name.toUpperCase().split('|');
    return [...words, ...args.map((a) => renderArg(a))].join(' ');
  }

  /** subcommand names of a container command (`get`, `set` … for `config`) */
  async subcommandsOf(name: string): Promise<string[]> {
    const info = await this.info(name).catch(() => null);
    return (info?.subcommands ?? []).map((s) => s.slice(s.indexOf('|') + 1));
  }

  /** every command name the server knows (COMMAND LIST; before Redis 7, the first field of each COMMAND entry), lower-case */
  names(): Promise<string[]> {
    this.list ??= this.send(['COMMAND', 'LIST']).then(async (r) => {
      if (r instanceof ReplyError) {
        const all = await this.send(['COMMAND']);
        if (all instanceof ReplyError) throw r;
        return replyItems(all).map((entry) => replyText(replyItems(entry)[0] ?? null).toLowerCase());
      }
      return replyItems(r).map((n) => replyText(n).toLowerCase());
    });
    this.list.catch(() => {
      this.list = undefined;
    });
    return this.list;
  }

  private doc(name: string): Promise<Map<string, Reply> | null> {
    const key = name.toLowerCase();
    let p = this.docs.get(key);
    if (!p) {
      p = this.send(['COMMAND', 'DOCS', key]).then((r) => {
        if (r instanceof ReplyError) return null;
        const byName = replyRecord(r);
        const doc = byName.get(key) ?? [...byName.values()][0];
        return doc === undefined ? null : replyRecord(doc);
      });
      this.docs.set(key, p);
    }
    return p;
  }
}

function parseInfo(r: Reply): CommandInfo {
  const f = replyItems(r);
  const num = (i: number): number => Number(f[i] ?? 0);
  const subs = f[9] !== undefined && isAggregate(f[9]) ? replyItems(f[9]) : [];
  return {
    name: replyText(f[0] ?? null).toLowerCase(),
    arity: num(1),
    flags: new Set(replyItems(f[2] ?? []).map((x) => replyText(x).toLowerCase())),
    firstKey: num(3),
    lastKey: num(4),
    step: num(5),
    subcommands: subs.map((s) => replyText(replyItems(s)[0] ?? null).toLowerCase()),
  };
}

/** One argument of the docs' tree as redis.io writes it: [optional], a [a ...], <one | of>, TOKEN value. */
function renderArg(a: Map<string, Reply>, insideOneof = false): string {
  const type = replyText(a.get('type') ?? null);
  const token = a.has('token') ? replyText(a.get('token')!) : undefined;
  const flags = new Set(replyItems(a.get('flags') ?? []).map((x) => replyText(x)));
  const children = replyItems(a.get('arguments') ?? []).map(replyRecord);
  const optional = flags.has('optional');
  let core: string;
  if (type === 'pure-token') core = token ?? replyText(a.get('name') ?? null);
  else if (type === 'oneof') {
    core = children.map((c) => renderArg(c, true)).join(' | ');
    if (!optional && !insideOneof && children.length > 1) core = `<${core}>`;
  } else if (type === 'block') core = children.map((c) => renderArg(c)).join(' ');
  else core = a.has('display_text') ? replyText(a.get('display_text')!) : replyText(a.get('name') ?? null);
  const withToken = token && type !== 'pure-token' ? `${token} ${core}` : core;
  let s = withToken;
  if (flags.has('multiple')) s = flags.has('multiple_token') ? `${withToken} [${withToken} ...]` : `${withToken} [${core} ...]`;
  return optional ? `[${s}]` : s;
}


/**
 * The names closest to `word` (distance ≤ 2, and less than half its length), best first: redis-cli users get a
 * short list of commands, where the other hints name one (text/closest-name.ts, whose edit distance this uses).
 */
export function closestNames(word: string, names: readonly string[], max = 3): string[] {
  const w = word.toLowerCase();
  const limit = Math.min(2, Math.ceil(w.length / 2) - 1);
  return names
    .map((n) => ({ n, d: editDistance(w, n) }))
    .filter((x) => x.d <= limit && x.d > 0)
    .sort((x, y) => x.d - y.d || x.n.localeCompare(y.n))
    .slice(0, max)
    .map((x) => x.n);
}
