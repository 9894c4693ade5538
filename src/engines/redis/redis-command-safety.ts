/**
 * Safety classification of a Redis command (CONTRACT.md "Safety"). The server's own flags decide where they can:
 * `write` or `may_replicate` is a write, `readonly` a read. The commands the server flags neither way (scripts,
 * administration, connection state, pub/sub) were reviewed one by one against Redis 7's command table and are
 * listed in REVIEWED; a flagged-neither command that is not listed (a newer server, a module) is taken for a
 * write, since nobody has looked at what it does. test/integration/redis-engine.test.ts walks the test server's
 * whole COMMAND table and fails on a command that is neither flagged nor reviewed.
 */
import type { Classification } from '../engine.js';
import type { CommandInfo } from './redis-command-docs.js';
import { argText, type Arg } from './resp-types.js';

/**
 * - reads: changes nothing beyond this connection (its database, protocol, name, tracking, subscriptions)
 * - changes: changes the server, other clients or the data (a script may run any write): refused under readonly
 * - destructive: as changes, and confirmed under `safety: confirm` (it can empty or replace the data)
 */
type Review = 'reads' | 'changes' | 'destructive';

const reviewed = (kind: Review, names: string): [string, Review][] => names.trim().split(/\s+/).map((n) => [n, kind]);

const REVIEWED: ReadonlyMap<string, Review> = new Map([
  ...reviewed('reads', `
    acl acl|cat acl|dryrun acl|genpass acl|getuser acl|help acl|list acl|log acl|users acl|whoami asking auth
    client client|caching client|getname client|getredir client|help client|id client|info client|list
    client|no-evict client|reply client|setname client|tracking client|trackinginfo
    cluster cluster|count-failure-reports cluster|countkeysinslot cluster|getkeysinslot cluster|help cluster|info
    cluster|keyslot cluster|links cluster|myid cluster|nodes cluster|replicas cluster|shards cluster|slaves cluster|slots
    command command|count command|docs command|getkeys command|getkeysandflags command|help command|info command|list
    config config|get config|help discard echo exec function function|dump function|help function|list
    function|stats hello info lastsave latency latency|doctor latency|graph latency|help latency|histogram
    latency|history latency|latest memory memory|doctor memory|help memory|malloc-stats memory|stats module
    module|help module|list monitor multi object object|help pfselftest ping psubscribe pubsub pubsub|channels
    pubsub|help pubsub|numpat pubsub|numsub pubsub|shardchannels pubsub|shardnumsub punsubscribe quit readonly
    readwrite reset role script script|debug script|exists script|help select slowlog slowlog|get slowlog|help
    slowlog|len ssubscribe subscribe sunsubscribe time unsubscribe unwatch wait watch xgroup xgroup|help xinfo
    xinfo|help
  `),
  ...reviewed('changes', `
    acl|deluser acl|load acl|save acl|setuser bgrewriteaof bgsave client|kill client|pause client|unblock
    client|unpause cluster|addslots cluster|addslotsrange cluster|bumpepoch cluster|delslots cluster|delslotsrange
    cluster|failover cluster|forget cluster|meet cluster|replicate cluster|saveconfig cluster|set-config-epoch
    cluster|setslot config|resetstat config|rewrite config|set failover function|kill latency|reset memory|purge
    module|load module|loadex module|unload psync sync replconf publish spublish save script|kill script|load
    slowlog|reset
  `),
  // a script may do anything a command can, FLUSHALL included: EVAL_RO / EVALSHA_RO / FCALL_RO are the
  // read-only forms (the server refuses their writes) and the server flags them readonly
  ...reviewed('destructive', `
    eval evalsha fcall script|flush debug shutdown replicaof slaveof cluster|reset cluster|flushslots
  `),
]);

/** flagged write by the server, and able to empty or replace a whole database */
const DESTRUCTIVE_WRITES = new Set(['flushall', 'flushdb', 'function|flush', 'function|restore', 'swapdb']);

/** What the statement `args` does, given the server's COMMAND INFO of it (null: the server does not know it). */
export function commandSafety(info: CommandInfo | null, args: readonly Arg[]): Classification {
  // unknown to the server: it refuses the command itself
  if (info === null) return { write: false, destructive: false };
  const { name, flags } = info;
  if (flags.has('write') || flags.has('may_replicate')) return { write: true, destructive: DESTRUCTIVE_WRITES.has(name) };
  const review = REVIEWED.get(name);
  // ACL LOG RESET empties the log; ACL LOG [count] reads it
  if (name === 'acl|log' && args.slice(2).some((a) => argText(a).toLowerCase() === 'reset')) return { write: true, destructive: false };
  if (review === 'destructive') return { write: true, destructive: true };
  if (review === 'changes') return { write: true, destructive: false };
  if (review === 'reads' || flags.has('readonly')) return { write: false, destructive: false };
  return { write: true, destructive: false };
}

/** When COMMAND INFO cannot be had (renamed, forbidden): everything is a write, destructive by its name. */
export function unknownCommandSafety(args: readonly Arg[]): Classification {
  const name = argText(args[0]).toLowerCase();
  const sub = args.length > 1 ? `${name}|${argText(args[1]).toLowerCase()}` : name;
  const destructive = DESTRUCTIVE_WRITES.has(name) || REVIEWED.get(name) === 'destructive' || REVIEWED.get(sub) === 'destructive';
  return { write: true, destructive };
}

/** The flagged-neither commands of this table, for the test that checks it against a server's COMMAND table. */
export function reviewedCommand(name: string): boolean {
  return REVIEWED.has(name);
}
