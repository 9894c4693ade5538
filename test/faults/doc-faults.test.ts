/**
 * dbx doc under faults: one row per fault (test/faults/fault-matrix.ts runs them), against the MongoDB test server
 * (test/faults/engine-kits.ts). The test server has no authentication, no TLS and no currentOp/killOp: the rows
 * that need those are not here (test/support/README.md).
 */
import assert from 'node:assert/strict';
import { MongoClient } from 'mongodb';
import { faultMatrix, type FaultRow, type RowContext } from './fault-matrix.js';
import { docKit } from './engine-kits.js';

const kit = docKit();

let collections = 0;
const collection = (): string => `fault_c${++collections}`;

async function withClient<T>(ctx: RowContext, use: (c: MongoClient) => Promise<T>): Promise<T> {
  const client = new MongoClient(ctx.server!.url);
  try {
    return await use(client);
  } finally {
    await client.close();
  }
}

/** 20 000 documents of about 250 bytes: a find() of them is about 5 MB */
async function bigCollection(ctx: RowContext, name: string): Promise<void> {
  await withClient(ctx, async (c) => {
    const docs = Array.from({ length: 20_000 }, (_, i) => ({ i, pad: 'x'.repeat(200) }));
    await c.db('test').collection(name).insertMany(docs);
  });
}

const drop = (name: string) => (ctx: RowContext): Promise<void> => withClient(ctx, async (c) => {
  await c.db('test').collection(name).drop();
});

const rows: FaultRow[] = [
  { fault: 'connection refused', place: 'refused', args: () => ['--connect-timeout', '3000', 'doc', 'db.x.findOne()'], expect: { code: 3, stderr: /connection refused/ } },
  {
    fault: 'a port that accepts and never answers: given up after --connect-timeout',
    place: 'never-answers',
    args: () => ['--connect-timeout', '500', 'doc', 'db.x.findOne()'],
    expect: { code: 3, stderr: /500 ms|ETIMEDOUT/ },
  },
  { fault: 'an SSH server on the port', place: 'ssh', args: () => ['--connect-timeout', '2000', 'doc', 'db.x.findOne()'], expect: { code: 3, stderr: /cannot connect/ } },
  { fault: 'an HTTP server on the port', place: 'http', args: () => ['--connect-timeout', '2000', 'doc', 'db.x.findOne()'], expect: { code: 3, stderr: /cannot connect/ } },
  {
    fault: 'TLS to a plain server',
    place: 'shared',
    url: (u) => `${u}&tls=true`,
    args: () => ['--connect-timeout', '1500', 'doc', 'db.x.findOne()'],
    expect: { code: 3, stderr: /cannot connect[^]*hint: tls=true needs a server that speaks TLS/ },
  },
  {
    fault: 'credentials the server does not take (the test server has no authentication)',
    place: 'shared',
    url: (u) => u.replace('mongodb://', `mongodb://dbx_fault:${encodeURIComponent('WRONG')}@`),
    args: () => ['doc', 'db.x.findOne()'],
    expect: { code: 3, stderr: /cannot connect/ },
  },
  {
    fault: 'server SIGKILLed before the statement',
    place: 'own',
    strike: { to: 'server', signal: 'SIGKILL', when: 'before' },
    args: () => ['--connect-timeout', '3000', 'doc', 'db.x.findOne()'],
    expect: { code: 3, stderr: /connection refused/ },
  },
  (() => {
    const c = collection();
    return {
      fault: 'server SIGKILLed while rows stream',
      place: 'own',
      before: (ctx) => bigCollection(ctx, c),
      strike: { to: 'server', signal: 'SIGKILL', when: 'streaming' },
      // the driver looks for the server again before it gives up: --connect-timeout bounds that
      args: () => ['--connect-timeout', '2000', '--format', 'ndjson', 'doc', `db.${c}.find().batchSize(100)`],
      expect: { code: 3, stderr: /lost the connection during the statement/ },
    } satisfies FaultRow;
  })(),
  {
    fault: 'bytes corrupted in the server\'s first reply',
    place: { proxy: { kind: 'corrupt', after: 0, length: 4 } },
    args: () => ['--connect-timeout', '3000', 'doc', 'db.x.findOne()'],
    expect: { code: 3, stderr: /cannot connect/ },
  },
  {
    fault: '(control) a slow network (every chunk 300 ms late) still gives the result',
    place: { proxy: { kind: 'delay', ms: 300, after: 0, direction: 'both' } },
    args: () => ['--json', 'doc', 'db.x.countDocuments()'],
    expect: { code: 0, stdout: /^0\n$/ },
  },
  (() => {
    const c = collection();
    return {
      fault: 'network cut in the middle of a result',
      place: { proxy: { kind: 'cut', after: 1024 * 1024 } },
      before: (ctx) => bigCollection(ctx, c),
      args: () => ['--format', 'ndjson', 'doc', `db.${c}.find()`],
      expect: { code: 3, stderr: /lost the connection during the statement/ },
      after: drop(c),
    } satisfies FaultRow;
  })(),
  (() => {
    const c = collection();
    return {
      fault: 'stdout closed after the first line (| head -1): the script still runs to its end',
      place: 'shared',
      before: (ctx) => bigCollection(ctx, c),
      args: () => ['doc', `db.${c}.find()\ndb.${c}.insertOne({done: true})`],
      firstLineOnly: true,
      expect: { code: 0 },
      async after(ctx) {
        assert.equal(await withClient(ctx, (m) => m.db('test').collection(c).countDocuments({ done: true })), 1);
        await drop(c)(ctx);
      },
    } satisfies FaultRow;
  })(),
  {
    fault: '--log-file on a full disk (/dev/full)',
    place: 'shared',
    args: () => ['--log-file', '/dev/full', 'doc', 'db.x.findOne()'],
    expect: { code: 1, stderr: /cannot write the audit log \/dev\/full: ENOSPC/ },
  },
];

