/**
 * A Redis Cluster of six nodes (three masters, a replica each) on free loopback ports, with a short
 * cluster-node-timeout (1 s) so that a killed master's replica takes over within seconds: for the failover tests.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { keySlot } from '../../src/engines/redis/redis-slot-map.js';
import { freePort, startRedis, waitFor, type PrivateServer } from './private-servers.js';

const exec = promisify(execFile);

export interface ClusterSet {
  nodes: PrivateServer[];
  cli(port: number, ...args: string[]): Promise<string>;
  /** the masters' ports now, as `port` sees the cluster, each with its slot ranges */
  masters(port?: number): Promise<{ port: number; ranges: [number, number][] }[]>;
  /** the port of the replica of master `port` */
  replicaOf(port: number): Promise<number>;
  /** a key (with `prefix`) whose slot master `port` owns */
  keyOn(port: number, prefix: string): Promise<string>;
  /** every node still running agrees on the masters and says cluster_state:ok */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

export async function startClusterSet(): Promise<ClusterSet> {
  const nodes: PrivateServer[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(nodes.map((n) => n.stop()));
  };
  const cli = async (port: number, ...args: string[]): Promise<string> =>
    (await exec('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args])).stdout.trim();
  const alive = (): PrivateServer[] => nodes.filter((n) => isRunning(n.pid));
  try {
    for (let i = 0; i < 6; i++) {
      const port = await freePort(10000);
      nodes.push(await startRedis({
        port, args: ['--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`, '--cluster-node-timeout', '1000'],
      }));
    }
    await exec('redis-cli', ['--cluster', 'create', ...nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-replicas', '1', '--cluster-yes']);
    const masters = async (port = alive()[0]!.port) => {
      const lines = (await cli(port, 'cluster', 'nodes')).split('\n');
      return lines
        .filter((l) => /\bmaster\b/.test(l.split(' ')[2] ?? '') && !/\bfail\b/.test(l.split(' ')[2] ?? ''))
        .map((l) => {
          const f = l.split(' ');
          const ranges = f.slice(8).filter((r) => /^\d+(-\d+)?$/.test(r)).map((r) => {
            const [a, b] = r.split('-');
            return [Number(a), Number(b ?? a)] as [number, number];
          });
          return { port: Number(f[1]!.split('@')[0]!.split(':').pop()), ranges };
        })
        .filter((m) => m.ranges.length > 0);
    };
    const settled = async () => {
      await waitFor(async () => {
        const views = await Promise.all(alive().map(async (n) => {
          const info = await cli(n.port, 'cluster', 'info');
          const ms = (await masters(n.port)).map((m) => m.port).sort();
          return info.includes('cluster_state:ok') ? JSON.stringify(ms) : 'not ok';
        }));
        return !views.includes('not ok') && new Set(views).size === 1 && JSON.parse(views[0]!).length === 3;
      }, 'the cluster settled', 60_000);
      // every replica of a running master in sync (CLUSTER FAILOVER waits for it otherwise)
      await waitFor(async () => {
        for (const n of alive()) {
          const info = await cli(n.port, 'info', 'replication');
          if (info.includes('role:slave') && !info.includes('master_link_status:up')) return false;
        }
        return true;
      }, 'the replicas in sync', 60_000);
    };
    await settled();
    return {
      nodes, cli, masters, settled, stop,
      async replicaOf(port) {
        for (const n of alive()) {
          const info = await cli(n.port, 'info', 'replication');
          if (info.includes('role:slave') && info.includes(`master_port:${port}`)) return n.port;
        }
        throw new Error(`no replica of ${port}`);
      },
      async keyOn(port, prefix) {
        const ranges = (await masters()).find((m) => m.port === port)!.ranges;
        for (let i = 0; ; i++) {
          const slot = keySlot(`${prefix}${i}`);
          if (ranges.some(([a, b]) => slot >= a && slot <= b)) return `${prefix}${i}`;
        }
      },
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
