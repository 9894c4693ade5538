/**
 * kv scripts pipelined (Engine.executeBatch): a run of statements goes out as back-to-back pipelines while the
 * runner prints the replies of the earlier ones; KEYS, the possibly huge collection reads and SUBSCRIBE/MONITOR
 * break the run and go through execute() on their own. On a standalone server a script line goes out as it is, as
 * an inline command: the server splits it with the very splitter redis-cli uses (and split() already refused bad
 * quoting), which spares re-splitting and encoding 100,000 lines.
 *
 * A script of 100,000 SETs is the case this file is shaped by: per statement it costs a name (shared with the line
 * before when the first word is the same), the line's text in the payload, and one Outcome holding the shared OK
 * result; nothing is split again unless the reply needs the command's words to be shaped.
 */
import { StatementError } from '../../errors.js';
import type { BatchOptions, Outcome, Result, Statement } from '../engine.js';
import { CLUSTER_WIDE } from './redis-cluster-wide.js';
import { STREAMING_COMMANDS } from './redis-pubsub.js';
import { TEXT_REPORT_COMMANDS } from './redis-reply-mapper.js';
import type { Router } from './redis-router.js';
import type { SessionState } from './redis-session-state.js';
import { repliesBefore } from './resp-connection.js';
import { encodeCommand } from './resp-encoder.js';
import { argText, OK, ReplyError, isAggregate, isBulk, Verbatim, type Arg, type Reply } from './resp-types.js';
import { splitRedisArgs, type ScriptLine } from './redis-line-splitter.js';

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
/** bytes: the server may refuse an inline command longer than 64 KB */
const INLINE_MAX = 60_000;
/** these need the whole reply shaped by the engine, so a script runs them on their own, not in a pipeline */
const ALONE = new Set(['keys', 'lrange', 'zrange', 'zrevrange', 'smembers', 'hgetall', ...STREAMING_COMMANDS]);

/** What the pipeline needs of the engine. */
export interface PipelineHost {
  readonly router: Router;
  readonly session: SessionState;
  readonly cluster: boolean;
  execute(stmt: Statement): Promise<Result>;
  argsOf(stmt: Statement): Arg[];
  resultOf(reply: Reply, args: readonly Arg[]): Result;
  /** the error with its hint looked up (the failure the runner stops at, or any under --force) */
  fail(err: ReplyError, args: readonly Arg[]): Promise<StatementError>;
  /** the error as it is: it follows the failure the runner stops at, so it is only counted */
  plainFail(err: ReplyError, args: readonly Arg[]): StatementError;
}

/**
 * The outcomes of `stmts` in order, a pipeline's worth at a time. With stopAtError nothing more is sent once a
 * part's replies hold a failure, so at most PIPELINE_WINDOW - 1 commands after the failing one have already been
 * sent (they run, and are yielded afterFailure). A cluster keeps one pipeline of CLUSTER_PART at a time: its parts
 * could reach the nodes out of order.
 */
