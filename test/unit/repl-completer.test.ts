/** Tab completion's reading of a statement's tables, and its answers from a fake engine (no server). */
import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import type { Engine, Result, Statement } from '../../src/engines/engine.js';
import { Completer, tableRefs } from '../../src/repl/repl-completer.js';

describe('tableRefs', () => {
  test('tables after FROM / JOIN / UPDATE / INTO, with schema and alias; keywords are no alias', () => {
    assert.deepEqual(tableRefs('select * from t1 a join db2.t2 as b on a.id = b.id'), [
      { table: 't1', alias: 'a' },
      { schema: 'db2', table: 't2', alias: 'b' },
    ]);
    assert.deepEqual(tableRefs('select x from `my table` where 1'), [{ table: 'my table' }]);
    assert.deepEqual(tableRefs('update t set a = 1'), [{ table: 't' }]);
    assert.deepEqual(tableRefs('select 1'), []);
  });
});

function fakeSql(queries: string[]): Engine {
  const rows = (text: string): unknown[][] => {
    if (text.includes('table_schema = database()')) return [['student', 'id'], ['student', 'name'], ['teacher', 'tname']];
    if (text.includes("table_schema = 'information_schema'")) return [['CHARACTER_SETS', 'CHARACTER_SET_NAME'], ['COLLATIONS', 'COLLATION_NAME']];
    if (text.includes('schemata')) return [['information_schema'], ['test'], ['mysql']];
    return [];
  };
  const introspect = async (stmt: Statement): Promise<Result> => {
    queries.push(stmt.text);
    const list = rows(stmt.text);
    async function* each() {
      for (const r of list) yield Object.fromEntries(r.map((v, i) => [String(i), v]));
    }
    return { kind: 'rows', columns: ['0', '1'], rows: each(), codec: { json: (v: unknown) => v } } as unknown as Result;
  };
  return { name: 'sql', database: 'test', introspect } as unknown as Engine;
}

describe('Completer (sql)', () => {
  test('answers synchronously once the names are in; schema.table and alias.column; FROM columns first', async () => {
    const queries: string[] = [];
    const c = new Completer(fakeSql(queries));
    assert.equal(c.completeNow('select na'), undefined); // not fetched yet: the fetch starts
    assert.deepEqual(await c.complete('select na'), [['name'], 'na']);
    assert.deepEqual(c.completeNow('select na'), [['name'], 'na']);
    assert.deepEqual(await c.complete('select * from information_schema.CHAR'), [['information_schema.CHARACTER_SETS'], 'information_schema.CHAR']);
    assert.deepEqual(await c.complete('select * from information_schema.char'), [['information_schema.CHARACTER_SETS'], 'information_schema.char']);
    assert.deepEqual(await c.complete('select * from inf'), [['information_schema'], 'inf']);
    assert.deepEqual(await c.complete('s.n', 'select 1 from student s where'), [['s.name'], 's.n']);
    const [list] = await c.complete('select * from teacher where t');
    assert.deepEqual(list, ['tname', '', 'table', 'tables', 'teacher', 'text', 'then', 'time', 'timestamp', 'tinyint', 'to', 'transaction', 'trigger', 'true', 'truncate']);
    const before = queries.length;
    await c.complete('select * from information_schema.COLL');
    assert.equal(queries.length, before, 'a schema is asked once');
    c.invalidate();
    assert.equal(c.completeNow('select na'), undefined);
  });
});
