/** Pure helpers of the kv engine: endpoint parsing, redaction, command docs → syntax, cluster slots. */
import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { UsageError } from '../../src/errors.js';
import { keySlot } from '../../src/engines/redis/redis-slot-map.js';
import { CommandCatalog, closestNames } from '../../src/engines/redis/redis-command-docs.js';
import { editDistance } from '../../src/text/closest-name.js';
import { parseRedisEndpoint } from '../../src/engines/redis/redis-endpoint.js';
import { joinArgs, redactArgs, redactText } from '../../src/engines/redis/redis-redact.js';
import { ReplyMap, ReplySet, type Arg, type Reply } from '../../src/engines/redis/resp-types.js';

describe('parseRedisEndpoint', () => {
  test('URL with user, password and database; display hides the password', () => {
    const ep = parseRedisEndpoint('redis://app:s%40cret@db.example:6380/3');
    assert.deepEqual(ep.nodes, [{ host: 'db.example', port: 6380 }]);
    assert.equal(ep.username, 'app');
    assert.equal(ep.password, 's@cret');
    assert.equal(ep.db, 3);
    assert.equal(ep.tls, undefined);
    assert.equal(ep.display, 'redis://app@db.example:6380/3');
    assert.ok(!ep.display.includes('cret'));
  });
  test('defaults and rediss://', () => {
    const ep = parseRedisEndpoint('rediss://:pw@cache');
    assert.deepEqual(ep.nodes, [{ host: 'cache', port: 6379 }]);
    assert.equal(ep.db, 0);
    assert.equal(ep.password, 'pw');
    assert.deepEqual(ep.tls, { servername: 'cache' });
    assert.equal(ep.display, 'rediss://cache:6379/0');
  });
  test('object form, url as a base', () => {
    const ep = parseRedisEndpoint({ url: 'redis://h:7000/1', password: 'x', db: 2, tls: true });
    assert.deepEqual(ep.nodes, [{ host: 'h', port: 7000 }]);
    assert.equal(ep.db, 2);
    assert.equal(ep.password, 'x');
    assert.ok(ep.tls);
  });
  test('cluster', () => {
    const ep = parseRedisEndpoint({ cluster: ['redis://:pw@10.0.0.1:7000', 'redis://10.0.0.2:7000'] });
    assert.equal(ep.cluster, true);
    assert.equal(ep.nodes.length, 2);
    assert.equal(ep.password, 'pw');
    assert.equal(ep.display, 'redis://10.0.0.1:7000,10.0.0.2:7000 (cluster)');
  });
  test('Sentinel, object form: the Sentinels, the name, the two sets of credentials', () => {
    const ep = parseRedisEndpoint({
      sentinels: ['redis://10.0.0.5:26379', 'redis://10.0.0.6'], name: 'mymaster', password: 'data', sentinelPassword: 'sent',
    });
    assert.equal(ep.cluster, false);
    assert.deepEqual(ep.sentinel, {
      nodes: [{ host: '10.0.0.5', port: 26379 }, { host: '10.0.0.6', port: 6379 }], name: 'mymaster', role: 'master',
      username: undefined, password: 'sent',
    });
    assert.equal(ep.password, 'data');
    assert.equal(ep.display, 'redis-sentinel://10.0.0.5:26379,10.0.0.6:6379/0?name=mymaster');
  });
  test('Sentinel, URL form: several hosts (26379 by default), db, role, the Sentinels\' password as a parameter', () => {
    const ep = parseRedisEndpoint('redis-sentinel://:d%40ta@h1,h2:26380,[::1]:26381/2?name=cache&role=replica&sentinelPassword=sent');
    assert.deepEqual(ep.sentinel?.nodes, [{ host: 'h1', port: 26379 }, { host: 'h2', port: 26380 }, { host: '::1', port: 26381 }]);
    assert.equal(ep.sentinel?.role, 'replica');
    assert.equal(ep.sentinel?.password, 'sent');
    assert.equal(ep.password, 'd@ta');
    assert.equal(ep.db, 2);
    assert.equal(ep.display, 'redis-sentinel://h1:26379,h2:26380,[::1]:26381/2?name=cache&role=replica');
    assert.throws(() => parseRedisEndpoint('redis-sentinel://h1:26379/0'), /name is missing/);
    assert.throws(() => parseRedisEndpoint('redis-sentinel://h1/0?name=x&role=primary&sentinelPassword=SECRET'), (e: unknown) => {
      assert.ok(e instanceof UsageError && /role: expected master or replica/.test(e.message));
      return true;
    });
    assert.throws(() => parseRedisEndpoint('redis-sentinel://h1:x/0?name=x&sentinelPassword=SECRET'), (e: unknown) => {
      assert.ok(e instanceof UsageError && !e.message.includes('SECRET'), String(e));
      return true;
    });
  });
  test('bad entries are usage errors that do not echo the password', () => {
    assert.throws(() => parseRedisEndpoint('mysql://root:pw@h/x'), UsageError);
    assert.throws(() => parseRedisEndpoint('redis://h/abc'), UsageError);
    assert.throws(() => parseRedisEndpoint('redis://u:secret@h:badport'), (e: unknown) => {
      assert.ok(e instanceof UsageError);
      assert.ok(!e.message.includes('secret'));
      return true;
    });
  });
});

