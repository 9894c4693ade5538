/**
 * Replica sets, mongos and `mongodb+srv://`: the driver does the work. The URL goes to it as written (replicaSet,
 * readPreference, directConnection, an SRV name), and so do a profile's driver options (mongo-target.ts). What dbx
 * adds is telling: under -v, the topology the driver found after connecting, and for every command the server
 * (host:port, and what it is: primary, secondary, mongos, standalone) that answered it, read from the driver's
 * monitoring events (commandSucceeded / commandFailed carry the address; serverDescriptionChanged its type).
 */
import type { MongoClient, TopologyDescription } from 'mongodb';

/** The driver's server types as people name them. */
const KINDS: Record<string, string> = {
  Standalone: 'standalone',
  RSPrimary: 'primary',
  RSSecondary: 'secondary',
  RSArbiter: 'arbiter',
  RSOther: 'replica set member',
  RSGhost: 'replica set member, not yet configured',
  Mongos: 'mongos',
  LoadBalancer: 'load balancer',
  Unknown: 'unknown',
};

/** Commands the driver sends on its own that say nothing about the user's statement. */
const QUIET = new Set(['endSessions']);

export interface MemberWatch {
  /** one line: the topology's type, its set name, each member and what it is, the read preference */
  topology(): string;
}

export function watchMembers(client: MongoClient, log: (line: string) => void): MemberWatch {
  const kinds = new Map<string, string>();
  let last: TopologyDescription | undefined;
  const kindOf = (address: string) => KINDS[kinds.get(address) ?? 'Unknown'] ?? kinds.get(address) ?? 'unknown';
  client.on('serverDescriptionChanged', (e) => kinds.set(e.address, e.newDescription.type));
  client.on('topologyDescriptionChanged', (e) => (last = e.newDescription));
  client.on('commandSucceeded', (e) => {
    if (!QUIET.has(e.commandName)) log(`-- ${e.commandName} answered by ${e.address} (${kindOf(e.address)}) in ${e.duration} ms`);
  });
  client.on('commandFailed', (e) => {
    if (!QUIET.has(e.commandName)) log(`-- ${e.commandName} failed on ${e.address} (${kindOf(e.address)}) after ${e.duration} ms`);
  });
  return {
    topology() {
      const members = last ? [...last.servers.values()].map((s) => `${s.address} (${KINDS[s.type] ?? s.type})`) : [];
      const set = last?.setName ? ` ${last.setName}` : '';
      return `-- topology ${last?.type ?? 'Unknown'}${set}: ${members.join(', ') || 'no member known'}; read preference ${client.readPreference.mode}`;
    },
  };
}

/** What a server's hello reply says it is (the fields the server-discovery spec reads). */
export interface HelloReply {
  setName?: string;
  msg?: string;
  isreplicaset?: boolean;
}

/**
 * `replicaSet=NAME` in the URL, and a seed that says it is a standalone, a mongos or a member of another set: the
 * driver would drop it and wait out the whole server selection timeout. This is the reason, at once.
 */
export function memberMismatch(replicaSet: string | undefined, reply: HelloReply, address: string): string | undefined {
  if (!replicaSet || reply.isreplicaset) return undefined;
  if (reply.msg === 'isdbgrid') return `${address} is a mongos, not a member of replica set ${replicaSet}`;
  if (reply.setName === undefined) return `${address} is a standalone server, not a member of replica set ${replicaSet}`;
  if (reply.setName !== replicaSet) return `${address} is a member of replica set ${reply.setName}, not ${replicaSet}`;
  return undefined;
}
