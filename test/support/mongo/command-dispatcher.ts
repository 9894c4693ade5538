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

const HANDLERS: Record<string, CommandHandler> = {
  ...handshakeCommands,
  ...readCommands,
  ...writeCommands,
  ...catalogCommands,
};

export function dispatch(cmd: Document, ctx: CommandContext): Uint8Array {
  const name = Object.keys(cmd)[0] ?? '';
  let reply: Document | Uint8Array;
  try {
    const handler = Object.hasOwn(HANDLERS, name) ? HANDLERS[name] : undefined;
    if (handler === undefined) throw new CommandError(59, `no such command: '${name}'`);
    reply = handler(cmd, ctx);
  } catch (error) {
    const failure = asCommandError(error);
    if (failure.code === 1) console.error(error);
    reply = failure.toReply();
  }
  if (reply instanceof Uint8Array) return reply;
  // mongod sends `ok` as a double
  return serialize({ ...reply, ok: new Double(Number(reply.ok)) });
}
