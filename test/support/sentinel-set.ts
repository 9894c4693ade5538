/**
 * A Redis master, its replica and three Sentinels watching them, on free loopback ports, with passwords on both
 * (the data nodes' `pw`, the Sentinels' `spw`): for the Sentinel tests. `failover()` runs SENTINEL FAILOVER and
 * waits until every Sentinel names the new master and the old one has been turned into its replica.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startRedis, startSentinel, waitFor, type PrivateServer } from './private-servers.js';

const exec = promisify(execFile);

export const SENTINEL_NAME = 'mymaster';
export const DATA_PASSWORD = 'pw-data';
export const SENTINEL_PASSWORD = 'pw-sentinel';

export interface SentinelSet {
  /** the two data nodes; which is master changes with failover() */
  nodes: PrivateServer[];
  sentinels: PrivateServer[];
  /** the port of the current master, as the Sentinels say */
  masterPort(): Promise<number>;
  /** SENTINEL FAILOVER, then waits until it is over everywhere; returns the new master's port */
  failover(): Promise<number>;
  /** redis-cli on a data node */
  cli(port: number, ...args: string[]): Promise<string>;
  stop(): Promise<void>;
}

async function redisCli(port: number, password: string, args: string[]): Promise<string> {
  const { stdout } = await exec('redis-cli', ['-h', '127.0.0.1', '-p', String(port), '--no-auth-warning', '-a', password, ...args]);
  return stdout.trim();
}

export async function startSentinelSet(): Promise<SentinelSet> {
  const started: PrivateServer[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(started.map((s) => s.stop()));
  };
  try {
    const auth = ['--requirepass', DATA_PASSWORD, '--masterauth', DATA_PASSWORD];
    const master = await startRedis({ args: auth });
    started.push(master);
    const replica = await startRedis({ args: [...auth, '--replicaof', '127.0.0.1', String(master.port)] });
    started.push(replica);
    const cli = (port: number, ...args: string[]) => redisCli(port, DATA_PASSWORD, args);
    await waitFor(async () => (await cli(replica.port, 'info', 'replication')).includes('master_link_status:up'), 'the replica in sync');
    const sentinels: PrivateServer[] = [];
    for (let i = 0; i < 3; i++) {
      const s = await startSentinel({ name: SENTINEL_NAME, master, authPass: DATA_PASSWORD, requirepass: SENTINEL_PASSWORD });
      started.push(s);
      sentinels.push(s);
    }
    const ask = (s: PrivateServer, ...args: string[]) => redisCli(s.port, SENTINEL_PASSWORD, args);
    // each Sentinel knows the replica (in sync) and the two other Sentinels: a failover can then run and spread
    for (const s of sentinels) {
      await waitFor(async () => {
        const replicas = await ask(s, 'sentinel', 'replicas', SENTINEL_NAME);
        const others = await ask(s, 'sentinel', 'sentinels', SENTINEL_NAME);
        return /master-link-status\nok/.test(replicas) && (others.match(/^name$/gm) ?? []).length === 2;
      }, `Sentinel ${s.port} knows the replica and the other Sentinels`, 30_000);
    }
    const masterPort = async (): Promise<number> => Number((await ask(sentinels[0]!, 'sentinel', 'get-master-addr-by-name', SENTINEL_NAME)).split('\n')[1]);
    return {
      nodes: [master, replica],
      sentinels,
      masterPort,
      cli,
      stop,
      async failover() {
        const old = await masterPort();
        const next = [master, replica].find((n) => n.port !== old)!.port;
        // the replica must be in sync, or the Sentinel finds no replica to promote
        await waitFor(async () => (await cli(next, 'info', 'replication')).includes('master_link_status:up'), 'the replica in sync', 30_000);
        const reply = await ask(sentinels[0]!, 'sentinel', 'failover', SENTINEL_NAME);
        if (reply !== 'OK') throw new Error(`SENTINEL FAILOVER: ${reply}`);
        for (const s of sentinels) {
          await waitFor(async () => (await ask(s, 'sentinel', 'get-master-addr-by-name', SENTINEL_NAME)).endsWith(`\n${next}`),
            `Sentinel ${s.port} names ${next}`, 30_000);
        }
        await waitFor(async () => (await cli(next, 'role')).startsWith('master'), `${next} a master`, 30_000);
        // the old master, demoted: Sentinel closes its clients as it does so
        await waitFor(async () => (await cli(old, 'role')).startsWith('slave'), `${old} a replica`, 30_000);
        return next;
      },
    };
  } catch (e) {
    await stop();
    throw e;
  }
}
