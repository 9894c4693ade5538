// What ioredis cannot do that `dbx kv` needs (docs/decisions.md). Each check sends the same command through ioredis
// 6 (both of its reply mappings, call and callBuffer), through `bin/dbx kv` and through `redis-cli -3 --no-raw`, on a
// private redis-server this script starts, and prints what each hands back. Exit status 1 when a claim of
// docs/decisions.md no longer holds (an ioredis upgrade may fix one: then the decision deserves another look).
//   npm run build && node bench/kv-ioredis-limits.mjs
import { spawnSync } from 'node:child_process';
import { inspect } from 'node:util';
import { Redis } from 'ioredis';
import { startPrivateRedis } from './bench-support.mjs';

const server = await startPrivateRedis();
const show = (v) => inspect(v, { breakLength: Infinity, depth: 4 });
const cli = (...args) => {
  const r = spawnSync('redis-cli', ['-p', String(server.port), '-3', '--no-raw', ...args], { encoding: 'latin1' });
  return (r.stdout + r.stderr).trimEnd();
};
const DBX = new URL('../bin/dbx', import.meta.url).pathname;
const dbx = (...args) => {
  const r = spawnSync(DBX, ['--no-color', '--url', server.url, 'kv', ...args], { encoding: 'latin1' });
  return (r.stdout + r.stderr).trimEnd();
};
const clients = {
  'legacy (default)': new Redis({ port: server.port, lazyConnect: true, maxRetriesPerRequest: 0 }),
  "replyMapping 'resp3'": new Redis({ port: server.port, lazyConnect: true, maxRetriesPerRequest: 0, replyMapping: 'resp3' }),
};
for (const c of Object.values(clients)) {
  c.on('error', () => {}); // reported below through the commands' own rejections
  await c.connect();
}
const failed = [];
const claim = (holds, text) => {
  console.log(`  ${holds ? 'holds' : 'DOES NOT HOLD'}: ${text}\n`);
  if (!holds) failed.push(text);
};

