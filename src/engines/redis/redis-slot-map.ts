/**
 * The Redis Cluster slot map: which slot a key is in (CRC16 of the key or its {hash tag}, as the cluster spec
 * defines), and reading the map from a node (CLUSTER SHARDS on Redis 7, else CLUSTER SLOTS). Pure apart from the
 * one connection it is given; the router (redis-cluster.ts) keeps the map and decides when to read it again.
 */
import { ConnectError } from '../../errors.js';
import type { NodeAddress } from './redis-endpoint.js';
import type { RespConnection } from './resp-connection.js';
import { ReplyError, replyItems, replyRecord, replyText, type Arg, type Reply } from './resp-types.js';

export const SLOTS = 16384;

export interface SlotMap {
  /** each range of slots and the address (`host:port`) of its master */
  ranges: { from: number; to: number; master: string }[];
  /** every node the map names, masters and replicas */
  nodes: string[];
}

export async function readSlotMap(
  conn: RespConnection,
  /** seedHost: the host of a node that does not know its own address (`?`, empty); tls: take the tls-port */
  o: { seedHost: string; tls: boolean; display: string },
): Promise<SlotMap> {
  const map: SlotMap = { ranges: [], nodes: [] };
  const hostOf = (h: Reply | undefined): string => {
    const text = h === undefined ? '' : replyText(h);
    return text === '' || text === '?' ? o.seedHost : text;
  };
  const shards = await conn.send(['CLUSTER', 'SHARDS']);
  if (!(shards instanceof ReplyError)) {
    for (const shard of replyItems(shards)) {
      const record = replyRecord(shard);
      const nodes = replyItems(record.get('nodes') ?? []).map(replyRecord);
      const addrOf = (n: Map<string, Reply>): string =>
        address(hostOf(n.get('endpoint') ?? n.get('ip')), Number(replyText(n.get(o.tls ? 'tls-port' : 'port') ?? n.get('port') ?? '0')));
      for (const n of nodes) map.nodes.push(addrOf(n));
      const masters = nodes.filter((n) => replyText(n.get('role') ?? '') === 'master');
      const master = masters.find((n) => replyText(n.get('health') ?? 'online') === 'online') ?? masters[0];
      if (!master) continue;
      const bounds = replyItems(record.get('slots') ?? []).map((b) => Number(replyText(b)));
      for (let i = 0; i + 1 < bounds.length; i += 2) map.ranges.push({ from: bounds[i]!, to: bounds[i + 1]!, master: addrOf(master) });
    }
    return map;
  }
  const slots = await conn.send(['CLUSTER', 'SLOTS']);
  if (slots instanceof ReplyError) {
    throw new ConnectError(`${o.display} is not a Redis Cluster: ${slots.message}`, {
      code: 'NOT_A_CLUSTER', engine: 'kv', endpoint: o.display,
    });
  }
  for (const range of replyItems(slots)) {
    const [from, to, ...nodes] = replyItems(range);
    const addrs = nodes.map((n) => {
      const m = replyItems(n);
      return address(hostOf(m[0]), Number(m[1]));
    });
    map.nodes.push(...addrs);
    if (addrs[0]) map.ranges.push({ from: Number(from), to: Number(to), master: addrs[0] });
  }
  return map;
}

export function parseAddress(addr: string): NodeAddress {
  const i = addr.lastIndexOf(':');
  return { host: addr.slice(0, i).replace(/^\[(.*)\]$/, '$1'), port: Number(addr.slice(i + 1)) };
}

/** `host:port`, an IPv6 host in brackets */
export function address(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** CRC16-XMODEM of the key (or of its {hash tag}) mod 16384, as the cluster spec defines. */
export function keySlot(key: Arg): number {
  let bytes = typeof key === 'string' ? Buffer.from(key, 'utf8') : key;
  const open = bytes.indexOf(0x7b);
  if (open >= 0) {
    const close = bytes.indexOf(0x7d, open + 1);
    if (close > open + 1) bytes = bytes.subarray(open + 1, close);
  }
  let crc = 0;
  for (const b of bytes) crc = ((crc << 8) & 0xff00) ^ CRC_TABLE[((crc >> 8) ^ b) & 0xff]!;
  return crc % SLOTS;
}

const CRC_TABLE = (() => {
  const t = new Array<number>(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 8;
    for (let k = 0; k < 8; k++) c = c & 0x8000 ? ((c << 1) ^ 0x1021) & 0xffff : (c << 1) & 0xffff;
    t[i] = c;
  }
  return t;
})();
