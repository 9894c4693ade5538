// What every command handler receives and returns.
import type { Document } from 'bson';
import type { CursorRegistry } from './cursor-registry.js';
import type { MemoryStore } from './memory-store.js';
import type { Transactions } from './transactions.js';
import { CommandError } from './server-errors.js';

export interface CommandContext {
  store: MemoryStore;
  cursors: CursorRegistry;
  /** The `$db` of the command. */
  db: string;
  connectionId: number;
  /** a one-member replica set: its name and the member's host:port (a standalone has none) */
  replicaSet?: { name: string; me: string };
  /** the replica set's transactions */
  transactions?: Transactions;
}

/** A reply document, or an already-encoded BSON reply (cursor batches). */
export type CommandReply = Document | Uint8Array;

export type CommandHandler = (cmd: Document, ctx: CommandContext) => CommandReply;

/** The collection a command names in its first field, e.g. `{ find: 'users' }`. */
export function collectionArg(cmd: Document, command: string): string {
  const name = cmd[command];
  if (typeof name !== 'string') {
    throw new CommandError(73, `collection name has invalid type ${name === null ? 'null' : typeof name}`);
  }
  return name;
}

/** Fields drivers add to every command; they are not options of the command itself. */
export const GENERIC_FIELDS = new Set([
  '$db', 'lsid', 'txnNumber', '$clusterTime', '$readPreference', 'readConcern', 'writeConcern', 'comment',
  'maxTimeMS', 'apiVersion', 'apiStrict', 'apiDeprecationErrors', 'autocommit', 'startTransaction',
]);