export async function* pipelined(host: PipelineHost, stmts: ScriptLine[], options: BatchOptions = {}): AsyncIterable<Outcome[]> {
  const { router, cluster } = host;
  const raw = router.pipelineRaw !== undefined;
  const names = new Array<string>(stmts.length);
  let i = 0;
  let word = '';
  let name = '';
  while (i < stmts.length) {
    const from = i;
    for (; i < stmts.length; i++) {
      const statement = stmts[i]!;
      // the line before's name when the line starts with the same plain word (a script of SETs: one name)
      if (statement.args || word === '' || !startsWithWord(statement.text, word)) {
        name = commandName(statement);
        word = statement.args ? '' : plainFirstWord(statement.text);
      }
      if (ALONE.has(name) || (raw && !inlineable(statement)) || (cluster && CLUSTER_WIDE.has(name))) break;
      names[i] = name;
    }
    const to = i;
    const step = raw ? PIPELINE_PART : CLUSTER_PART;
    const ahead = raw ? PARTS_AHEAD : 0;
    const parts: { from: number; replies: Promise<Reply[]> }[] = [];
    const send = (at: number): void => {
      const end = Math.min(at + step, to);
      let replies: Promise<Reply[]>;
      if (raw) {
        replies = router.pipelineRaw!(payloadOf(stmts, at, end), end - at);
      } else {
        replies = router.pipeline(stmts.slice(at, end).map((st) => host.argsOf(st)));
      }
      replies.catch(() => undefined); // an earlier part's failure is the one reported
      parts.push({ from: at, replies });
    };
    let stopped = false;
    let next = from;
    for (let p = 0; from + p * step < to; p++) {
      while (!stopped && next < to && parts.length <= p + ahead) {
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
        if (answered.length > 0) yield (await outcomesOf(host, stmts, names, part.from, answered, stopped)).outcomes;
        throw e;
      }
      const { outcomes, failing } = await outcomesOf(host, stmts, names, part.from, replies, stopped);
      if (options.stopAtError && !stopped && failing >= 0) {
        stopped = true;
        for (let k = failing + 1; k < outcomes.length; k++) outcomes[k]!.afterFailure = true;
      }
      yield outcomes;
    }
    if (stopped) return;
    // the inner loop stopped at a statement that runs on its own
    if (i < stmts.length) {
      const statement = stmts[i++]!;
      word = '';
      let outcome: Outcome;
      try {
        outcome = { statement, result: await host.execute(statement) };
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
 * The outcomes of stmts[from…] given their replies, in order, and the index of the first failing one (-1: none).
 * `afterFailure`: they follow a failure the runner stops at, so they are only counted: no hint is looked up for
 * their errors.
 */
async function outcomesOf(
  host: PipelineHost, stmts: Statement[], names: string[], from: number, replies: Reply[], afterFailure: boolean,
): Promise<{ outcomes: Outcome[]; failing: number }> {
  const { session } = host;
  const outcomes = new Array<Outcome>(replies.length);
  let failing = -1;
  for (let k = 0; k < replies.length; k++) {
    const statement = stmts[from + k]!;
    const reply = replies[k]!;
    const name = names[from + k]!;
    let outcome: Outcome;
    if (reply === OK && !session.watches(name)) {
      // the common case, a SET: no words, no tracking, the one shared result
      outcome = { statement, result: host.resultOf(OK, []) };
    } else {
      const failure = session.watches(name) ? session.track(name, reply, host.argsOf(statement)) : undefined;
      if (reply instanceof ReplyError) {
        const args = host.argsOf(statement);
        outcome = { statement, error: afterFailure ? host.plainFail(reply, args) : await host.fail(reply, args) };
      } else {
        const result = host.resultOf(reply, needsArgs(host, name, reply) ? host.argsOf(statement) : []);
        outcome = { statement, result: failure && result.kind === 'value' ? { ...result, failure } : result };
      }
    }
    if (afterFailure) outcome.afterFailure = true;
    if (failing < 0 && failed(outcome)) failing = k;
    outcomes[k] = outcome;
  }
  return { outcomes, failing };
}

/**
 * Whether a reply needs its command's words to be shaped: on RESP2 an array (the command name decides what a flat
 * array means: HGETALL, WITHSCORES…), and a report's text (INFO, CLIENT LIST: printed as lines). Scalars never do,
 * so a script of INCRs or RPUSHes is not split again.
 */
function needsArgs(host: PipelineHost, name: string, reply: Reply): boolean {
  if ((isBulk(reply) || reply instanceof Verbatim) && TEXT_REPORT_COMMANDS.has(name)) return true;
  return host.router.protocol === 2 && isAggregate(reply);
}

/** an error reply, or a value that says the statement failed (EXEC) */
export function failed(o: Outcome): boolean {
  return o.error !== undefined || (o.result?.kind === 'value' && o.result.failure !== undefined);
}

const isBlankCode = (c: number): boolean => c === 32 || (c >= 9 && c <= 13);

/** the command's name, lower-case, without splitting the whole line when the first word is plain */
export function commandName(stmt: Statement): string {
  if (stmt.args) return (stmt.args[0] ?? '').toLowerCase();
  const t = stmt.text;
  let end = 0;
  for (; end < t.length; end++) {
    const c = t.charCodeAt(end);
    if (isBlankCode(c)) break;
    // a quoted or escaped first word needs the real splitter
    if (c === 0x22 || c === 0x27 || c === 0x5c) return argText(splitRedisArgs(t, stmt.line)[0]).toLowerCase();
  }
  return t.slice(0, end).toLowerCase();
}

/** the first word as written when it has no quotes or backslashes, else '' (no line then shares its name) */
function plainFirstWord(t: string): string {
  let end = 0;
  for (; end < t.length; end++) {
    const c = t.charCodeAt(end);
    if (isBlankCode(c)) break;
    if (c === 0x22 || c === 0x27 || c === 0x5c) return '';
  }
  return t.slice(0, end);
}

/** whether `t`'s first word is `word` (the same letters, then a blank or the end) */
function startsWithWord(t: string, word: string): boolean {
  return t.startsWith(word) && (t.length === word.length || isBlankCode(t.charCodeAt(word.length)));
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

const CRLF = Buffer.from('\r\n');

/**
 * stmts[at, end) as one write. Lines of an ASCII script go as the script's own bytes: consecutive lines that only a
 * line break separates are one slice of them (the server ends an inline command at \n, a \r before it dropped, as
 * at \r\n), so a script of SETs costs one slice per part, not a string per line to concatenate and encode.
 */
function payloadOf(stmts: ScriptLine[], at: number, end: number): string | Buffer {
  const bytes = stmts[at]!.bytes;
  if (bytes === undefined) return textPayload(stmts, at, end);
  const pieces: Buffer[] = [];
  let from = -1;
  let to = -1;
  for (let k = at; k < end; k++) {
    const st = stmts[k]!;
    // a line of another script, or one whose text is not the bytes it came from (or words given as args)
    if (st.bytes !== bytes || st.args || st.to! - st.from! !== st.text.length) return textPayload(stmts, at, end);
    if (from >= 0 && lineBreakBetween(bytes, to, st.from!)) {
      to = st.to!;
      continue;
    }
    if (from >= 0) pieces.push(terminated(bytes, from, to));
    from = st.from!;
    to = st.to!;
  }
  pieces.push(terminated(bytes, from, to));
  return pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces);
}

function textPayload(stmts: Statement[], at: number, end: number): string {
  let payload = '';
  for (let k = at; k < end; k++) payload += encodedRequest(stmts[k]!);
  return payload;
}

/** whether bytes[to, next) is a line break and nothing else */
function lineBreakBetween(bytes: Buffer, to: number, next: number): boolean {
  return (next === to + 1 && bytes[to] === 0x0a) || (next === to + 2 && bytes[to] === 0x0d && bytes[to + 1] === 0x0a);
}

/** bytes[from, to) with the line break that follows it in the script, or \r\n */
function terminated(bytes: Buffer, from: number, to: number): Buffer {
  if (bytes[to] === 0x0a) return bytes.subarray(from, to + 1);
  if (bytes[to] === 0x0d && bytes[to + 1] === 0x0a) return bytes.subarray(from, to + 2);
  return Buffer.concat([bytes.subarray(from, to), CRLF]);
}
