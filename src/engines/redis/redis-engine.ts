/**
 * The kv engine: Redis and Redis Cluster over our own RESP3 client (resp-*.ts). ioredis was measured first and
 * loses what redis-cli shows (OK vs "OK", RESP3 types, binary hash fields; an attribute reply drops its
 * connection) and is slower: docs/decisions.md, with the bench scripts that show it.
 */
import { StatementError, UsageError } from '../../errors.js';
import type { BatchOptions, Classification, Engine, EngineContext, Outcome, Result, Statement } from '../engine.js';
import type { CommandCatalog } from './redis-command-docs.js';
import { commandSafety, unknownCommandSafety } from './redis-command-safety.js';
import { ClusterRouter } from './redis-cluster.js';
import { CLUSTER_WIDE, clusterFlushReason, clusterWide } from './redis-cluster-wide.js';
import { parseRedisEndpoint } from './redis-endpoint.js';
import { plainStatementError, toStatementError } from './redis-errors.js';
import { splitRedisArgs, splitRedisScript } from './redis-line-splitter.js';
import { messageStream, STREAMING_COMMANDS } from './redis-pubsub.js';
import { joinArgs, redactArgs, redactText } from './redis-redact.js';
import { replyToResult, TEXT_REPORT_COMMANDS } from './redis-reply-mapper.js';
import { SentinelRouter } from './redis-sentinel.js';
import { SessionState } from './redis-session-state.js';
import { StandaloneRouter, type Router } from './redis-router.js';
import { keysByScan, streamIfLarge } from './redis-streaming.js';
import { repliesBefore } from './resp-connection.js';
import { encodeCommand } from './resp-encoder.js';
import { argText, OK, ReplyError, type Arg, type Reply } from './resp-types.js';

/** statements per write within a batch */
const PIPELINE_PART = 250;
/** pipelines sent ahead of the one being printed */
const PARTS_AHEAD = 16;
/**
 * statements in flight at most: the part being read and the parts ahead. When a reply in it fails, at most
 * PIPELINE_WINDOW - 1 statements after the failing one (4,249) have already been sent and run (README states it)
 */
export const PIPELINE_WINDOW = PIPELINE_PART * (PARTS_AHEAD + 1);
/** a cluster pipeline, sent only after the previous one is answered */
const CLUSTER_PART = 1000;
/** commands whose words may hold a password (see redis-redact.ts) */
const SECRET_BEARING = new Set(['auth', 'hello', 'config', 'migrate', 'acl']);
/** bytes: the server may refuse an inline command longer than 64 KB */
const INLINE_MAX = 60_000;
/** these need the whole reply shaped by the engine, so a script runs them on their own, not in a pipeline */
const ALONE = new Set(['keys', 'lrange', 'zrange', 'zrevrange', 'smembers', 'hgetall', ...STREAMING_COMMANDS]);

export function createEngine(ctx: EngineContext): Engine {
  return new RedisEngine(ctx);
}

class RedisEngine implements Engine {
  readonly name = 'kv' as const;
  /** the runner hands over whole scripts: PIPELINE_WINDOW bounds what is in flight */
  readonly batchSize = 1_000_000;
  readonly transaction = {
    begin: async (): Promise<void> => {
      await this.execute({ text: 'MULTI', line: 0, args: ['MULTI'] });
    },
    commit: async (): Promise<Result | undefined> => this.execute({ text: 'EXEC', line: 0, args: ['EXEC'] }),
    rollback: async (): Promise<void> => {
      await this.router.send(['DISCARD']).catch(() => undefined);
      this.session.reset();
    },
  };
  /** role: replica: writes are refused before they are sent, as under safety: readonly */
  readonly readOnlyReason?: string;
  private readonly router: Router;
  private readonly cluster: boolean;
  private readonly note: (line: string) => void;
  private readonly catalog: CommandCatalog;
  private db: number;
  private readonly session = new SessionState({
    database: (db) => {
      this.db = db;
      this.router.selected(db);
    },
    protocol: (p) => this.router.protocolChanged?.(p),
    endpoint: () => this.endpoint,
  });

