// Parsers and the doc value formatter on large inputs: what the unit tests used to time. Speed lives here, not in
// timed tests (the tests keep the correctness checks, and jest's test timeout catches a hang).
//   npm run build:support && node build/parse-speed.mjs [runs]
import { ObjectId } from 'bson';
import { splitSql } from '../src/engines/mysql/sql-splitter.js';
import { parseDocStatement } from '../src/mongo-syntax/doc-parser.js';
import { splitDocScript } from '../src/mongo-syntax/doc-splitter.js';
import { formatShellValue } from '../src/mongo-syntax/shell-format.js';

const runs = Number(process.argv[2] ?? 5);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function measure(label: string, work: () => unknown): void {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    work();
    times.push(performance.now() - started);
  }
  console.log(`${label.padEnd(64)} median ${median(times).toFixed(1).padStart(8)} ms  (min ${Math.min(...times).toFixed(1)})`);
}

const sqlLine = 'update t set a = 1 where id = 2; insert into t values (1);'.repeat(25_000);
measure('splitSql: 50,000 statements on one line (linear: was minutes)', () => splitSql(sqlLine));
measure('splitSql: 10x as many (should take ~10x, not 100x)', () => splitSql(sqlLine.repeat(10)));

const doc = { _id: new ObjectId(), name: 'sam', tags: ['a', 'b'], nested: { at: new Date(0), n: 1.5, $op: null } };
measure('formatShellValue: 10,000 documents (target: well under 1 s)', () => {
  for (let i = 0; i < 10_000; i++) formatShellValue(doc);
});

const docScript = Array.from({ length: 10_000 }, (_, i) => `db.s.insert({_id: ${i}, name: 'n${i}', tags: [1, 2, {a: null}]})`).join('\n');
measure('splitDocScript + parseDocStatement: 10,000 statements', () => {
  for (const s of splitDocScript(docScript)) parseDocStatement(s.text, s.line);
});
measure('parseDocStatement: deep array (5,000 levels)', () => {
  try {
    parseDocStatement(`db.x.find(${'['.repeat(5000)}${']'.repeat(5000)})`);
  } catch {
    // an error is a fine answer; the time is what is measured
  }
});
