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
import { clusterFlushReason, clusterWide } from './redis-cluster-wide.js';
import { parseRedisEndpoint } from './redis-endpoint.js';
import { plainStatementError, toStatementError } from './redis-errors.js';
import { splitRedisArgs, splitRedisScript } from './redis-line-splitter.js';
import { commandName, pipelined, type PipelineHost } from './redis-pipeline.js';
import { messageStream, STREAMING_COMMANDS } from './redis-pubsub.js';
import { joinArgs, redactArgs, redactText } from './redis-redact.js';
import { replyToResult } from './redis-reply-mapper.js';
import { SentinelRouter } from './redis-sentinel.js';
import { SessionState } from './redis-session-state.js';
import { StandaloneRouter, type Router } from './redis-router.js';
import { keysByScan, streamIfLarge } from './redis-streaming.js';
import { argText, ReplyError, type Arg, type Reply } from './resp-types.js';

/** commands whose words may hold a password (see redis-redact.ts) */
const SECRET_BEARING = new Set(['auth', 'hello', 'config', 'migrate', 'acl']);

export { PIPELINE_WINDOW } from './redis-pipeline.js';

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
  /** what the pipeline (redis-pipeline.ts) uses of the engine */
  private readonly pipelineHost: PipelineHost;
  /** classify()'s answers by command name, for the commands that have no subcommands (see there) */
  private readonly classified = new Map<string, Classification>();
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
    this.pipelineHost = {
      router: this.router,
      session: this.session,
      cluster: this.cluster,
      execute: (stmt) => this.execute(stmt),
      argsOf: (stmt) => this.argsOf(stmt),
      resultOf: (reply, args) => this.resultOf(reply, args),
      fail: (err, args) => this.fail(err, args),
      plainFail: (err, args) => this.plainFail(err, args),
    };
  }

  get database(): string {
    return String(this.db);
  }

  /** for messages: follows SELECT, so an error after `select 2` names database 2 */
  get endpoint(): string {
    return this.router.display(this.db);
  }

  split(script: string): Statement[] {
    const maybeClient: Statement[] = [];
    const statements = splitRedisScript(script, maybeClient);
    for (const st of maybeClient) if (commandName(st) === 'client') refuseSilencing(this.argsOf(st));
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
    // a script line whose command has no subcommands is classified by its name alone: 100,000 SETs are not split
    const name = stmt.args ? undefined : commandName(stmt);
    const known = name === undefined ? undefined : this.classified.get(name);
    if (known) return known;
    const args = this.argsOf(stmt);
    let info;
    try {
      info = await this.catalog.infoFor(args);
    } catch {
      // COMMAND is renamed or forbidden here: without flags, assume the worst
      return unknownCommandSafety(args);
    }
    const classification = commandSafety(info, args);
    if (name !== undefined && (info === null || (info.name === name && info.subcommands.length === 0))) this.classified.set(name, classification);
    return classification;
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

  /** Pipelines the statements: redis-pipeline.ts. */
  executeBatch(stmts: Statement[], options: BatchOptions = {}): AsyncIterable<Outcome[]> {
    return pipelined(this.pipelineHost, stmts, options);
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

  private fail(err: ReplyError, args: readonly Arg[]): Promise<StatementError> {
    return toStatementError(err, args, {
      catalog: this.catalog, endpoint: this.endpoint, statement: joinArgs(redactArgs(args)),
    });
  }

  private plainFail(err: ReplyError, args: readonly Arg[]): StatementError {
    return plainStatementError(err, { endpoint: this.endpoint, statement: joinArgs(redactArgs(args)) });
  }
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