  constructor(ctx: EngineContext) {
    const ep = parseRedisEndpoint(ctx.endpoint);
    this.db = ep.db;
    // the protocol redis-cli would speak: RESP2 by default, RESP3 for --json (or as the URL says: ?protocol=3)
    const protocol = ep.protocol ?? (ctx.typedValues ? 3 : 2);
    const opts = {
      endpoint: ep, protocol, timeoutMs: ctx.connectTimeoutMs, verbose: ctx.verbose, notice: ctx.note, askPassword: ctx.askPassword,
    };
    this.router = ep.cluster ? new ClusterRouter(opts) : ep.sentinel ? new SentinelRouter(opts) : new StandaloneRouter(opts);
    this.cluster = ep.cluster;
    this.note = ctx.note ?? (() => undefined);
    if (ep.sentinel?.role === 'replica') {
      this.readOnlyReason = `profile '${ctx.profile}' reaches a replica of ${ep.sentinel.name} (role: replica)`;
    }
    // docs and flags come over dbx's own connection, never the user's (it may be inside a MULTI)
    this.catalog = this.router.catalog;
  }

  get database(): string {
    return String(this.db);
  }

  /** for messages: follows SELECT, so an error after `select 2` names database 2 */
  get endpoint(): string {
    return this.router.display(this.db);
  }

  split(script: string): Statement[] {
    const statements = splitRedisScript(script);
    for (const st of statements) if (commandName(st) === 'client') refuseSilencing(this.argsOf(st));
    return statements;
  }

  connect(): Promise<void> {
    return this.router.connect();
  }

  /** a cluster-wide FLUSHALL / FLUSHDB is confirmed whatever the profile's safety */
  confirmAlways(stmt: Statement): string | undefined {
    if (!this.cluster) return undefined;
    const name = commandName(stmt);
    return name === 'flushall' || name === 'flushdb' ? clusterFlushReason(name) : undefined;
  }

  async classify(stmt: Statement): Promise<Classification> {
    const args = this.argsOf(stmt);
    let info;
    try {
      info = await this.catalog.infoFor(args);
    } catch {
      // COMMAND is renamed or forbidden here: without flags, assume the worst
      return unknownCommandSafety(args);
    }
    return commandSafety(info, args);
  }

  async execute(stmt: Statement): Promise<Result> {
    const args = this.argsOf(stmt);
    const name = argText(args[0]).toLowerCase();
    const fail = (e: ReplyError): Promise<Error> => this.fail(e, args);
    if (name === 'client') refuseSilencing(args);
    if (!this.session.inMulti) {
      if (name === 'keys' && args.length === 2) {
        if (this.cluster) this.note('kv: KEYS on a Redis Cluster: a SCAN over every master');
        return keysByScan(this.router, args[1]!, fail);
      }
      if (STREAMING_COMMANDS.has(name)) return messageStream(await this.router.connectionFor(args), args, fail);
      const streamed = await streamIfLarge(this.router, args, fail);
      if (streamed) return streamed;
      const wide = await clusterWide(this.router, args, this.note);
      if (wide instanceof ReplyError) throw await this.fail(wide, args);
      if (wide !== undefined) return this.resultOf(wide, args);
    }
    const reply = await this.router.send(args);
    const failure = this.session.track(name, reply, args);
    if (reply instanceof ReplyError) throw await this.fail(reply, args);
    return withFailure(this.resultOf(reply, args), failure);
  }

