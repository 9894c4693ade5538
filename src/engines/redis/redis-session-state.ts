/**
 * What the user's commands change about their connection, tracked as redis-cli tracks it: the selected database
 * (a SELECT, or one queued in a MULTI that EXEC ran), an open MULTI and what it queued, the protocol after HELLO;
 * and what an EXEC reply means for the exit code. Redis has no rollback: a queued command that fails inside EXEC
 * leaves the others' changes in place, so EXEC printed its reply and still failed (exit 1); a transaction that a
 * WATCHed key aborted (EXEC answers nil) ran nothing, and failed too.
 */
import { StatementError } from '../../errors.js';
import { joinArgs, redactArgs } from './redis-redact.js';
import { OK, ReplyError, SimpleString, argText, replyRecord, type Arg, type Reply } from './resp-types.js';

/** commands whose replies change the session, whether or not a MULTI is open */
const TRACKED = new Set(['multi', 'exec', 'discard', 'select', 'hello']);

export interface SessionChanges {
  database(db: number): void;
  protocol(protocol: 2 | 3): void;
  /** where the commands ran, for messages */
  endpoint(): string;
}

export class SessionState {
  /** a MULTI is open: commands are queued as typed (no LLEN probe before LRANGE, no SCAN loop for KEYS) */
  inMulti = false;
  /** the commands the open MULTI queued, to name the ones that fail inside EXEC */
  private queued: (readonly Arg[])[] = [];
  /** the last SELECT among them: EXEC applies it if it ran without error */
  private queuedSelect?: { index: number; db: number };

  constructor(private readonly changes: SessionChanges) {}

  /** whether a reply to `name` must go through track() */
  watches(name: string): boolean {
    return this.inMulti || TRACKED.has(name);
  }

  /** Records what the reply changed. For EXEC, returns the failure its reply holds, if any. */
  track(name: string, reply: Reply, args: readonly Arg[]): StatementError | undefined {
    if (name === 'multi') {
      if (reply instanceof ReplyError) return undefined;
      this.inMulti = true;
      this.queued = [];
      this.queuedSelect = undefined;
    } else if (name === 'exec' || name === 'discard') {
      const select = this.queuedSelect;
      const queued = this.queued;
      const wasOpen = this.inMulti;
      this.inMulti = false;
      this.queued = [];
      this.queuedSelect = undefined;
      if (name === 'discard' || !wasOpen) return undefined;
      // a SELECT inside the transaction changed the connection's database only if EXEC ran it without error
      if (select && Array.isArray(reply) && reply[select.index] === OK) this.changes.database(select.db);
      return this.execFailure(reply, queued);
    } else if (name === 'hello' && !this.inMulti) {
      // HELLO 2 switches the connection to RESP2: replies must then be read the RESP2 way (flat HGETALL…)
      const proto = reply instanceof ReplyError ? undefined : replyRecord(reply).get('proto');
      if (proto === 2 || proto === 3) this.changes.protocol(proto);
    } else if (this.inMulti) {
      if (!(reply instanceof SimpleString && reply.value === 'QUEUED')) return undefined;
      if (name === 'select') this.queuedSelect = { index: this.queued.length, db: Number(argText(args[1])) };
      this.queued.push(args);
    } else if (name === 'select' && reply === OK) {
      this.changes.database(Number(argText(args[1])));
    }
    return undefined;
  }

  /** the connection is gone: the server discards a transaction it had open */
  reset(): void {
    this.inMulti = false;
    this.queued = [];
    this.queuedSelect = undefined;
  }

  private execFailure(reply: Reply, queued: (readonly Arg[])[]): StatementError | undefined {
    const endpoint = this.changes.endpoint();
    if (reply === null) {
      return new StatementError('the transaction was not run: a WATCHed key changed before EXEC (EXEC answered nil)', {
        code: 'EXEC_ABORTED', engine: 'kv', endpoint, statement: 'EXEC',
        hint: 'nothing was changed: read the watched keys again and retry the transaction',
      });
    }
    if (!Array.isArray(reply)) return undefined;
    const failed = reply.flatMap((r, i) => (r instanceof ReplyError ? [{ i, error: r }] : []));
    if (failed.length === 0) return undefined;
    const first = failed[0]!;
    const command = queued[first.i] ? ` (${joinArgs(redactArgs(queued[first.i]!))})` : '';
    const which = failed.length === 1
      ? `command ${first.i + 1} of ${reply.length}${command} failed`
      : `${failed.length} of its ${reply.length} commands failed, first command ${first.i + 1}${command}`;
    const others = reply.length - failed.length;
    return new StatementError(`the transaction ran, but ${which}: ${first.error.message}`, {
      code: first.error.prefix, engine: 'kv', endpoint, statement: 'EXEC',
      hint: others === 0
        ? 'none of its commands ran without error: nothing was changed'
        : `Redis has no rollback: nothing was rolled back, the changes of the other ${others === 1 ? 'command stay' : `${others} commands stay`}`,
    });
  }
}
