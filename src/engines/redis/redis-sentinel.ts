/**
 * Redis behind Sentinel: the Sentinels are asked in turn where the master of NAME is (SENTINEL
 * GET-MASTER-ADDR-BY-NAME), or for `role: replica` which replicas it has (SENTINEL REPLICAS, the first healthy
 * one is taken). The server found is asked its ROLE over dbx's side connection (never the user's) before the
 * user's connection opens; a wrong role (a failover under way, a Sentinel that has not heard of it yet) means
 * the next Sentinel is asked, then all of them again after a pause, a bounded number of rounds.
 *
 * Every (re-)opening of the user's connection asks again, so that a shell follows a failover: Sentinel itself
 * closes the clients of a demoted master, the next command reconnects, to the new master; a demoted master that
 * kept its clients answers READONLY, and the command is sent again after asking the Sentinels (send()).
 */
import { ConnectError, type DbxError } from '../../errors.js';
import { displayOf, hostPort, type NodeAddress, type SentinelSettings } from './redis-endpoint.js';
import { StandaloneRouter, type RouterOptions } from './redis-router.js';
import { RespConnection } from './resp-connection.js';
import { ReplyError, argText, replyItems, replyRecord, replyText, type Arg, type Reply } from './resp-types.js';

/** rounds over every Sentinel before giving up, and the pause before the second (doubled before each next) */
export const SENTINEL_ROUNDS = 5;
const FIRST_PAUSE_MS = 200;

type Answer = { found: NodeAddress } | { unknown: true } | { noReplica: true };

export class SentinelRouter extends StandaloneRouter {
  private readonly settings: SentinelSettings;
  /** the server last found; undefined until the first connect */
  private found?: NodeAddress;
  /** inside the user's MULTI: a READONLY there is not retried */
  private inMulti = false;

  constructor(o: RouterOptions) {
    super(o);
    this.settings = o.endpoint.sentinel!;
  }

  /** `redis://127.0.0.1:6380/0 (master of mymaster, via Sentinel)` once found, the Sentinels' URL before */
  override display(db: number): string {
    if (!this.found) return displayOf(this.o.endpoint, db);
    const scheme = this.o.endpoint.tls ? 'rediss' : 'redis';
    const user = this.o.endpoint.username ? `${encodeURIComponent(this.o.endpoint.username)}@` : '';
    const what = this.settings.role === 'replica' ? 'a replica' : 'master';
    return `${scheme}://${user}${hostPort(this.found)}/${db} (${what} of ${this.settings.name}, via Sentinel)`;
  }

  /**
   * A master demoted without its clients being closed (an operator's REPLICAOF, a Sentinel whose CLIENT KILL was
   * refused) answers writes with READONLY: the command was not run, so the Sentinels are asked again and it is sent
   * once more, to the master they name now. Not inside MULTI: the transaction would be lost on the new connection.
   */
  override async send(args: readonly Arg[]): Promise<Reply> {
    const name = argText(args[0]).toLowerCase();
    const reply = await super.send(args);
    if (name === 'multi' && !(reply instanceof ReplyError)) this.inMulti = true;
    else if (name === 'exec' || name === 'discard') this.inMulti = false;
    if (!(reply instanceof ReplyError) || reply.prefix !== 'READONLY' || this.settings.role !== 'master' || this.inMulti) return reply;
    this.o.verbose(`kv: ${this.found ? hostPort(this.found) : 'the server'} answered READONLY: it is no longer the master of ${this.settings.name}; asking the Sentinels again`);
    await this.dropConnection();
    return super.send(args);
  }

  protected override async locate(): Promise<void> {
    const before = this.found;
    const { name, role } = this.settings;
    const unreachable = new Map<string, string>();
    const notes: string[] = [];
    for (let round = 0; round < SENTINEL_ROUNDS; round++) {
      if (round > 0) await new Promise((r) => setTimeout(r, FIRST_PAUSE_MS * 2 ** (round - 1)));
      let unknown = 0;
      for (const sentinel of this.settings.nodes) {
        let answer: Answer;
        try {
          answer = await this.ask(sentinel);
        } catch (e) {
          unreachable.set(hostPort(sentinel), (e as DbxError).message);
          continue;
        }
        unreachable.delete(hostPort(sentinel));
        if ('unknown' in answer) {
          unknown++;
          continue;
        }
        if ('noReplica' in answer) {
          notes.push(`${hostPort(sentinel)} knows no healthy replica of ${name}`);
          continue;
        }
        const reached = await this.roleOf(answer.found);
        if (reached === role) {
          if (before && hostPort(before) !== hostPort(answer.found)) {
            this.o.notice?.(`kv: ${name} has failed over: ${role === 'master' ? 'the master' : 'the replica'} is now ${hostPort(answer.found)} (was ${hostPort(before)})`);
          }
          return;
        }
        notes.push(`${hostPort(sentinel)} named ${hostPort(answer.found)}, which ${reached === undefined ? 'cannot be reached' : `is a ${reached}`}`);
      }
      // nothing a pause can change: no Sentinel answers, or none of those answering knows the name
      if (unreachable.size === this.settings.nodes.length) throw this.noneReachable(unreachable);
      if (unknown > 0 && unknown + unreachable.size === this.settings.nodes.length) {
        throw new ConnectError(`the Sentinels know no master named '${name}' (asked ${this.sentinelList()})`, {
          code: 'SENTINEL_UNKNOWN_NAME', engine: 'kv', endpoint: displayOf(this.o.endpoint),
          hint: "the profile's name: must be a name of the Sentinels' `sentinel monitor` lines (SENTINEL MASTERS lists them)",
        });
      }
    }
    throw new ConnectError(`no Sentinel gave a reachable ${role} of '${name}' after ${SENTINEL_ROUNDS} rounds: ${[...new Set(notes)].join('; ')}`, {
      code: 'SENTINEL_NO_SERVER', engine: 'kv', endpoint: displayOf(this.o.endpoint),
    });
  }