  /**
   * Pipelines the statements; KEYS, the possibly huge collection reads and SUBSCRIBE/MONITOR run on their own.
   * On a standalone server a script line goes out as it is, as an inline command: the server splits it with the
   * very splitter redis-cli uses (and split() already refused bad quoting), which spares us re-splitting and
   * encoding 100,000 lines.
   */
  async *executeBatch(stmts: Statement[], options: BatchOptions = {}): AsyncIterable<Outcome[]> {
    const raw = this.router.pipelineRaw !== undefined;
    let i = 0;
    while (i < stmts.length) {
      const chunk: Statement[] = [];
      const names: string[] = [];
      for (; i < stmts.length; i++) {
        const statement = stmts[i]!;
        const name = commandName(statement);
        if (ALONE.has(name) || (raw && !inlineable(statement)) || (this.cluster && CLUSTER_WIDE.has(name))) break;
        chunk.push(statement);
        names.push(name);
      }
      // Sent as back-to-back pipelines of PIPELINE_PART commands, at most PARTS_AHEAD parts beyond the one being
      // printed: the server works on the later ones while the runner prints. With stopAtError nothing more is sent
      // once a part's replies hold a failure, so at most PIPELINE_WINDOW - 1 commands after the failing one have
      // already been sent (they run, and are yielded afterFailure). A cluster keeps one pipeline of CLUSTER_PART
      // at a time: its parts could reach the nodes out of order.
      const step = raw ? PIPELINE_PART : CLUSTER_PART;
      const ahead = raw ? PARTS_AHEAD : 0;
      const parts: { from: number; replies: Promise<Reply[]> }[] = [];
      const send = (from: number) => {
        const replies = raw
          ? this.router.pipelineRaw!(chunk.slice(from, from + step).map(encodedRequest).join(''), Math.min(step, chunk.length - from))
          : this.router.pipeline(chunk.slice(from, from + step).map((st) => this.argsOf(st)));
        replies.catch(() => undefined); // an earlier part's failure is the one reported
        parts.push({ from, replies });
      };
      let stopped = false;
      let next = 0;
      for (let p = 0; p * step < chunk.length; p++) {
        while (!stopped && next < chunk.length && parts.length <= p + ahead) {
          send(next);
          next += step;
        }
        const part = parts[p];
        if (!part) break; // stopped: this part was never sent
        let replies: Reply[];
        try {
          replies = await part.replies;
        } catch (e) {
          // the connection broke mid-pipeline (QUIT, a killed client, a server gone): print what was answered, so
          // that the output says which commands ran, then report the loss (a cluster's replies come from several
          // nodes and cannot be lined up with the statements this way)
          const answered = raw ? repliesBefore(e) : [];
          if (answered.length > 0) yield await this.outcomesOf(chunk, names, part.from, answered, stopped);
          throw e;
        }
        const outcomes = await this.outcomesOf(chunk, names, part.from, replies, stopped);
        if (options.stopAtError && !stopped) {
          const failing = outcomes.findIndex(failed);
          if (failing >= 0) {
            stopped = true;
            for (const o of outcomes.slice(failing + 1)) o.afterFailure = true;
          }
        }
        yield outcomes;
      }
      if (stopped) return;
      // the inner loop stopped at a statement that runs on its own
      if (i < stmts.length) {
        const statement = stmts[i++]!;
        let outcome: Outcome;
        try {
          outcome = { statement, result: await this.execute(statement) };
        } catch (error) {
          if (!(error instanceof StatementError)) throw error;
          outcome = { statement, error };
        }
        yield [outcome];
        if (options.stopAtError && failed(outcome)) return;
      }
    }
  }

  /**
   * The outcomes of chunk[from…] given their replies, in order. `afterFailure`: they follow a failure the runner
   * stops at, so they are only counted: no hint is looked up for their errors.
   */
  private async outcomesOf(chunk: Statement[], names: string[], from: number, replies: Reply[], afterFailure = false): Promise<Outcome[]> {
    const outcomes: Outcome[] = [];
    for (let k = 0; k < replies.length; k++) {
      const statement = chunk[from + k]!;
      const reply = replies[k]!;
      const name = names[from + k]!;
      const failure = this.session.watches(name) ? this.session.track(name, reply, this.argsOf(statement)) : undefined;
      const outcome: Outcome = reply instanceof ReplyError
        ? { statement, error: afterFailure ? this.plainFail(reply, this.argsOf(statement)) : await this.fail(reply, this.argsOf(statement)) }
        : { statement, result: withFailure(this.resultOf(reply, reply !== OK && this.needsArgs(name) ? this.argsOf(statement) : []), failure) };
      if (afterFailure) outcome.afterFailure = true;
      outcomes.push(outcome);
    }
    return outcomes;
  }

  redact(stmt: Statement): string {
    try {
      // the runner labels every statement of a script: only the few commands that carry secrets are re-split
      if (!SECRET_BEARING.has(commandName(stmt))) return stmt.args ? joinArgs(stmt.args) : stmt.text;
      return joinArgs(redactArgs(this.argsOf(stmt)));
    } catch {
      return redactText(stmt.text);
    }
  }

  async cancel(reason: 'CANCELLED' | 'TIMEOUT' = 'CANCELLED'): Promise<void> {
    this.session.reset(); // the server discards a transaction whose connection is gone
    this.router.cancel(reason);
  }

