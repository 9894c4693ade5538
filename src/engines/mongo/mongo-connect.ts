/**
 * MongoClient.connect(), failing fast when no server can be there. The driver retries until
 * serverSelectionTimeoutMS even when every host refused the connection or does not exist; like mongosh, give
 * up as soon as each seed host has failed for one of those reasons (the timeout still bounds everything else).
 */
import type { MongoClient, ServerHeartbeatFailedEvent, ServerHeartbeatSucceededEvent } from 'mongodb';
import { ConnectError } from '../../errors.js';
import { memberMismatch, type HelloReply } from './mongo-members.js';

/** Failures that waiting will not cure. */
const DEFINITIVE = new Set(['ECONNREFUSED', 'ENOTFOUND']);

function failureCode(error: unknown): string | undefined {
  const seen = new Set<unknown>();
  let e = error as { code?: unknown; cause?: unknown; message?: unknown } | undefined;
  while (e && !seen.has(e)) {
    seen.add(e);
    if (typeof e.code === 'string' && DEFINITIVE.has(e.code)) return e.code;
    const m = typeof e.message === 'string' ? /\b(ECONNREFUSED|ENOTFOUND)\b/.exec(e.message) : null;
    if (m) return m[1];
    e = e.cause as typeof e;
  }
  return undefined;
}

/** The number of hosts in a mongodb:// URL; undefined for mongodb+srv:// (DNS decides). */
export function seedCount(url: string): number | undefined {
  const m = /^mongodb:\/\/(?:[^@/]*@)?([^/?#]*)/i.exec(url);
  return m ? m[1]!.split(',').filter(Boolean).length : undefined;
}

/**
 * Also gives up at once when every seed answered but none can serve the `replicaSet` the URL names (a standalone,
 * a mongos, another set's member): the driver would drop each and wait out the timeout, saying only that.
 */
export async function connectClient(client: MongoClient, seeds: number | undefined, endpoint: string): Promise<void> {
  if (!seeds) {
    await client.connect();
    return;
  }
  const failed = new Map<string, Error>();
  const mismatched = new Map<string, string>();
  const replicaSet = (client.options as { replicaSet?: string }).replicaSet;
  let onHeartbeat: ((event: ServerHeartbeatFailedEvent) => void) | undefined;
  let onAnswer: ((event: ServerHeartbeatSucceededEvent) => void) | undefined;
  const fastFail = new Promise<never>((_resolve, reject) => {
    onHeartbeat = (event) => {
      if (!failureCode(event.failure)) return;
      failed.set(event.connectionId, event.failure);
      if (failed.size >= seeds) reject(event.failure);
    };
    // the hello reply: the driver drops a server of the wrong kind from the topology before any description event
    onAnswer = (event) => {
      const why = memberMismatch(replicaSet, event.reply as HelloReply, event.connectionId);
      if (!why) return;
      mismatched.set(event.connectionId, why);
      if (mismatched.size >= seeds) {
        reject(new ConnectError(`cannot connect: ${[...mismatched.values()].join('; ')}`, {
          code: 'REPLICA_SET_MISMATCH',
          engine: 'doc',
          endpoint,
          hint: `check replicaSet=${replicaSet} in the URL (the set's name is rs.status().set), or drop it to talk to this server alone`,
        }));
      }
    };
    client.on('serverHeartbeatFailed', onHeartbeat);
    client.on('serverHeartbeatSucceeded', onAnswer);
  });
  const connecting = client.connect();
  try {
    await Promise.race([connecting, fastFail]);
  } catch (e) {
    connecting.catch(() => undefined);
    throw e;
  } finally {
    client.off('serverHeartbeatFailed', onHeartbeat!);
    client.off('serverHeartbeatSucceeded', onAnswer!);
  }
}