  /** One Sentinel's answer, on a connection of its own (closed after). Throws when it cannot be reached. */
  private async ask(sentinel: NodeAddress): Promise<Answer> {
    const conn = await RespConnection.open({
      host: sentinel.host, port: sentinel.port, db: 0, protocol: 2,
      tls: this.o.endpoint.tls ? { ...this.o.endpoint.tls, servername: sentinel.host } : undefined,
      timeoutMs: this.o.timeoutMs,
      username: this.settings.username,
      password: this.settings.password,
      display: `Sentinel ${hostPort(sentinel)}`,
      verbose: this.o.verbose,
    });
    try {
      const { name } = this.settings;
      if (this.settings.role === 'master') {
        const reply = await conn.send(['SENTINEL', 'GET-MASTER-ADDR-BY-NAME', name]);
        if (reply instanceof ReplyError) throw notASentinel(sentinel, reply);
        const [host, port] = replyItems(reply);
        if (host === undefined || port === undefined) return { unknown: true };
        this.o.verbose(`kv: Sentinel ${hostPort(sentinel)}: the master of ${name} is ${replyText(host)}:${replyText(port)}`);
        return { found: { host: replyText(host), port: Number(replyText(port)) } };
      }
      const reply = await conn.send(['SENTINEL', 'REPLICAS', name]);
      if (reply instanceof ReplyError) {
        if (/no such master/i.test(reply.message)) return { unknown: true };
        throw notASentinel(sentinel, reply);
      }
      const healthy = replyItems(reply).map(replyRecord).find(isHealthyReplica);
      if (!healthy) return { noReplica: true };
      const found = { host: replyText(healthy.get('ip')!), port: Number(replyText(healthy.get('port')!)) };
      this.o.verbose(`kv: Sentinel ${hostPort(sentinel)}: a replica of ${name} is ${hostPort(found)}`);
      return { found };
    } finally {
      await conn.close();
    }
  }

  /**
   * What the server at `addr` says it is (ROLE), over the side connection, which is moved there: the user's
   * connection then opens to the same server. Undefined when it cannot be reached.
   */
  private async roleOf(addr: NodeAddress): Promise<'master' | 'replica' | 'sentinel' | undefined> {
    this.target = addr;
    this.found = addr;
    await this.side.close();
    let reply: Reply;
    try {
      reply = await this.side.send(['ROLE']);
    } catch (e) {
      this.o.verbose(`kv: ${hostPort(addr)}: ${(e as DbxError).message}`);
      return undefined;
    }
    // ROLE renamed or refused by an ACL: take the Sentinel's word for it
    if (reply instanceof ReplyError) return this.settings.role;
    const role = replyText(replyItems(reply)[0] ?? '');
    return role === 'slave' ? 'replica' : (role as 'master' | 'sentinel');
  }

  private sentinelList(): string {
    return this.settings.nodes.map(hostPort).join(', ');
  }

  private noneReachable(why: Map<string, string>): ConnectError {
    const detail = [...why.values()].join('; ');
    return new ConnectError(`no Sentinel reachable (${this.sentinelList()}): ${detail}`, {
      code: 'SENTINEL_UNREACHABLE', engine: 'kv', endpoint: displayOf(this.o.endpoint),
      hint: "check the profile's sentinels: list (host:port of each `redis-server --sentinel`)",
    });
  }
}

/** a replica Sentinel considers usable: not down, not disconnected, its link to the master up */
function isHealthyReplica(r: Map<string, Reply>): boolean {
  const flags = replyText(r.get('flags') ?? '').split(',');
  if (flags.some((f) => f === 's_down' || f === 'o_down' || f === 'disconnected')) return false;
  return replyText(r.get('master-link-status') ?? 'ok') === 'ok' && r.has('ip') && r.has('port');
}

function notASentinel(sentinel: NodeAddress, reply: ReplyError): ConnectError {
  return new ConnectError(`${hostPort(sentinel)} did not answer as a Sentinel: ${reply.message}`, {
    code: reply.prefix, engine: 'kv', endpoint: hostPort(sentinel),
  });
}
