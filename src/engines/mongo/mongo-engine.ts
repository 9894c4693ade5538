/**
 * The MongoDB engine: the client, its connection and the Engine interface. Its folder is the only code that imports
 * the mongodb driver (scripts/check-imports.mjs keeps it so). Statements are parsed (src/mongo-syntax/), never
 * evaluated; legacy calls are mapped to modern ones (legacy-map.ts) and run by collection-ops.ts and db-ops.ts.
 */
import { MongoClient, type ClientSession, type Db } from 'mongodb';
import type { Classification, Engine, EngineContext, Result, Statement } from '../engine.js';
import { DbxError, StatementError, UsageError } from '../../errors.js';
import { parseDocStatement, type DocCommand } from '../../mongo-syntax/doc-parser.js';
import { splitDocScript } from '../../mongo-syntax/doc-splitter.js';
import { checkChain, runCollectionOp } from './collection-ops.js';
import { runDbMethod, runShow, serverVersion, useResult } from './db-ops.js';
import { classifyDoc } from './doc-classify.js';
import { checkDocumentSizes } from './doc-limits.js';
import { toModern, type ModernOp } from './legacy-map.js';
import { documentCodec } from './mongo-codec.js';
import { connectClient, seedCount } from './mongo-connect.js';
import { watchMembers } from './mongo-members.js';
import { connectError, statementError } from './mongo-errors.js';
import { SocketTrack } from './mongo-sockets.js';
import { mongoTarget, type MongoTarget } from './mongo-target.js';
import { maskStatement } from '../../text/statement-secrets.js';

interface Parsed {
  cmd: DocCommand;
  /** the driver call for a `call` statement */
  modern?: ModernOp;
}

/** How long close() and cancel() wait for the driver's clean-up before giving up on it. */
const CLOSE_WAIT_MS = 2000;

class MongoEngine implements Engine {
  readonly name = 'doc' as const;
  readonly endpoint: string;
  private readonly target: MongoTarget;
  private dbName: string;
  private client?: MongoClient;
  /** statements and streams in flight: cancel() only has something to stop while this is above 0 */
  private busy = 0;
  private readonly parsed = new WeakMap<Statement, Parsed>();
  /** --transaction: the session the script's statements run in, between begin and commit/rollback */
  private session?: ClientSession;

  /**
   * --transaction: a driver session transaction (startTransaction … commitTransaction / abortTransaction), which
   * MongoDB has on replica sets and sharded clusters only. A standalone server is refused before any statement
   * is sent: its writes would each stand alone, the first ones staying when a later one fails.
   */
  readonly transaction = {
    begin: async (): Promise<void> => {
      if (!this.client) await this.connect();
      const hello = await this.client!.db('admin').command({ hello: 1 }).catch((e: unknown) => {
        throw statementError(e, 'hello', this.endpoint);
      });
      if (typeof hello.setName !== 'string' && hello.msg !== 'isdbgrid') {
        throw new UsageError(
          `--transaction needs a replica set or a sharded cluster: ${this.endpoint} is a standalone server, which has no ` +
            'transactions (each write would stand alone); nothing was run',
          { code: 'NO_TRANSACTIONS', engine: 'doc', endpoint: this.endpoint, hint: 'run the script without --transaction, or against a replica set (a one-member set will do)' },
        );
      }
      this.session = this.client!.startSession();
      this.session.startTransaction();
    },
    commit: async (): Promise<Result | undefined> => {
      const session = this.endSession();
      try {
        await session?.commitTransaction();
      } catch (e) {
        throw statementError(e, 'commitTransaction', this.endpoint);
      } finally {
        await session?.endSession().catch(() => undefined);
      }
      return undefined;
    },
    rollback: async (): Promise<void> => {
      const session = this.endSession();
      try {
        await session?.abortTransaction();
      } catch (e) {
        throw new StatementError(`the transaction could not be aborted: ${(e as Error).message}`, {
          code: 'ABORT_FAILED', engine: 'doc', endpoint: this.endpoint, cause: e,
        });
      } finally {
        await session?.endSession().catch(() => undefined);
      }
    },
  };

  private endSession(): ClientSession | undefined {
    const session = this.session;
    this.session = undefined;
    return session;
  }
  /** clients cancel() is closing: close() sends killCursors and endSessions, which a hung server never answers */
  private readonly closing = new Set<MongoClient>();
  /** every socket the driver opened for this engine: abandon() destroys them */
  private readonly sockets = new SocketTrack();

  constructor(private readonly ctx: EngineContext) {
    this.target = mongoTarget(ctx.endpoint, ctx.connectTimeoutMs);
    this.endpoint = this.target.endpoint;
    this.dbName = this.target.database;
  }

  get database(): string {
    return this.dbName;
  }

  /** Splits and parses the whole script, so that no statement is sent when any of them cannot run. */
  split(script: string): Statement[] {
    const statements = splitDocScript(script);
    for (const stmt of statements) this.parse(stmt);
    return statements;
  }

  private parse(stmt: Statement): Parsed {
    const cached = this.parsed.get(stmt);
    if (cached) return cached;
    let parsed: Parsed;
    try {
      const cmd = parseDocStatement(stmt.text, stmt.line);
      parsed = { cmd };
      if (cmd.kind === 'call') {
        parsed.modern = toModern(cmd);
        checkChain(cmd, parsed.modern);
        checkDocumentSizes(stmt.text, parsed.modern.args);
      }
    } catch (e) {
      if (e instanceof DbxError) {
        // the statement and hint are masked where they are shown (src/runner/report-error.ts), so that the caret
        // still points where the column says
        e.endpoint ??= this.endpoint;
      }
      throw e;
    }
    this.parsed.set(stmt, parsed);
    return parsed;
  }

