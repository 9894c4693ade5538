/**
 * Commands that are about the whole keyspace, run on a Redis Cluster: sent to one node they would answer for a
 * third of it. DBSIZE is summed over every master, FLUSHALL / FLUSHDB go to every master (and are confirmed
 * first, whatever the profile's safety: redis-engine.ts confirmAlways), SCAN walks every master in turn with one
 * cursor. Each says on stderr that it is cluster-wide. (KEYS is a SCAN loop over every master: redis-streaming.ts.)
 *
 * SCAN's cursor: the node's cursor times the number of masters, plus the master's index in slot order (the order
 * of the lowest slot each master serves, which a failover does not change: the promoted replica takes its master's
 * slots). 0 starts at the first master and, returned, means every master is done.
 */
import type { Router } from './redis-router.js';
import { argText, ReplyError, replyItems, replyText, type Arg, type Reply } from './resp-types.js';

/** the commands this file runs, by name */
export const CLUSTER_WIDE = new Set(['dbsize', 'flushall', 'flushdb', 'scan']);

/** what a cluster-wide FLUSHALL / FLUSHDB does, for the confirmation asked before it */
export function clusterFlushReason(name: string): string {
  return `${name.toUpperCase()} on a Redis Cluster empties every master`;
}

/**
 * The reply of a cluster-wide command, or undefined when `args` is not one (or, for SCAN, names a cursor that is
 * not dbx's). `note` tells the user, on stderr, what was done.
 */
export async function clusterWide(router: Router, args: readonly Arg[], note: (line: string) => void): Promise<Reply | undefined> {
  const name = argText(args[0]).toLowerCase();
  if (!CLUSTER_WIDE.has(name) || !router.sendToMasters) return undefined;
  if (name === 'scan') return scan(router, args, note);
  const replies = await router.sendToMasters(args);
  const failed = replies.find((r) => r instanceof ReplyError);
  if (failed) return failed;
  if (name === 'dbsize') {
    note(`kv: DBSIZE on a Redis Cluster: the sum over its ${replies.length} masters`);
    return replies.reduce<number>((sum, r) => sum + Number(replyText(r)), 0);
  }
  note(`kv: ${name.toUpperCase()} on a Redis Cluster: sent to its ${replies.length} masters`);
  return replies[0]!;
}

async function scan(router: Router, args: readonly Arg[], note: (line: string) => void): Promise<Reply | undefined> {
  const text = argText(args[1]);
  if (!/^\d+$/.test(text)) return undefined; // the server says what is wrong with it
  const masters = await router.masters();
  const n = BigInt(masters.length);
  const cursor = BigInt(text);
  const index = Number(cursor % n);
  const nodeCursor = cursor / n;
  if (cursor === 0n) note(`kv: SCAN on a Redis Cluster: the cursor walks its ${masters.length} masters in turn`);
  const reply = await masters[index]!.send(['SCAN', String(nodeCursor), ...args.slice(2)]);
  if (reply instanceof ReplyError) return reply;
  const [next, keys] = replyItems(reply);
  const nextNode = BigInt(replyText(next ?? '0'));
  const combined = nextNode !== 0n ? nextNode * n + BigInt(index) : index + 1 < masters.length ? BigInt(index + 1) : 0n;
  return [String(combined), keys ?? []];
}
