/**
 * Redis Cluster routing: the slot map comes from CLUSTER SLOTS, a command goes to the master owning its first
 * key's slot (key positions from COMMAND INFO, or COMMAND GETKEYS for movable keys), MOVED updates the map and
 * retries, ASK retries once with ASKING. A transaction is pinned to the node of its first command. The slot map
 * and the command docs come over the side connection to the seed node, never over a connection the user's
 * commands use (one of them may be inside a MULTI).
 */
import { ConnectError, type DbxError } from '../../errors.js';
import { CommandCatalog } from './redis-command-docs.js';
import { displayOf, type NodeAddress } from './redis-endpoint.js';
import { connectionOptions, type Router, type RouterOptions } from './redis-router.js';
import { SideConnection, serverVersionOf } from './redis-side-connection.js';
import { RespConnection } from './resp-connection.js';
import { OK, argText, ReplyError, replyItems, replyText, type Arg, type Reply } from './resp-types.js';

const SLOTS = 16384;
const MAX_REDIRECTS = 5;

export class ClusterRouter implements Router {
  private readonly slots: (string | undefined)[] = new Array<string | undefined>(SLOTS);
  private readonly conns = new Map<string, Promise<RespConnection>>();
  /** the seed node that answered: the side connection's node */
  private seed?: NodeAddress;
  readonly side = new SideConnection(() => {
    const n = this.seed ?? this.o.endpoint.nodes[0]!;
    return connectionOptions({ ...this.o, protocol: 3 }, n.host, n.port, 0);
  });
  readonly catalog = new CommandCatalog((args) => this.side.send(args));
  private pinned?: RespConnection;
  private pendingMulti = false;

  constructor(private readonly o: RouterOptions) {}

  get protocol(): 2 | 3 {
    return this.o.protocol;
  }

  display(): string {
    return displayOf(this.o.endpoint);
  }

  async connect(): Promise<void> {
    let lastError: DbxError | undefined;
    for (const n of this.o.endpoint.nodes) {
      this.seed = n;
      try {
        await this.refreshSlots(await this.side.connection(), n.host);
        return;
      } catch (e) {
        lastError = e as DbxError;
        await this.side.close();
      }
    }
    this.seed = undefined;
    throw lastError ?? new ConnectError('no cluster seed nodes', { code: 'BAD_CONFIG', engine: 'kv' });
  }

  async serverVersion(): Promise<string> {
    return serverVersionOf(await this.side.connection());
  }

  async send(args: readonly Arg[]): Promise<Reply> {
    const name = argText(args[0]).toLowerCase();
    if (name === 'multi') {
      if (this.pinned || this.pendingMulti) return new ReplyError('ERR MULTI calls can not be nested');
      this.pendingMulti = true;
      return OK;
    }
    if (this.pendingMulti) {
      if (name === 'exec' || name === 'discard') {
        this.pendingMulti = false;
        return name === 'exec' ? [] : OK;
      }
      const conn = await this.connection(await this.addressFor(args));
      const [multi, reply] = await conn.pipeline([['MULTI'], args]);
      if (multi instanceof ReplyError) return multi;
      this.pinned = conn;
      this.pendingMulti = false;
      return reply!;
    }
    if (this.pinned) {
      const conn = this.pinned;
      if (name === 'exec' || name === 'discard') this.pinned = undefined;
      return conn.send(args);
    }
    return this.routed(args, await this.addressFor(args));
  }

  async pipeline(cmds: readonly (readonly Arg[])[]): Promise<Reply[]> {
    if (this.pinned || this.pendingMulti || cmds.some((c) => /^(multi|exec|discard)$/i.test(argText(c[0])))) {
      const out: Reply[] = [];
      for (const c of cmds) out.push(await this.send(c));
      return out;
    }
    const targets = await Promise.all(cmds.map((c) => this.addressFor(c)));
    const groups = new Map<string, number[]>();
    targets.forEach((t, i) => {
      const g = groups.get(t);
      if (g) g.push(i);
      else groups.set(t, [i]);
    });
    const results = new Array<Reply>(cmds.length);
    await Promise.all([...groups].map(async ([addr, idx]) => {
      const replies = await (await this.connection(addr)).pipeline(idx.map((i) => cmds[i]!));
      idx.forEach((i, k) => { results[i] = replies[k]!; });
    }));
    for (let i = 0; i < results.length; i++) {
      const r = results[i];
      if (r instanceof ReplyError && (r.prefix === 'MOVED' || r.prefix === 'ASK' || r.prefix === 'TRYAGAIN')) {
        results[i] = await this.routed(cmds[i]!, targets[i]!, r);
      }
    }
    return results;
  }