  /** cancel() already drops the connections without a word to the server */
  abandon(): void {
    void this.cancel();
  }

  close(): Promise<void> {
    return this.router.close();
  }

  serverVersion(): Promise<string> {
    return this.router.serverVersion();
  }

  /** completion's command names, from COMMAND LIST on the side connection */
  commandNames(): Promise<string[]> {
    return this.catalog.names();
  }

  private argsOf(stmt: Statement): Arg[] {
    const args = stmt.args ?? splitRedisArgs(stmt.text, stmt.line);
    if (args.length === 0) throw new UsageError('empty kv command', { engine: 'kv' });
    return args;
  }

  /** args are needed only on RESP2, where the command name decides what a flat array means */
  private resultOf(reply: Reply, args: readonly Arg[] = []): Result {
    return replyToResult(reply, args, this.router.protocol);
  }

  /**
   * whether a pipelined reply needs its command's words to be shaped (re-splitting every line is not free; an OK
   * never does: a script of SETs is not split again)
   */
  private needsArgs(name: string): boolean {
    return this.router.protocol === 2 || TEXT_REPORT_COMMANDS.has(name);
  }

  private fail(err: ReplyError, args: readonly Arg[]): Promise<StatementError> {
    return toStatementError(err, args, {
      catalog: this.catalog, endpoint: this.endpoint, statement: joinArgs(redactArgs(args)),
    });
  }

  private plainFail(err: ReplyError, args: readonly Arg[]): StatementError {
    return plainStatementError(err, { endpoint: this.endpoint, statement: joinArgs(redactArgs(args)) });
  }
}

/** an error reply, or a value that says the statement failed (EXEC) */
function failed(o: Outcome): boolean {
  return o.error !== undefined || (o.result?.kind === 'value' && o.result.failure !== undefined);
}

/** EXEC's result carries the failure its reply holds: printed first, then reported (exit 1) */
function withFailure(result: Result, failure: StatementError | undefined): Result {
  return failure && result.kind === 'value' ? { ...result, failure } : result;
}

/**
 * CLIENT REPLY OFF / SKIP: the server stops answering, while dbx (like any pipelining client) waits for one reply
 * per command, so the command after it would wait forever. Refused before anything is sent.
 */
function refuseSilencing(args: readonly Arg[]): void {
  if (argText(args[1]).toLowerCase() !== 'reply') return;
  const mode = argText(args[2]).toLowerCase();
  if (mode !== 'off' && mode !== 'skip') return;
  throw new UsageError(`CLIENT REPLY ${mode.toUpperCase()} is not supported: dbx waits for the reply to every command`, {
    engine: 'kv',
    code: 'UNSUPPORTED',
    statement: joinArgs(args),
    hint: 'to hide the replies, send the output elsewhere: dbx kv … > /dev/null',
  });
}

/** the command's name, lower-case, without splitting the whole line when the first word is plain */
function commandName(stmt: Statement): string {
  if (stmt.args) return (stmt.args[0] ?? '').toLowerCase();
  const t = stmt.text;
  let end = 0;
  for (; end < t.length; end++) {
    const c = t.charCodeAt(end);
    if (c === 32 || (c >= 9 && c <= 13)) break;
    // a quoted or escaped first word needs the real splitter
    if (c === 0x22 || c === 0x27 || c === 0x5c) return argText(splitRedisArgs(t, stmt.line)[0]).toLowerCase();
  }
  return t.slice(0, end).toLowerCase();
}

/**
 * Whether a statement can go into a raw pipeline: given args (RESP-encoded), or a line the server takes inline.
 * Not inline: a line starting with `*` (the server would read RESP), one too long for an inline command, and one
 * holding a NUL byte, where the server's splitter stops reading and never answers (the script would hang).
 */
function inlineable(stmt: Statement): boolean {
  if (stmt.args) return true;
  const t = stmt.text;
  return !(t.charCodeAt(0) === 0x2a || (t.length > INLINE_MAX / 3 && Buffer.byteLength(t) >= INLINE_MAX) || t.includes('\0'));
}

/** An inlineable statement as it goes on the wire. */
function encodedRequest(stmt: Statement): string {
  return stmt.args ? (encodeCommand(stmt.args) as string) : `${stmt.text}\r\n`;
}

