/**
 * The kv fast paths against the general ones, on the same server and the same tricky values: a big LRANGE read as
 * bytes (BulkArray, ndjson written from them) against the same LRANGE parsed into values, in every format and both
 * protocols; and a script's pipeline (shared command names, replies shaped without the words) against the same
 * statements run one by one.
 */
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import type { Engine, Outcome, Result, Statement } from '../../src/engines/engine.js';
import { createEngine } from '../../src/engines/redis/redis-engine.js';
import { createWriter, type FormatName } from '../../src/output/writers.js';
import { SHARED_KV_DB, testKvUrl, uniqueName } from '../support/servers.js';

const URL = testKvUrl(SHARED_KV_DB);
const LIST = uniqueName('dbx_fast_list');
const KEY = uniqueName('dbx_fast_k');

function makeEngine(typedValues: boolean, general = false): Engine {
  const engine = createEngine({
    profile: 'test', endpoint: URL, connectTimeoutMs: 5000, readonly: false, typedValues, verbose: () => undefined, warn: () => undefined,
  });
  // the general path: the router without its bytes path, so LRANGE's ranges are parsed into values
  if (general) Object.defineProperty((engine as unknown as { router: object }).router, 'sendBulkArray', { value: undefined });
  return engine;
}

class Sink {
  chunks: Buffer[] = [];
  write(chunk: string | Uint8Array): boolean {
    this.chunks.push(Buffer.from(chunk));
    return true;
  }
  get bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

async function printed(format: FormatName, result: Result): Promise<{ out: Buffer; count: number }> {
  const out = new Sink();
  const writer = createWriter({ format, color: false, quiet: true }, out as unknown as NodeJS.WritableStream, new Sink() as unknown as NodeJS.WritableStream);
  const count = await writer.write(result, { seconds: () => 0 });
  await writer.flush();
  return { out: out.bytes, count };
}

const TRICKY: (string | Buffer)[] = [
  '', 'plain', 'with "quotes"', 'back\\slash', 'tab\there', 'line\nbreak', 'cr\r', '\u0000nul', 'del\u007f', 'é', '中文',
  '😀', '\u2028', '\ufffd', ' spaced ', 'long '.repeat(300), Buffer.from([0xff, 0xfe]), Buffer.from([0xed, 0xa0, 0x80]),
];
/** a few huge values (past the parser's 64 KB), at these indexes only */
const HUGE = new Map<number, string | Buffer>([
  [5, 'x'.repeat(70_000)], [12_345, Buffer.concat([Buffer.from('ü'.repeat(40_000)), Buffer.from([0xc3])])], [20_003, '"\\'.repeat(40_000)],
]);
/** more than STREAM_THRESHOLD, so that LRANGE streams in ranges */
const ITEMS = 25_000;

const engines: Engine[] = [];
beforeAll(async () => {
  const setup = makeEngine(false);
  engines.push(setup);
  await setup.connect();
  for (let i = 0; i < ITEMS; i += 2500) {
    const args = ['RPUSH', LIST, ...Array.from({ length: 2500 }, (_, k) => HUGE.get(i + k) ?? TRICKY[(i + k) % TRICKY.length]!)];
    await setup.execute({ text: 'rpush', line: 1, args: args as unknown as string[] });
  }
});
afterAll(async () => {
  await engines[0]?.execute({ text: 'del', line: 1, args: ['DEL', LIST, KEY, `${KEY}:h`, `${KEY}:l`, `${KEY}:x`, `${KEY}:bin`] }).catch(() => undefined);
  await Promise.all(engines.map((e) => e.close()));
});

describe('LRANGE as bytes against LRANGE as values', () => {
  for (const typed of [false, true]) {
    for (const format of ['ndjson', 'json', 'raw', 'table', 'vertical', 'csv', 'tsv'] as FormatName[]) {
      test(`--format ${format}, RESP${typed ? 3 : 2}: byte for byte`, async () => {
        const fast = makeEngine(typed);
        const general = makeEngine(typed, true);
        engines.push(fast, general);
        await fast.connect();
        await general.connect();
        // the table's widths are slow to measure on the huge values: its formats get the ranges between them
        const table = format === 'table' || format === 'vertical';
        for (const range of table ? ['6 12344', '-4990 -1'] : ['0 -1', '3 20004', '-10007 -2']) {
          const fastResult = await fast.execute({ text: `lrange ${LIST} ${range}`, line: 1 });
          assert.ok(fastResult.kind === 'rows' && fastResult.jsonLines, 'streamed, with its ndjson lines');
          const generalResult = await general.execute({ text: `lrange ${LIST} ${range}`, line: 1 });
          // and the ndjson writer's own path over the rows
          if (generalResult.kind === 'rows') delete generalResult.jsonLines;
          const a = await printed(format, fastResult);
          const b = await printed(format, generalResult);
          assert.equal(a.count, b.count, range);
          assert.ok(a.out.equals(b.out), `${format} ${range}: the outputs differ`);
        }
      }, 60_000);
    }
  }

  test('ndjson of the fast path is JSON.stringify of each value', async () => {
    const fast = makeEngine(true);
    engines.push(fast);
    const { out, count } = await printed('ndjson', await fast.execute({ text: `lrange ${LIST} 0 ${TRICKY.length - 1}`, line: 1 }));
    assert.equal(count, TRICKY.length);
    assert.equal(out.toString().split('\n')[5], JSON.stringify(HUGE.get(5)));
    // a small range is one ordinary reply: the same lines as the streamed one's first ones
    const streamed = await printed('ndjson', await fast.execute({ text: `lrange ${LIST} 0 -1`, line: 1 }));
    assert.ok(streamed.out.subarray(0, out.length).equals(out));
    const lines = out.toString('utf8').split('\n').slice(0, -1).map((l) => JSON.parse(l) as unknown);
    assert.equal(lines[2], 'with "quotes"');
    assert.deepEqual(lines[16], { $base64: '//4=' });
  });
});

describe('a script pipeline against the statements one by one', () => {
  test('a script that is not ASCII goes as text: the same replies', async () => {
    const engine = makeEngine(false);
    engines.push(engine);
    await engine.connect();
    const lines = engine.split(`SET ${KEY} é\r\nGET ${KEY}\n\nSTRLEN ${KEY}\nGET ${KEY}`);
    const out: Outcome[] = [];
    for await (const group of engine.executeBatch!(lines)) out.push(...group);
    const text = await Promise.all(out.map(async (o) => (await printed('raw', o.result!)).out.toString()));
    assert.deepEqual(text, ['OK\n', 'é\n', '2\n', 'é\n']);
  });

  const SCRIPT = [
    `SET ${KEY} 1`, `SETEX ${KEY}:x 100 v`, `set ${KEY} 2`, `"set" ${KEY} 3`, `INCR ${KEY}`,
    `INCRBY ${KEY} 5`,
    `RPUSH ${KEY}:l a b`, `HSET ${KEY}:h f "a b"`, `HGET ${KEY}:h f`, `get ${KEY}`, `INCR ${KEY}:h`, `config get maxmemory`,
    `CONFIG GET maxmemory-policy`, `get nosuch_${KEY}`, `SET ${KEY}:bin "\\xff\\x00"`, `GET ${KEY}:bin`, `MULTI`, `INCR ${KEY}`,
    `EXEC`, `setnx ${KEY} 9`, `info server`, `del ${KEY}:x`,
  ];
  // split as a file is: the lines of an ASCII script carry their bytes, and runs of them go out as those bytes
  const FILE = `# a comment\r\n${SCRIPT.slice(0, 6).join('\r\n')}\r\n\n  ${SCRIPT[6]}  \n${SCRIPT.slice(7, 12).join('\n')}\r\r\n`
    + `${SCRIPT.slice(12).join('\n')}`;
  let split: (text: string) => Statement[];
  const statements = (): Statement[] => split(FILE);

  async function oneByOne(engine: Engine): Promise<Outcome[]> {
    const out: Outcome[] = [];
    for (const statement of statements()) {
      try {
        out.push({ statement, result: await engine.execute(statement) });
      } catch (error) {
        out.push({ statement, error: error as Outcome['error'] });
      }
    }
    return out;
  }

  for (const typed of [false, true]) {
    test(`RESP${typed ? 3 : 2}: the same results and errors, printed the same (--force)`, async () => {
      const engine = makeEngine(typed);
      engines.push(engine);
      await engine.connect();
      split = (text) => engine.split(text);
      assert.deepEqual(statements().map((st) => st.text), SCRIPT);
      const clear = (): Promise<Result> => engine.execute({ text: 'del', line: 1, args: ['DEL', `${KEY}:l`, `${KEY}:h`] });
      await clear();
      const batched: Outcome[] = [];
      for await (const group of engine.executeBatch!(statements())) batched.push(...group);
      await clear();
      const single = await oneByOne(engine);
      assert.equal(batched.length, single.length);
      for (let i = 0; i < single.length; i++) {
        const a = batched[i]!;
        const b = single[i]!;
        assert.equal(a.statement.line, b.statement.line);
        assert.equal(a.error?.message, b.error?.message, SCRIPT[i]);
        if (!a.result || !b.result) {
          assert.equal(a.result, b.result, SCRIPT[i]);
          continue;
        }
        for (const format of ['table', 'raw', 'json'] as FormatName[]) {
          let x = (await printed(format, a.result)).out.toString('latin1');
          let y = (await printed(format, b.result)).out.toString('latin1');
          // INCR counts on between the two runs, and INFO's clock moves: compare the shape, not the number
          if (/^(incr|info)/i.test(SCRIPT[i]!) || SCRIPT[i] === 'EXEC') [x, y] = [x.replace(/\d+/g, 'N'), y.replace(/\d+/g, 'N')];
          assert.equal(x, y, `${format}: ${SCRIPT[i]}`);
        }
      }
    }, 30_000);
  }
});