  async masters(): Promise<RespConnection[]> {
    const addrs = new Set(this.slots.filter((s): s is string => s !== undefined));
    return Promise.all([...addrs].map((a) => this.connection(a)));
  }

  async connectionFor(args: readonly Arg[]): Promise<RespConnection> {
    return this.connection(await this.addressFor(args));
  }

  selected(): void {
    // a cluster has only database 0
  }

  cancel(code: string): void {
    this.pinned = undefined;
    this.pendingMulti = false;
    for (const p of this.conns.values()) p.then((c) => c.cancel(code), () => undefined);
    this.side.cancel(code);
  }

  async close(): Promise<void> {
    const all = [...this.conns.values()];
    this.conns.clear();
    await Promise.all([...all.map((p) => p.then((c) => c.close(), () => undefined)), this.side.close()]);
  }

  /** Sends to addr, following MOVED / ASK redirections. `first` is a reply already received from addr. */
  private async routed(args: readonly Arg[], addr: string, first?: Reply): Promise<Reply> {
    let asking = false;
    let reply = first;
    for (let attempt = 0; attempt <= MAX_REDIRECTS; attempt++) {
      if (reply === undefined) {
        const conn = await this.connection(addr);
        reply = asking ? (await conn.pipeline([['ASKING'], args]))[1]! : await conn.send(args);
      }
      if (!(reply instanceof ReplyError)) return reply;
      const [, slot, target] = reply.message.split(' ');
      if (reply.prefix === 'MOVED' && target) {
        this.slots[Number(slot)] = target;
        addr = target;
        asking = false;
      } else if (reply.prefix === 'ASK' && target) {
        addr = target;
        asking = true;
      } else if (reply.prefix === 'TRYAGAIN') {
        await new Promise((r) => setTimeout(r, 100));
      } else {
        return reply;
      }
      reply = undefined;
    }
    return new ReplyError(`ERR too many cluster redirections for ${argText(args[0])}`);
  }

  private async addressFor(args: readonly Arg[]): Promise<string> {
    const key = await this.keyOf(args);
    const owner = key === undefined ? undefined : this.slots[keySlot(key)];
    const seed = this.seed ?? this.o.endpoint.nodes[0]!;
    return owner ?? address(seed.host, seed.port);
  }

  private async keyOf(args: readonly Arg[]): Promise<Arg | undefined> {
    const info = await this.catalog.infoFor(args).catch(() => null);
    if (!info) return undefined;
    if (info.flags.has('movablekeys')) {
      const keys = await this.catalog.getKeys(args);
      return keys[0];
    }
    return info.firstKey > 0 && info.firstKey < args.length ? args[info.firstKey] : undefined;
  }

  private async refreshSlots(conn: RespConnection, seedHost: string): Promise<void> {
    const reply = await conn.send(['CLUSTER', 'SLOTS']);
    if (reply instanceof ReplyError) {
      throw new ConnectError(`${this.o.endpoint.display} is not a Redis Cluster: ${reply.message}`, {
        code: reply.prefix, engine: 'kv', endpoint: this.o.endpoint.display,
      });
    }
    for (const range of replyItems(reply)) {
      const [from, to, master] = replyItems(range);
      const m = replyItems(master ?? []);
      const host = replyText(m[0] ?? null) || seedHost;
      const addr = address(host === '?' ? seedHost : host, Number(m[1]));
      for (let s = Number(from); s <= Number(to); s++) this.slots[s] = addr;
    }
  }

  private connection(addr: string): Promise<RespConnection> {
    const existing = this.conns.get(addr);
    if (existing) {
      return existing.then((c) => (c.closed ? this.reopen(addr) : c));
    }
    return this.reopen(addr);
  }

  private reopen(addr: string): Promise<RespConnection> {
    const i = addr.lastIndexOf(':');
    const host = addr.slice(0, i).replace(/^\[(.*)\]$/, '$1');
    const p = RespConnection.open(connectionOptions(this.o, host, Number(addr.slice(i + 1)), 0));
    this.conns.set(addr, p);
    p.catch(() => this.conns.delete(addr));
    return p;
  }
}

function address(host: string, port: number): string {
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
