// Routes a command document to its handler and always produces a reply, never an exception:
// unknown commands and failures become `{ ok: 0, errmsg, code, codeName }`.
import { Double, serialize } from 'bson';
import type { Document } from 'bson';
import { catalogCommands } from './catalog-commands.js';
import type { CommandContext, CommandHandler } from './command-types.js';
import { handshakeCommands } from './handshake-commands.js';
import { readCommands } from './read-commands.js';
import { asCommandError, CommandError } from './server-errors.js';
import { writeCommands } from './write-commands.js';
import { changesData } from './transactions.js';

const HANDLERS: Record<string, CommandHandler> = {
  ...handshakeCommands,
  ...readCommands,
  ...writeCommands,
  ...catalogCommands,
};

/**
 * Options that change which documents match or how they change must not be silently ignored: a test
 * relying on them would pass here and fail against mongod.
 */
function refuseUnsupported(cmd: Document): void {
  const statements: unknown[] = [cmd, ...(Array.isArray(cmd.updates) ? cmd.updates : []), ...(Array.isArray(cmd.deletes) ? cmd.deletes : [])];
  for (const statement of statements) {
    if (statement === null || typeof statement !== 'object') continue;
    for (const option of ['collation', 'arrayFilters']) {
      if (option in statement) throw new CommandError(115, `test server: ${option} is not supported`);
    }
  }
}

export function dispatch(cmd: Document, ctx: CommandContext): Uint8Array {
  const name = Object.keys(cmd)[0] ?? '';
  let reply: Document | Uint8Array;
  /** the session whose transaction this command is part of */
  let inTransaction: string | undefined;
  try {
    const handler = Object.hasOwn(HANDLERS, name) ? HANDLERS[name] : undefined;
    if (handler === undefined) throw new CommandError(59, `no such command: '${name}'`);
    // a standalone has no transactions (nor retryable writes): mongod refuses the transaction number itself
    if (cmd.txnNumber !== undefined && ctx.transactions === undefined) {
      throw new CommandError(20, 'Transaction numbers are only allowed on a replica set member or mongos');
    }
    refuseUnsupported(cmd);
    let run = ctx;
    if (ctx.transactions) ({ ctx: run, key: inTransaction } = ctx.transactions.contextFor(cmd, name, ctx));
    reply = handler(cmd, run);
    // a write error aborts the transaction, as a thrown one does
    if (inTransaction !== undefined && !(reply instanceof Uint8Array) && reply.writeErrors !== undefined) ctx.transactions!.failed(inTransaction);
    if (inTransaction === undefined && changesData(name, cmd)) ctx.store.version++;
  } catch (error) {
    if (inTransaction !== undefined) ctx.transactions!.failed(inTransaction);
    const failure = asCommandError(error);
    if (failure.code === 1) console.error(error);
    reply = failure.toReply();
  }
  if (reply instanceof Uint8Array) return reply;
  // mongod sends `ok` as a double
  return serialize({ ...reply, ok: new Double(Number(reply.ok)) });
}
