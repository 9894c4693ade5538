/**
 * What the differential suite sends: fixtures (loaded byte for byte through `redis-cli --pipe`) and the commands,
 * one reply type or shape each. Every command is read-only or idempotent, so redis-cli and dbx see the same data.
 */

const bytes = (...parts: (string | number[])[]): Buffer =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));

/** a\xff\x00b: not UTF-8, with a NUL */
export const BINARY = bytes('a', [0xff, 0x00], 'b');

export const BIG_LIST = 12_000;
export const BIG_ZSET = 10_500;
export const BIG_SET = 10_300;
export const BIG_HASH = 10_200;

export function fixtures(): (string | Buffer)[][] {
  const f: (string | Buffer)[][] = [
    ['FLUSHALL'],
    ['SET', 'name', 'Sam'],
    ['SET', 'n', '5'],
    ['SET', 'big', '12345678901234567890'],
    ['SET', 'bin', BINARY],
    ['SET', 'utf', '中文 ✓'],
    // U+009B, the 8-bit CSI, and an ESC sequence: both must never reach the terminal unescaped
    ['SET', 'c1', '\u009b31mred'],
    ['SET', 'ctl', 'a\tb\nc\u001b[0m\r\u0007\\"q'],
    ['SET', 'empty', ''],
    ['SET', 'spaces', ' two  words '],
    ['RPUSH', 'l1', '1', '2', '3', '4', '5'],
    ['RPUSH', 'lbin', BINARY, 'x', bytes([0xc3, 0x28])],
    ['RPUSH', 'lmix', 'a', '', 'b c', '中'],
    ['HSET', 'user', 'name', 'Sam', 'age', '16'],
    ['HSET', 'hbin', bytes('f', [0xff]), bytes('v', [0x00, 0xfe])],
    ['SADD', 's1', '1', '2', '3'],
    ['SADD', 'sw', 'apple'],
    ['SADD', 'sbin', BINARY],
    ['ZADD', 'z1', '3', 'a', '4', 'b', '1', 'c', '2.5', 'd'],
    ['ZADD', 'zinf', 'inf', 'x', '-inf', 'y', '0.1', 'z'],
    ['XADD', 'st', '1-1', 'a', '1'],
    ['XADD', 'st', '2-1', 'b', '2', 'c', BINARY],
    ['GEOADD', 'g', '13.361389', '38.115556', 'Palermo', '15.087269', '37.502669', 'Catania'],
    ['SETBIT', 'bits', '7', '1'],
    ['PFADD', 'hll', 'a', 'b', 'c'],
    // written again by the corpus, to the same values
    ['SET', 'k', 'v'],
    ['ZADD', 'zinc', '0', 'm'],
  ];
  const list = ['RPUSH', 'biglist'];
  for (let i = 0; i < BIG_LIST; i++) list.push(`item-${i}`);
  f.push(list);
  const zset = ['ZADD', 'bigz'];
  for (let i = 0; i < BIG_ZSET; i++) zset.push(String(i / 4), `m${i}`);
  f.push(zset);
  const set = ['SADD', 'bigset'];
  for (let i = 0; i < BIG_SET; i++) set.push(`s${i}`);
  f.push(set);
  const hash = ['HSET', 'bighash'];
  for (let i = 0; i < BIG_HASH; i++) hash.push(`f${i}`, `v${i}`);
  f.push(hash);
  return f;
}

/** A command of the corpus: its words as typed after `dbx kv` (and after `redis-cli`). */
export interface Case {
  words: string[];
  /** the set's order is the server's: SMEMBERS and SSCAN walk it differently (dbx streams big sets with SSCAN) */
  unordered?: boolean;
}

const c = (...words: string[]): Case => ({ words });

/** DEBUG PROTOCOL's reply types */
export const DEBUG_TYPES = ['string', 'integer', 'double', 'bignum', 'null', 'array', 'set', 'map', 'attrib', 'push', 'verbatim', 'true', 'false'];