try {
  const io = clients['legacy (default)'];
  await io.set('word', 'OK');

  console.log('1. A status reply (+OK) and a bulk string that holds OK ($2 OK)');
  console.log(`  redis-cli:  SET k v → ${cli('set', 'k', 'v')}    GET word → ${cli('get', 'word')}`);
  console.log(`  dbx kv:     SET k v → ${dbx('set', 'k', 'v')}    GET word → ${dbx('get', 'word')}`);
  const seen = [];
  for (const [name, c] of Object.entries(clients)) {
    const pair = [await c.call('set', 'k', 'v'), await c.call('get', 'word'), await c.callBuffer('set', 'k', 'v'), await c.callBuffer('get', 'word')];
    console.log(`  ioredis ${name}: call → ${show(pair[0])} / ${show(pair[1])}   callBuffer → ${show(pair[2])} / ${show(pair[3])}`);
    seen.push(pair[0] === pair[1] && Buffer.compare(pair[2], pair[3]) === 0);
  }
  claim(seen.every(Boolean), 'ioredis hands +OK and a bulk "OK" back as the same value, so OK vs "OK" cannot be shown');

  console.log('2. RESP3 reply types (DEBUG PROTOCOL <type>): what is left of the type');
  const types = ['string', 'integer', 'double', 'bignum', 'null', 'true', 'false', 'verbatim', 'array', 'set', 'map'];
  const rows = [];
  for (const t of types) {
    const row = { type: t, 'redis-cli -3': cli('debug', 'protocol', t).replace(/\n/g, ' ⏎ '), 'dbx kv': dbx('debug', 'protocol', t).replace(/\n/g, ' ⏎ ') };
    for (const [name, c] of Object.entries(clients)) row[`ioredis ${name}`] = show(await c.call('debug', 'protocol', t));
    rows.push(row);
  }
  console.table(rows);
  const legacy = Object.fromEntries(rows.map((r) => [r.type, r['ioredis legacy (default)']]));
  claim(legacy.double === `'3.141'` && legacy.true === '1' && legacy.map.startsWith('[') && legacy.set === legacy.array,
    'in its default mapping a double cannot be told from a bulk string, a boolean from an integer, a map or a set from an array ' +
    '(dbx --json, like redis-cli --json, prints 3.141, true and an object)');
  claim(rows.find((r) => r.type === 'map')["ioredis replyMapping 'resp3'"].startsWith('{'),
    "in 'resp3' mapping a map is a plain object: its keys are strings, whatever they were on the wire (see 3.)");

  console.log('3. A hash whose field names are not UTF-8 (HSET h \\xff\\xfe x \\xc3\\x28 y)');
  await io.del('h');
  await io.hset('h', Buffer.from([0xff, 0xfe]), 'x', Buffer.from([0xc3, 0x28]), 'y');
  console.log(`  redis-cli:  ${cli('hgetall', 'h').replace(/\n/g, '  ')}`);
  console.log(`  dbx kv --json:  ${dbx('--json', 'hgetall', 'h')}`);
  const lost = [];
  for (const [name, c] of Object.entries(clients)) {
    for (const [how, get] of [['hgetall', () => c.hgetall('h')], ['hgetallBuffer', () => c.hgetallBuffer('h')],
      ["callBuffer('hgetall')", () => c.callBuffer('hgetall', 'h')], ["callBuffer('HGETALL')", () => c.callBuffer('HGETALL', 'h')]]) {
      const v = await get();
      const bytesKept = Array.isArray(v) && Buffer.isBuffer(v[0]) && v[0][0] === 0xff;
      console.log(`  ioredis ${name} ${how} → ${show(v)}${bytesKept ? '   (bytes kept)' : ''}`);
      lost.push({ name, how, bytesKept });
    }
  }
  claim(lost.filter((l) => l.how !== "callBuffer('HGETALL')").every((l) => !l.bytesKept),
    "binary hash field names become U+FFFD (hgetall, hgetallBuffer, callBuffer('hgetall'), and every map in 'resp3' mapping: object keys are strings)");
  claim(lost.some((l) => l.bytesKept),
    "(the only way around: an upper-case callBuffer('HGETALL') escapes the lower-case reply transformer, in legacy mapping, where a map is a flat array and its type is lost)");

  console.log('4. A RESP3 attribute reply (DEBUG PROTOCOL attrib) with commands in flight behind it');
  console.log(`  redis-cli:  ${cli('debug', 'protocol', 'attrib').replace(/\n/g, ' ⏎ ')}`);
  console.log(`  dbx kv:     ${dbx('debug', 'protocol', 'attrib')}`);
  let killed = true;
  for (const [name, c] of Object.entries(clients)) {
    let closed = 0;
    c.on('close', () => closed++);
    const before = await c.client('id');
    const settled = await Promise.allSettled([c.get('word'), c.call('debug', 'protocol', 'attrib'), c.get('word'), c.get('word')]);
    const text = settled.map((s) => (s.status === 'fulfilled' ? show(s.value) : `rejected (${s.reason.message})`));
    await new Promise((r) => setTimeout(r, 300));
    const after = await c.client('id');
    console.log(`  ioredis ${name}: GET, DEBUG PROTOCOL attrib, GET, GET → ${text.join(' | ')}`);
    console.log(`    connection closed ${closed}×, client id ${before} before, ${after} after (a new connection)`);
    killed &&= settled[1].status === 'rejected' && settled[2].status === 'rejected' && closed > 0 && before !== after;
  }
  claim(killed, 'an attribute reply fails its command and every command behind it, and drops the connection');
} finally {
  for (const c of Object.values(clients)) c.disconnect();
  await server.stop();
}
if (failed.length) {
  console.log(`${failed.length} claim(s) no longer hold`);
  process.exitCode = 1;
}
