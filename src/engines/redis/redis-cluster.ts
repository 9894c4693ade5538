/**
 * Redis Cluster routing: the slot map comes from CLUSTER SHARDS (CLUSTER SLOTS on servers before 7), a command
 * goes to the master owning its first key's slot (key positions from COMMAND INFO, or COMMAND GETKEYS for movable
 * keys), ASK retries once with ASKING. A transaction is pinned to the node of its first command. The slot map and
 * the command docs come over the side connection, never over a connection the user's commands use (one of them
 * may be inside a MULTI).
 *
 * Failover: a MOVED means the map is stale, so the whole map is read again, not just the one slot; a node that
 * cannot be reached makes dbx read the map from another node it knows (the seeds, every master and replica the
 * map named) and try again; TRYAGAIN and CLUSTERDOWN (a slot migrating, a failover not finished) are retried. Each
 * of those waits RETRY_PAUSES before trying again, at most MAX_RETRIES times per command (README states the
 * bound). After a connection failure only a command that cannot have run (never sent, or its write failed) or
 * a read is retried: a write whose connection broke while it ran may have run, and is reported.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ConnectError, DbxError, StatementError } from '../../errors.js';
import { CommandCatalog } from './redis-command-docs.js';
import { displayOf, type NodeAddress } from './redis-endpoint.js';
import { connectionOptions, type Router, type RouterOptions } from './redis-router.js';
import { SideConnection, serverVersionOf } from './redis-side-connection.js';
import { RespConnection } from './resp-connection.js';
import { OK, argText, ReplyError, type Arg, type Reply } from './resp-types.js';
import { SLOTS, address, keySlot, parseAddress, readSlotMap } from './redis-slot-map.js';

const MAX_REDIRECTS = 5;
/** retries of one command after a connection failure, TRYAGAIN or CLUSTERDOWN */
export const MAX_RETRIES = 12;
/** the pause before retry n (ms): 0.1 s doubling up to 1 s, about 9.5 s over MAX_RETRIES */
const retryPause = (n: number): number => Math.min(100 * 2 ** n, 1000);

export class ClusterRouter implements Router {
  private readonly slots: (string | undefined)[] = new Array<string | undefined>(SLOTS);
  private readonly conns = new Map<string, Promise<RespConnection>>();
  /** every node the seeds and the maps named (masters and replicas): where to read the map when a node is gone */
  private readonly known = new Set<string>();
  /** the node the side connection goes to */
  private seed?: NodeAddress;
  readonly side = new SideConnection(() => {
    const n = this.seed ?? this.o.endpoint.nodes[0]!;
    return connectionOptions({ ...this.o, protocol: 3 }, n.host, n.port, 0);
  });
  readonly catalog = new CommandCatalog((args) => this.side.send(args));
  private pinned?: RespConnection;
  private pendingMulti = false;
  private refreshing?: Promise<void>;
  /** aborted by cancel(): a retry's pause ends at once */
  private pauses = new AbortController();

  constructor(private readonly o: RouterOptions) {
    for (const n of o.endpoint.nodes) this.known.add(address(n.host, n.port));
  }

  get protocol(): 2 | 3 {
    return this.o.protocol;
  }

  display(): string {
    return displayOf(this.o.endpoint);
  }

