/** Streaming: big results leave in chunks while rows still arrive, and a slow stdout is waited for. */
import { EventEmitter } from 'node:events';
import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import type { RowsResult, ValueCodec } from '../../src/engines/engine.js';
import { createWriter, type FormatName } from '../../src/output/writers.js';

const codec: ValueCodec = { text: (v) => (v === null ? 'NULL' : String(v)), json: (v) => v };

/** Keeps the text; with `slow`, every write reports backpressure and 'drain' comes a tick later. */
class Sink extends EventEmitter {
  text = '';
  writes = 0;
  blocked = false;
  writesWhileBlocked = 0;
  constructor(private readonly slow = false) {
    super();
  }
  write(chunk: string): boolean {
    if (this.blocked) this.writesWhileBlocked++;
    this.text += chunk;
    this.writes++;
    if (!this.slow) return true;
    this.blocked = true;
    setTimeout(() => {
      this.blocked = false;
      this.emit('drain');
    }, 1);
    return false;
  }
}

function writer(format: FormatName, out: Sink, err = new Sink()) {
  return createWriter(
    { format, color: false, quiet: false },
    out as unknown as NodeJS.WritableStream,
    err as unknown as NodeJS.WritableStream,
  );
}

/** n rows; `onRow(i)` runs as row i is requested, before it is handed over. */
function manyRows(n: number, onRow: (i: number) => void = () => {}): RowsResult {
  return {
    kind: 'rows',
    columns: ['id', 'name', 'note'],
    rows: (async function* () {
      for (let i = 0; i < n; i++) {
        onRow(i);
        yield { id: i, name: `name ${i}`, note: i % 7 === 0 ? null : 'a "quoted", text' };
      }
    })(),
    codec,
  };
}

describe('streaming', () => {
  test('json: 10,000 rows are one valid JSON line, written in several chunks', async () => {
    const out = new Sink();
    const count = await writer('json', out).write(manyRows(10_000), { seconds: () => 0 });
    assert.equal(count, 10_000);
    assert.ok(out.text.endsWith(']\n'));
    assert.equal(out.text.indexOf('\n'), out.text.length - 1);
    const parsed = JSON.parse(out.text) as Array<Record<string, unknown>>;
    assert.equal(parsed.length, 10_000);
    assert.deepEqual(parsed[9_999], { id: 9_999, name: 'name 9999', note: 'a "quoted", text' });
    assert.ok(out.writes > 1, 'the array must not be written as one string');
  });

  for (const format of ['table', 'vertical', 'json', 'ndjson', 'csv', 'tsv', 'raw'] as const) {
    test(`${format}: output leaves before the last row has been read`, async () => {
      const out = new Sink();
      let before = -1;
      const rows = manyRows(50_000, (i) => {
        if (i === 49_999) before = out.text.length;
      });
      await writer(format, out).write(rows, { seconds: () => 0 });
      assert.ok(before > out.text.length / 2, `${before} of ${out.text.length} characters were out before the end`);
    });
  }

  test('backpressure: nothing is written until the sink has drained', async () => {
    const out = new Sink(true);
    const count = await writer('ndjson', out).write(manyRows(20_000), { seconds: () => 0 });
    assert.equal(count, 20_000);
    assert.ok(out.writes > 3);
    assert.equal(out.writesWhileBlocked, 0);
    assert.equal(out.text.split('\n').length, 20_001);
  });

  test('status lines wait for the data written before them', async () => {
    const out = new Sink(true);
    const err = new Sink();
    let dataWhenStatus = -1;
    err.write = (chunk: string) => {
      dataWhenStatus = out.text.length;
      err.text += chunk;
      return true;
    };
    const rows = { ...manyRows(3), summary: () => '3 rows in set' };
    await writer('table', out, err).write(rows, { seconds: () => 0 });
    assert.equal(err.text, '3 rows in set\n');
    assert.equal(dataWhenStatus, out.text.length);
    assert.ok(out.text.length > 0);
  });

  test('a stream that closes instead of draining ends the wait', async () => {
    const out = new Sink();
    out.write = (chunk: string) => {
      out.text += chunk;
      setTimeout(() => out.emit('close'), 1);
      return false;
    };
    assert.equal(await writer('csv', out).write(manyRows(5_000), { seconds: () => 0 }), 5_000);
  });

  test('a stream error while waiting rejects and stops reading rows', async () => {
    const out = new Sink();
    out.write = () => {
      setTimeout(() => out.emit('error', new Error('EPIPE')), 1);
      return false;
    };
    let read = 0;
    await assert.rejects(
      async () => writer("ndjson", out).write(manyRows(100_000, () => read++), { seconds: () => 0 }),
      /EPIPE/,
    );
    assert.ok(read < 100_000);
  });

  test('json: rows failing mid-stream leave the array closed (a complete value), the error passed on, marked partial', async () => {
    const out = new Sink();
    const failing: RowsResult = {
      kind: 'rows',
      rows: (async function* () {
        yield { a: 1 };
        throw new Error('lost connection');
      })(),
      codec,
    };
    await assert.rejects(async () => writer('json', out).write(failing, { seconds: () => 0 }), (e: Error & { partial?: boolean }) => /lost connection/.test(e.message) && e.partial === true);
    assert.equal(out.text, '[{"a":1}]\n');
  });
});