export const CASES: Case[] = [
  // strings and scalars
  c('get', 'name'), c('get', 'nope'), c('get', 'bin'), c('get', 'utf'), c('get', 'c1'), c('get', 'ctl'),
  c('get', 'empty'), c('get', 'spaces'), c('get', 'big'), c('strlen', 'name'), c('exists', 'name', 'nope'),
  c('type', 'l1'), c('ttl', 'name'), c('getrange', 'name', '0', '1'), c('mget', 'name', 'nope', 'bin', 'empty'),
  c('ping'), c('echo', 'hi'), c('echo', ''), c('dbsize'), c('object', 'encoding', 'l1'), c('set', 'k', 'v'),
  c('del', 'nope'), c('getbit', 'bits', '7'), c('pfcount', 'hll'), c('client', 'getname'), c('acl', 'whoami'),
  // lists
  c('lrange', 'l1', '0', '-1'), c('lrange', 'l1', '5', '2'), c('lrange', 'nope', '0', '-1'), c('lrange', 'lbin', '0', '-1'),
  c('lrange', 'lmix', '0', '-1'), c('lindex', 'l1', '0'), c('llen', 'l1'), c('lpos', 'l1', '3'), c('sort', 'l1', 'desc'),
  // hashes
  c('hgetall', 'user'), c('hgetall', 'nope'), c('hgetall', 'hbin'), c('hkeys', 'user'), c('hvals', 'user'),
  c('hmget', 'user', 'name', 'nope'), c('hget', 'user', 'name'), c('hrandfield', 'nope', '2'),
  // sets
  c('smembers', 's1'), c('smembers', 'sw'), c('sismember', 's1', '1'), c('smismember', 's1', '1', '9'), c('scard', 's1'),
  c('sinter', 's1', 'nope'),
  // sorted sets
  c('zrange', 'z1', '0', '-1'), c('zrange', 'z1', '0', '-1', 'withscores'), c('zrevrange', 'z1', '0', '-1', 'withscores'),
  c('zscore', 'z1', 'd'), c('zscore', 'zinf', 'x'), c('zscore', 'zinf', 'z'), c('zrange', 'zinf', '0', '-1', 'withscores'),
  c('zrangebyscore', 'z1', '-inf', '+inf', 'withscores'), c('zmscore', 'z1', 'a', 'nope'), c('zrank', 'z1', 'b'),
  c('zrange', 'z1', '0', '-1', 'rev'), c('zincrby', 'zinc', '0', 'm'),
  // streams and geo
  c('xrange', 'st', '-', '+'), c('xread', 'streams', 'st', '0'), c('xlen', 'st'), c('xinfo', 'stream', 'st'),
  c('geopos', 'g', 'Palermo', 'nope'), c('geodist', 'g', 'Palermo', 'Catania'), c('geohash', 'g', 'Palermo'),
  c('geosearch', 'g', 'fromlonlat', '15', '37', 'byradius', '200', 'km', 'asc', 'withdist'),
  // scripts: every nesting, nils (Lua false), empties, errors, status replies, numbers
  c('eval', "return {1,'a',{},{false},{{}},redis.error_reply('E x'),{'b',{'c'}}}", '0'),
  c('eval', "return {'a',{},'b',{{}}}", '0'), c('eval', 'return {}', '0'), c('eval', "return redis.status_reply('FINE')", '0'),
  c('eval', 'return 3.9', '0'), c('eval', "return {1,2,{3,'x'}}", '0'), c('eval', "return {false,false}", '0'),
  c('eval', "return {redis.status_reply('A'),redis.error_reply('B c')}", '0'), c('eval', "return redis.call('get',KEYS[1])", '1', 'bin'),
  c('eval', "return {'\\0',''}", '0'), c('eval', "return {{{{}}},{}}", '0'),
  // server reports and metadata
  c('config', 'get', 'maxmemory'), c('config', 'get', 'maxmemory-*'), c('command', 'count'), c('command', 'info', 'get'),
  c('command', 'docs', 'get'), c('object', 'help'), c('latency', 'doctor'), c('pubsub', 'channels'), c('function', 'list'),
  c('scan', '0', 'match', 'l*', 'count', '1000'), c('memory', 'usage', 'nope'),
  // errors
  c('get'), c('hget', 'user'), c('nosuchcmd', 'a'), c('lpush', 'name', 'x'), c('incr', 'name'), c('config', 'nosub'),
  c('eval', "return redis.error_reply('MYERR custom')", '0'),
  // big collections: read in chunks by dbx
  c('lrange', 'biglist', '0', '-1'), c('lrange', 'biglist', '0', '-20000'), c('lrange', 'biglist', '5', '2'),
  c('lrange', 'biglist', '-3', '-1'), c('lrange', 'biglist', '11990', '30000'), c('zrange', 'bigz', '0', '-1', 'withscores'),
  c('zrevrange', 'bigz', '100', '10200'), { words: ['smembers', 'bigset'], unordered: true },
  { words: ['hgetall', 'bighash'], unordered: true },
  ...DEBUG_TYPES.map((t) => c('debug', 'protocol', t)),
];
