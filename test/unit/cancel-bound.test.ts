// src/runner/cancel-bound.ts with a fake engine: the decided outcome stands whatever comes back; a statement that
// does not end within the give-up bound is given up on (the engine abandons its connections).
import { describe, expect, test } from '@jest/globals';
import type { Engine, Result, RowsResult } from '../../src/engines/engine.js';
import { StatementError } from '../../src/errors.js';
import { CancelBound } from '../../src/runner/cancel-bound.js';

function fakeEngine(): Engine & { cancels: number; abandons: number } {
  const engine = {
    cancels: 0,
    abandons: 0,
    cancel: async () => void engine.cancels++,
    abandon: () => void engine.abandons++,
  };
  return engine as unknown as Engine & { cancels: number; abandons: number };
}

const timeout = () => new StatementError('statement cancelled after 10 ms (--timeout)', { code: 'TIMEOUT' });
const never = new Promise<never>(() => {});
const codec = { text: String, json: (v: unknown) => v };

function rowsOf(...chunks: Array<Array<Record<string, unknown>> | Promise<never>>): RowsResult {
  async function* gen(): AsyncGenerator<Record<string, unknown>[]> {
    for (const c of chunks) yield await c;
  }
  return { kind: 'rows', rows: (async function* () {})(), chunks: gen(), codec };
}

describe('CancelBound', () => {
  test('no decision: the work ends as it ends', async () => {
    const bound = new CancelBound(fakeEngine(), 50);
    await expect(bound.run(async () => 7)).resolves.toBe(7);
  });

  test('a value that comes after the decision is not a success: the decision is thrown, no give-up', async () => {
    const engine = fakeEngine();
    const bound = new CancelBound(engine, 50);
    const decided = timeout();
    await expect(bound.run(async () => {
      bound.decide(decided);
      return 'a row the server sent after its KILL';
    })).rejects.toBe(decided);
    expect(engine.cancels).toBe(1);
    await new Promise((r) => setTimeout(r, 80));
    expect(engine.abandons).toBe(0);
  });

  test('work that never ends is given up on after the bound: abandon(), the decision, a note', async () => {
    const engine = fakeEngine();
    const bound = new CancelBound(engine, 50);
    const decided = timeout();
    const run = bound.run(() => bound.race(never));
    bound.decide(decided);
    await expect(run).rejects.toBe(decided);
    expect(engine.abandons).toBe(1);
    expect(bound.abandoned).toBe(true);
    expect(decided.note).toMatch(/no answer from the server/);
  });

  test('the first decision stands; a decision after the end is ignored', async () => {
    const engine = fakeEngine();
    const bound = new CancelBound(engine, 50);
    const first = timeout();
    await expect(bound.run(async () => {
      bound.decide(first);
      bound.decide(new StatementError('second', { code: 'OTHER' }));
    })).rejects.toBe(first);
    bound.decide(timeout());
    expect(engine.cancels).toBe(1);
  });

  test('admit: rows before the decision pass, what comes after it is dropped and the decision thrown', async () => {
    const bound = new CancelBound(fakeEngine(), 50);
    const decided = timeout();
    const seen: unknown[] = [];
    const result = rowsOf([{ n: 1 }], [{ n: 2 }], [{ n: 3 }]);
    await expect(bound.run(async () => {
      const admitted = (await bound.admit(result)) as RowsResult;
      for await (const chunk of admitted.chunks!) {
        seen.push(...chunk);
        bound.decide(decided);
      }
    })).rejects.toBe(decided);
    expect(seen).toEqual([{ n: 1 }]);
  });

  test('admit after the decision: the result is drained, nothing of it handed out', async () => {
    const bound = new CancelBound(fakeEngine(), 50);
    const decided = timeout();
    bound.decide(decided);
    const value: Result = { kind: 'value', value: 1, codec };
    await expect(bound.admit(value)).rejects.toBe(decided);
    await expect(bound.admit(rowsOf([{ n: 1 }]))).rejects.toBe(decided);
  });

  test('rows read one at a time from chunks, and a stalled chunk given up on', async () => {
    const engine = fakeEngine();
    const bound = new CancelBound(engine, 50);
    const decided = timeout();
    const seen: unknown[] = [];
    const run = bound.run(async () => {
      const admitted = (await bound.admit(rowsOf([{ n: 1 }, { n: 2 }], never))) as RowsResult;
      for await (const row of admitted.rows) {
        seen.push(row);
        if (seen.length === 2) bound.decide(decided);
      }
    });
    await expect(run).rejects.toBe(decided);
    expect(seen).toEqual([{ n: 1 }, { n: 2 }]);
    expect(engine.abandons).toBe(1);
  });
});
