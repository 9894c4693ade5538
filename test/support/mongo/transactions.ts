// Multi-document transactions, as a one-member replica set answers them. A standalone refuses every command that
// carries a txnNumber (IllegalOperation, as mongod does). On the replica set a command with `autocommit: false`
// runs in its session's transaction: `startTransaction: true` takes a snapshot of the data, the transaction's
// commands read and write the snapshot, commitTransaction makes it the data, abortTransaction (or a failing
// command, which aborts the transaction as mongod does) throws it away. Not modelled: concurrent transactions'
// fine-grained write conflicts — a commit after any write outside the transaction since its start is refused
// with WriteConflict, which is stricter than mongod, never laxer.
import type { Document } from 'bson';
import type { CommandContext } from './command-types.js';
import type { MemoryStore } from './memory-store.js';
import { CommandError } from './server-errors.js';

/** The commands mongod 7 runs inside a transaction (createIndexes and create too, on new collections only). */
const IN_TRANSACTION = new Set([
  'find', 'getMore', 'killCursors', 'insert', 'update', 'delete', 'findAndModify', 'aggregate', 'distinct', 'create',
  'commitTransaction', 'abortTransaction',
]);

/** Commands that change data outside a transaction: they make older snapshots stale. */
const WRITE_COMMANDS = new Set([
  'insert', 'update', 'delete', 'findAndModify', 'create', 'drop', 'dropDatabase', 'createIndexes', 'dropIndexes',
]);

/** Whether the command changes data (aggregate only with an $out or $merge stage). */
export function changesData(name: string, cmd: Document): boolean {
  if (name === 'aggregate') {
    return Array.isArray(cmd.pipeline) && cmd.pipeline.some((s: unknown) => typeof s === 'object' && s !== null && ('$out' in s || '$merge' in s));
  }
  return WRITE_COMMANDS.has(name);
}

interface Open {
  txnNumber: bigint;
  store: MemoryStore;
}

function sessionKey(cmd: Document): string {
  const id = (cmd.lsid as { id?: { buffer?: Uint8Array; toHexString?: () => string } } | undefined)?.id;
  if (id?.toHexString) return id.toHexString();
  if (id?.buffer) return Buffer.from(id.buffer).toString('hex');
  throw new CommandError(72, 'Transaction requires a logical session id (lsid)');
}

const txnNumberOf = (cmd: Document): bigint => BigInt(String(cmd.txnNumber));

export class Transactions {
  private readonly open = new Map<string, Open>();
  /** the last committed transaction of each session: a retried commitTransaction of it succeeds again */
  private readonly committed = new Map<string, bigint>();

  /** The context a command runs in: its transaction's snapshot when it is part of one. */
  contextFor(cmd: Document, name: string, ctx: CommandContext): { ctx: CommandContext; key?: string } {
    if (cmd.autocommit !== false) return { ctx };
    if (cmd.txnNumber === undefined) throw new CommandError(72, "'autocommit' field requires a transaction number to also be specified");
    const key = sessionKey(cmd);
    const txnNumber = txnNumberOf(cmd);
    if (name === 'commitTransaction' || name === 'abortTransaction') return { ctx, key };
    if (!IN_TRANSACTION.has(name)) throw new CommandError(263, `Cannot run '${name}' in a multi-document transaction.`);
    let txn = this.open.get(key);
    if (cmd.startTransaction === true) {
      if (txn !== undefined && txn.txnNumber >= txnNumber) throw new CommandError(251, `Transaction ${txnNumber} has already started`);
      txn = { txnNumber, store: ctx.store.snapshot() };
      this.open.set(key, txn);
    } else if (txn === undefined || txn.txnNumber !== txnNumber) {
      throw new CommandError(251, `Transaction with { txnNumber: ${txnNumber} } has been aborted.`);
    }
    return { ctx: { ...ctx, store: txn.store }, key };
  }

  commit(cmd: Document, ctx: CommandContext): Document {
    const key = sessionKey(cmd);
    const txnNumber = txnNumberOf(cmd);
    const txn = this.open.get(key);
    if (txn === undefined || txn.txnNumber !== txnNumber) {
      if (this.committed.get(key) === txnNumber) return { ok: 1 };
      throw new CommandError(251, `Transaction with { txnNumber: ${txnNumber} } has been aborted.`);
    }
    this.open.delete(key);
    if (txn.store.version !== ctx.store.version) {
      throw new CommandError(112, 'test server: the data changed outside the transaction since it started (WriteConflict)');
    }
    ctx.store.adopt(txn.store);
    this.committed.set(key, txnNumber);
    return { ok: 1 };
  }

  abort(cmd: Document): Document {
    const key = sessionKey(cmd);
    const txn = this.open.get(key);
    if (txn === undefined || txn.txnNumber !== txnNumberOf(cmd)) {
      if (this.committed.get(key) === txnNumberOf(cmd)) throw new CommandError(256, 'Transaction has been committed.');
      throw new CommandError(251, `Transaction with { txnNumber: ${String(cmd.txnNumber)} } has been aborted.`);
    }
    this.open.delete(key);
    return { ok: 1 };
  }

  /** A command of the transaction failed: mongod aborts the whole transaction. */
  failed(key: string): void {
    this.open.delete(key);
  }
}