// Hangs and signals (defects 2–7): test/e2e/cancel-bounds.test.ts holds a server SIGSTOPped mid-stream under
// --timeout and Ctrl-C; the rows below are the rest.
const streamed = (fault: string, extra: Partial<FaultRow>): FaultRow => {
  const c = collection();
  return {
    fault,
    place: 'shared',
    before: (ctx) => bigCollection(ctx, c),
    args: () => ['--format', 'ndjson', 'doc', `db.${c}.find().batchSize(100)`],
    limitMs: 10_000,
    expect: { code: 0 },
    after: drop(c),
    ...extra,
  };
};
rows.push(
  {
    fault: 'server SIGSTOPped before the statement: given up after --connect-timeout',
    place: 'shared',
    strike: { to: 'server', signal: 'SIGSTOP', when: 'before' },
    args: () => ['--connect-timeout', '1500', 'doc', 'db.x.findOne()'],
    limitMs: 10_000,
    expect: { code: 3, stderr: /1500 ms|ETIMEDOUT|timeout/i },
  },
  (() => {
    const c = collection();
    return {
      fault: 'network stalled in the middle of a result, --timeout: exit 1, whole lines',
      place: { proxy: { kind: 'stall', after: 512 * 1024 } },
      before: (ctx) => bigCollection(ctx, c),
      args: () => ['--timeout', '1500', '--format', 'ndjson', 'doc', `db.${c}.find()`],
      limitMs: 10_000,
      expect: { code: 1, stderr: /TIMEOUT[^]*partial/ },
      after: drop(c),
    } satisfies FaultRow;
  })(),
  (() => {
    const c = collection();
    return {
      fault: 'network stalled in the middle of a result, Ctrl-C: exit 130',
      place: { proxy: { kind: 'stall', after: 512 * 1024 } },
      before: (ctx) => bigCollection(ctx, c),
      strike: { to: 'dbx', signal: 'SIGINT', when: 'faulted' },
      args: () => ['--json', 'doc', `db.${c}.find()`],
      limitMs: 10_000,
      expect: { code: 130, stderr: /INTERRUPTED/ },
      after: drop(c),
    } satisfies FaultRow;
  })(),
  streamed('SIGTERM while rows stream: exit 143, whole lines, partial', {
    strike: { to: 'dbx', signal: 'SIGTERM', when: 'streaming' },
    expect: { code: 143, stderr: /INTERRUPTED[^]*partial/ },
  }),
  (() => {
    const c = collection();
    return {
      fault: 'network cut in the middle of a result, --json: a closed array, and the error says partial',
      place: { proxy: { kind: 'cut', after: 1024 * 1024 } },
      before: (ctx) => bigCollection(ctx, c),
      args: () => ['--json', 'doc', `db.${c}.find()`],
      expect: { code: 3, stdout: /^\[\{"_id":[^\n]*\]\n$/, stderr: /"partial":true/ },
      after: drop(c),
    } satisfies FaultRow;
  })(),
);

faultMatrix(kit, rows);