  private newClient(): MongoClient {
    try {
      // -v: the driver's command events say which server answered (mongo-members.ts); off, they cost nothing
      return new MongoClient(this.target.url, { ...this.target.options, monitorCommands: this.ctx.verboseOn === true });
    } catch (e) {
      throw connectError(e, this.endpoint);
    }
  }

  async connect(): Promise<void> {
    if (this.client) return;
    if (this.target.passwordMissing && this.ctx.askPassword && !this.target.options.auth?.password) {
      const password = await this.ctx.askPassword(`Enter password for ${this.endpoint}: `);
      this.target.options.auth = { username: this.target.user, password };
    }
    this.ctx.verbose(`-- connecting to ${this.endpoint}`);
    const started = performance.now();
    const client = this.newClient();
    const members = this.ctx.verboseOn ? watchMembers(client, (line) => this.ctx.verbose(line)) : undefined;
    try {
      await this.sockets.run(() => connectClient(client, seedCount(this.target.url), this.endpoint));
    } catch (e) {
      await this.closeWithin(client);
      const err = connectError(e, this.endpoint, this.ctx.connectTimeoutMs);
      // a plain server never answers a TLS handshake (or drops it): the driver only sees no server
      if (usesTls(this.target) && ['SERVER_SELECTION_TIMEOUT', 'ECONNRESET', 'EPIPE'].includes(err.code)) {
        err.hint = 'tls=true needs a server that speaks TLS on this port; for a plain one leave tls out';
      }
      throw err;
    }
    this.client = client;
    this.ctx.verbose(`-- connected (${(performance.now() - started).toFixed(0)} ms), db ${this.dbName}`);
    if (members) this.ctx.verbose(members.topology());
  }

  async classify(stmt: Statement): Promise<Classification> {
    return classifyDoc(this.parse(stmt).cmd);
  }

  /** the current database, or the one a `db.getSiblingDB('name')` statement names */
  private db(name?: string): Db {
    return this.client!.db(name ?? this.dbName);
  }

  execute(stmt: Statement): Promise<Result> {
    return this.sockets.run(() => this.executeOwn(stmt));
  }

  private async executeOwn(stmt: Statement): Promise<Result> {
    const { cmd, modern } = this.parse(stmt);
    if (cmd.kind === 'use') {
      this.dbName = cmd.db;
      return useResult(cmd.db);
    }
    if (cmd.kind === 'db') return { kind: 'value', value: this.dbName, codec: documentCodec };
    // a cancelled statement closed the client; the next one (under --force) connects again
    if (!this.client) await this.connect();
    const client = this.client!;
    const shown = maskStatement('doc', stmt.text);
    const wrap = (e: unknown) => statementError(e, shown, this.endpoint);
    this.busy++;
    let streaming = false;
    try {
      let result: Result;
      const session = this.session;
      if (cmd.kind === 'show') result = await runShow({ client, db: this.db() }, cmd.what);
      else if (cmd.target.type === 'db') result = await runDbMethod({ client, db: this.db(cmd.target.db), session }, cmd, modern!.args);
      else {
        if (modern!.note) this.ctx.verbose(`-- ${maskStatement('doc', modern!.note)}`);
        result = await runCollectionOp({ db: this.db(cmd.target.db), session, wrap, done: () => this.busy-- }, cmd.target.name, cmd, modern!);
      }
      streaming = result.kind === 'rows';
      return result;
    } catch (e) {
      throw wrap(e);
    } finally {
      if (!streaming) this.busy--;
    }
  }

  async serverVersion(): Promise<string> {
    if (!this.client) await this.connect();
    try {
      return await serverVersion(this.client!);
    } catch (e) {
      throw statementError(e, 'buildInfo', this.endpoint);
    }
  }

  redact(stmt: Statement): string {
    return maskStatement('doc', stmt.text);
  }

  /**
   * Closing the client ends the in-flight request's connection: the running call fails at once, and the
   * server stops an operation whose client has gone. The next statement reconnects.
   */
  async cancel(): Promise<void> {
    const client = this.client;
    if (!client || this.busy === 0) return;
    this.ctx.verbose('-- cancelling: closing the connection');
    this.client = undefined;
    this.closing.add(client);
    await this.closeWithin(client);
    this.closing.delete(client);
  }

  /** The driver's own close() talks to the server first: here its pools and monitors are torn down at once. */
  abandon(): void {
    const clients = [...this.closing, ...(this.client ? [this.client] : [])];
    this.client = undefined;
    this.closing.clear();
    this.busy = 0;
    for (const client of clients) forceClose(client);
    this.sockets.destroyAll();
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client) await this.closeWithin(client);
  }

  /** close(), and when the server has not let it finish in CLOSE_WAIT_MS (a hung server), every socket destroyed. */
  private async closeWithin(client: MongoClient): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const closed = await Promise.race([
      this.sockets.run(() => client.close()).then(() => true, () => true),
      new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), CLOSE_WAIT_MS);
        timer.unref();
      }),
    ]);
    clearTimeout(timer);
    if (closed) return;
    forceClose(client);
    this.sockets.destroyAll();
  }
}

/**
 * Closes every connection of the client now: the topology (its pools and monitors) is closed before the client's
 * close(), whose killCursors and endSessions then fail at once instead of waiting for a server that does not answer.
 * The topology is the driver's internal object; without it (another release) close() alone is all there is.
 */
function forceClose(client: MongoClient): void {
  (client as unknown as { topology?: { close(): void } }).topology?.close();
  client.close().catch(() => undefined);
}

export function createEngine(ctx: EngineContext): Engine {
  return new MongoEngine(ctx);
}

function usesTls(target: MongoTarget): boolean {
  return target.options.tls === true || target.options.ssl === true || /[?&](tls|ssl)=true\b/i.test(target.url);
}