describe('redaction', () => {
  const r = (args: Arg[]): string => joinArgs(redactArgs(args));
  test('AUTH', () => {
    assert.equal(r(['AUTH', 'pw']), 'AUTH ***');
    assert.equal(r(['auth', 'user', 'pw']), 'auth user ***');
  });
  test('HELLO … AUTH user pass', () => assert.equal(r(['HELLO', '3', 'AUTH', 'u', 'pw', 'SETNAME', 'x']), 'HELLO 3 AUTH u *** SETNAME x'));
  test('CONFIG SET requirepass', () => {
    assert.equal(r(['config', 'set', 'requirepass', 'pw']), 'config set requirepass ***');
    assert.equal(r(['config', 'set', 'maxmemory', '10mb']), 'config set maxmemory 10mb');
  });
  test('MIGRATE AUTH / AUTH2', () => {
    assert.equal(r(['MIGRATE', 'h', '1', 'k', '0', '5', 'AUTH', 'pw']), 'MIGRATE h 1 k 0 5 AUTH ***');
    assert.equal(r(['MIGRATE', 'h', '1', 'k', '0', '5', 'AUTH2', 'u', 'pw']), 'MIGRATE h 1 k 0 5 AUTH2 u ***');
  });
  test('ACL SETUSER passwords', () => assert.equal(r(['ACL', 'SETUSER', 'bob', 'on', '>pw']), 'ACL SETUSER bob on >***'));
  test('other commands are left alone, quoted where needed', () => {
    assert.equal(r(['set', 'name', 'Sam Lee']), 'set name "Sam Lee"');
    assert.equal(r(['set', 'k', Buffer.from([0xff])]), 'set k "\\xff"');
  });
  test('text that cannot be split', () => assert.equal(redactText('AUTH "pw'), 'AUTH "***'));
});

describe('command docs → syntax', () => {
  const arg = (fields: Record<string, Reply>): ReplyMap =>
    new ReplyMap(Object.entries(fields).map(([k, v]) => [Buffer.from(k), v]));
  const s = (x: string): Buffer => Buffer.from(x);
  const docs: Record<string, Reply> = {
    lrem: arg({ arguments: [arg({ name: s('key'), type: s('key') }), arg({ name: s('count'), type: s('integer') }), arg({ name: s('element'), type: s('string') })] }),
    mset: arg({
      arguments: [arg({
        name: s('data'), type: s('block'), flags: new ReplySet([s('multiple')]),
        arguments: [arg({ name: s('key'), type: s('key') }), arg({ name: s('value'), type: s('string') })],
      })],
    }),
    set: arg({
      arguments: [
        arg({ name: s('key'), type: s('key') }),
        arg({ name: s('value'), type: s('string') }),
        arg({ name: s('condition'), type: s('oneof'), flags: new ReplySet([s('optional')]), arguments: [
          arg({ name: s('nx'), type: s('pure-token'), token: s('NX') }), arg({ name: s('xx'), type: s('pure-token'), token: s('XX') })] }),
        arg({ name: s('seconds'), type: s('integer'), token: s('EX'), flags: new ReplySet([s('optional')]) }),
      ],
    }),
    'sort|x': arg({ arguments: [arg({ name: s('pattern'), type: s('pattern'), token: s('GET'), flags: new ReplySet([s('optional'), s('multiple'), s('multiple_token')]) })] }),
  };
  const catalog = new CommandCatalog(async (args: readonly Arg[]) => {
    const name = String(args[2]);
    return new ReplyMap(docs[name] ? [[Buffer.from(name), docs[name]!]] : []);
  });
  test('plain arguments', async () => assert.equal(await catalog.syntax('lrem'), 'LREM key count element'));
  test('multiple block', async () => assert.equal(await catalog.syntax('mset'), 'MSET key value [key value ...]'));
  test('optional oneof and tokens', async () => assert.equal(await catalog.syntax('set'), 'SET key value [NX | XX] [EX seconds]'));
  test('repeated token', async () => assert.equal(await catalog.syntax('sort|x'), 'SORT X [GET pattern [GET pattern ...]]'));
  test('no docs → undefined', async () => assert.equal(await catalog.syntax('nope'), undefined));
});

describe('edit distance', () => {
  test('distances', () => {
    assert.equal(editDistance('hget', 'hget'), 0);
    assert.equal(editDistance('hgte', 'hget'), 1);
    assert.equal(editDistance('lpsh', 'lpush'), 1);
    assert.equal(editDistance('kitten', 'sitting'), 3);
  });
  test('closest names', () => {
    assert.deepEqual(closestNames('HGTE', ['hget', 'get', 'set', 'hset']), ['hget']);
    assert.deepEqual(closestNames('lpushh', ['lpush', 'rpush', 'lpushx']), ['lpush', 'lpushx', 'rpush']);
    assert.deepEqual(closestNames('zz', ['get', 'set']), []);
  });
});

describe('cluster key slots (CRC16 mod 16384)', () => {
  test('known slots', () => {
    assert.equal(keySlot('foo'), 12182);
    assert.equal(keySlot('bar'), 5061);
    assert.equal(keySlot('123456789'), 0x31c3 % 16384);
  });
  test('hash tags', () => {
    assert.equal(keySlot('{user1000}.following'), keySlot('user1000'));
    assert.equal(keySlot('foo{}{bar}'), keySlot('foo{}{bar}'));
    assert.notEqual(keySlot('foo{}{bar}'), keySlot('bar'));
  });
});