  async connect(): Promise<void> {
    await this.refresh();
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
      let conn: RespConnection;
      try {
        conn = await this.connection(addr);
      } catch (e) {
        if (!isNetworkFailure(e)) throw e;
        // nothing of this group was sent: each command finds its node afresh, in order
        for (const i of idx) results[i] = await this.routed(cmds[i]!, addr);
        return;
      }
      const replies = await conn.pipeline(idx.map((i) => cmds[i]!));
      idx.forEach((i, k) => { results[i] = replies[k]!; });
    }));
    for (let i = 0; i < results.length; i++) {
      const r = results[i];
      if (r instanceof ReplyError && RETRIED.has(r.prefix)) results[i] = await this.routed(cmds[i]!, targets[i]!, r);
    }
    return results;
  }

  async masters(): Promise<RespConnection[]> {
    const addrs = new Set(this.slots.filter((s): s is string => s !== undefined));
    return Promise.all([...addrs].map((a) => this.connection(a)));
  }

  async sendToMasters(args: readonly Arg[]): Promise<Reply[]> {
    for (let retries = 0; ; retries++) {
      try {
        return await Promise.all((await this.masters()).map((c) => c.send(args)));
      } catch (e) {
        // FLUSHALL twice, DBSIZE twice: harmless, so a node lost on the way is no reason to stop
        if (!isNetworkFailure(e) || retries >= MAX_RETRIES) throw e;
        await this.pause(retries);
        await this.refresh().catch(() => undefined);
      }
    }
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
    this.pauses.abort(new StatementError(code === 'TIMEOUT' ? 'the statement timed out and was cancelled' : 'the statement was cancelled', {
      code, engine: 'kv', endpoint: this.display(),
    }));
    this.pauses = new AbortController();
    for (const p of this.conns.values()) p.then((c) => c.cancel(code), () => undefined);
    this.side.cancel(code);
  }

  async close(): Promise<void> {
    const all = [...this.conns.values()];
    this.conns.clear();
    await Promise.all([...all.map((p) => p.then((c) => c.close(), () => undefined)), this.side.close()]);
  }

  /**
   * Sends to addr, following MOVED / ASK redirections and retrying what a failover causes (see the top of the
   * file). `first` is a reply already received from addr.
   */
  private async routed(args: readonly Arg[], addr: string, first?: Reply): Promise<Reply> {
    let asking = false;
    let reply = first;
    let redirects = 0;
    let retries = 0;
    for (;;) {
      if (reply === undefined) {
        let conn: RespConnection;
        try {
          conn = await this.connection(addr);
        } catch (e) {
          if (!isNetworkFailure(e) || retries >= MAX_RETRIES) throw e;
          this.o.verbose(`kv: ${addr}: ${(e as DbxError).message}; reading the slot map from another node`);
          await this.pause(retries++);
          await this.refresh().catch(() => undefined);
          addr = await this.addressFor(args);
          asking = false;
          continue;
        }
        try {
          reply = asking ? (await conn.pipeline([['ASKING'], args]))[1]! : await conn.send(args);
        } catch (e) {
          // lost while the command was on its way: retried only if it cannot have run (the write failed) or
          // running it twice is harmless (a read)
          if (!isNetworkFailure(e) || retries >= MAX_RETRIES) throw e;
          await this.refresh().catch(() => undefined);
          if ((e as DbxError).code !== 'EPIPE' && !(await this.isRead(args))) throw e;
          this.o.verbose(`kv: ${addr}: ${(e as DbxError).message}; retrying`);
          await this.pause(retries++);
          addr = await this.addressFor(args);
          asking = false;
          continue;
        }
      }
      if (!(reply instanceof ReplyError) || !RETRIED.has(reply.prefix)) return reply;
      const [, slot, target] = reply.message.split(' ');
      if (reply.prefix === 'MOVED' || reply.prefix === 'ASK') {
        if (!target) return reply;
        if (++redirects > MAX_REDIRECTS) return new ReplyError(`ERR too many cluster redirections for ${argText(args[0])}`);
        addr = target;
        asking = reply.prefix === 'ASK';
        if (reply.prefix === 'MOVED') {
          // the map is stale (a failover, a resharding): read it whole; this slot at least is where MOVED says
          this.slots[Number(slot)] = target;
          this.known.add(target);
          await this.refresh().catch(() => undefined);
        }
      } else {
        // TRYAGAIN, CLUSTERDOWN: the command was refused, not run
        if (retries >= MAX_RETRIES) return reply;
        this.o.verbose(`kv: ${addr}: ${reply.message}; retrying`);
        await this.pause(retries++);
        if (reply.prefix === 'CLUSTERDOWN') {
          await this.refresh().catch(() => undefined);
          addr = await this.addressFor(args);
        }
        asking = false;
      }
      reply = undefined;
    }
  }

  private async pause(n: number): Promise<void> {
    const signal = this.pauses.signal;
    await sleep(retryPause(n), undefined, { signal }).catch(() => {
      throw signal.reason as Error;
    });
  }

  private async addressFor(args: readonly Arg[]): Promise<string> {
    const key = await this.keyOf(args);
    const owner = key === undefined ? undefined : this.slots[keySlot(key)];
    const seed = this.seed ?? this.o.endpoint.nodes[0]!;
    return owner ?? address(seed.host, seed.port);
  }

  /** flagged readonly by the server: safe to send again */
  private async isRead(args: readonly Arg[]): Promise<boolean> {
    const info = await this.catalog.infoFor(args).catch(() => null);
    return info?.flags.has('readonly') ?? false;
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

  /** The slot map, read again from the first node that answers (one reading at a time). */
  private refresh(): Promise<void> {
    this.refreshing ??= this.refreshFromAny().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async refreshFromAny(): Promise<void> {
    // the node the side connection is on first (it answered last time), then the seeds, then every node seen
    const current = this.seed ? [address(this.seed.host, this.seed.port)] : [];
    const seeds = this.o.endpoint.nodes.map((n) => address(n.host, n.port));
    let lastError: DbxError | undefined;
    for (const addr of new Set([...current, ...seeds, ...this.known])) {
      const node = parseAddress(addr);
      if (!this.seed || address(this.seed.host, this.seed.port) !== addr) {
        await this.side.close();
        this.seed = node;
      }
      try {
        await this.readSlots(await this.side.connection(), node.host);
        return;
      } catch (e) {
        lastError = e as DbxError;
        // a node that answers but is no cluster node: the profile is wrong, no other node will say otherwise
        if (lastError.code === 'NOT_A_CLUSTER') throw lastError;
        await this.side.close();
      }
    }
    throw lastError ?? new ConnectError('no cluster seed nodes', { code: 'BAD_CONFIG', engine: 'kv' });
  }

  /** the map as `conn` (on `seedHost`) gives it: every slot's master, every node seen */
  private async readSlots(conn: RespConnection, seedHost: string): Promise<void> {
    const map = await readSlotMap(conn, { seedHost, tls: this.o.endpoint.tls !== undefined, display: this.o.endpoint.display });
    for (const n of map.nodes) this.known.add(n);
    this.slots.fill(undefined);
    for (const r of map.ranges) for (let s = r.from; s <= r.to; s++) this.slots[s] = r.master;
  }

  private connection(addr: string): Promise<RespConnection> {
    const existing = this.conns.get(addr);
    if (existing) {
      return existing.then((c) => (c.closed ? this.reopen(addr) : c));
    }
    return this.reopen(addr);
  }

  private reopen(addr: string): Promise<RespConnection> {
    const { host, port } = parseAddress(addr);
    const p = RespConnection.open(connectionOptions(this.o, host, port, 0));
    this.conns.set(addr, p);
    p.catch(() => {
      if (this.conns.get(addr) === p) this.conns.delete(addr);
    });
    return p;
  }
}

/** the replies that a failover or a resharding explains: followed or retried */
const RETRIED = new Set(['MOVED', 'ASK', 'TRYAGAIN', 'CLUSTERDOWN']);

/** a node that cannot be reached or was lost (not a refused login: retrying that would not help) */
function isNetworkFailure(e: unknown): boolean {
  if (!(e instanceof ConnectError)) return false;
  return e.code === 'CONNECTION_LOST' || /^E[A-Z]+$/.test(e.code);
}
