// What cli-table3 would cost the table format (docs/decisions.md), against dbx's own table writer
// (src/output/table-writer.ts). Each case runs in a child process of its own (peak RSS is per process), interleaved,
// medians. Rows: id int, name, amount (DECIMAL text), created (DATETIME text), as `dbx sql` hands them over.
// Both sides render the same cell text, in the mysql client's box (cli-table3 given mysql's border characters and
// no colour), to a sink that discards it.
//   rows     1,000, 4,000 and 10,000 rows: total time, time to the first byte, µs per row, peak RSS (cli-table3's time
//            grows with the square of the rows: at 100,000 it takes minutes)
//   escapes  a cell holding terminal escape sequences and a newline: what each prints
// Needs `npm run build:support` (bundles the writers to build/writers.mjs).
//   node bench/table-cli-table3.mjs [rows|escapes] [--runs N]
import { spawnSync } from 'node:child_process';
import { Writable } from 'node:stream';
import Table from 'cli-table3';
import { createWriter } from '../build/writers.mjs';
import { median } from './bench-support.mjs';

const MYSQL_BOX = {
  top: '-', 'top-mid': '+', 'top-left': '+', 'top-right': '+', bottom: '-', 'bottom-mid': '+', 'bottom-left': '+',
  'bottom-right': '+', left: '|', 'left-mid': '+', mid: '-', 'mid-mid': '+', right: '|', 'right-mid': '+', middle: '|',
};
const COLUMNS = ['id', 'name', 'amount', 'created'];
const codec = { text: (v) => (v === null ? 'NULL' : String(v)), json: (v) => v };
const makeRow = (i) => ({ id: i, name: `name-${i}`, amount: `${i}.50`, created: '2018-08-15 20:53:20' });

/** A sink that discards the text and remembers when the first byte came. */
function sink(t0) {
  const s = new Writable({
    write(_chunk, _enc, cb) {
      s.firstByteMs ??= performance.now() - t0;
      cb();
    },
  });
  return s;
}

async function renderCliTable3(rows, out) {
  // cli-table3 lays out the whole table before printing any of it: every row is held, then one string is built
  const table = new Table({ head: COLUMNS, chars: MYSQL_BOX, style: { head: [], border: [], compact: false },
    colAligns: ['right', 'left', 'left', 'left'] });
  for (const row of rows) table.push(COLUMNS.map((c) => codec.text(row[c])));
  await new Promise((resolve) => out.write(`${table.toString()}\n`, resolve));
}

async function renderDbx(rows, out) {
  const writer = createWriter({ format: 'table', color: false, quiet: true }, out, out);
  async function* each() {
    for (const row of rows) yield row;
  }
  await writer.write({ kind: 'rows', columns: COLUMNS, rows: each(), codec }, { seconds: () => 0 });
}

/** Child: render n rows with one library, print {ms, firstByteMs, maxRssMb}. Rows are made as they are read. */
async function child(lib, n) {
  function* rows() {
    for (let i = 1; i <= n; i++) yield makeRow(i);
  }
  const t0 = performance.now();
  const out = sink(t0);
  await (lib === 'cli-table3' ? renderCliTable3(rows(), out) : renderDbx(rows(), out));
  const ms = performance.now() - t0;
  console.log(JSON.stringify({ ms, firstByteMs: out.firstByteMs, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
}

function runChild(lib, n) {
  const r = spawnSync(process.execPath, [new URL(import.meta.url).pathname, '--child', lib, String(n)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout);
}

function rowsCase(runs) {
  for (const n of [1_000, 4_000, 10_000]) {
    const got = { 'cli-table3': [], dbx: [] };
    for (let run = 0; run < runs; run++) for (const lib of Object.keys(got)) got[lib].push(runChild(lib, n));
    const m = (lib, key) => median(got[lib].map((x) => x[key]));
    for (const lib of Object.keys(got)) {
      console.log(`rows ${n}: ${lib.padEnd(10)} median ${m(lib, 'ms').toFixed(0)} ms (${((m(lib, 'ms') * 1000) / n).toFixed(1)} µs/row), ` +
        `first byte after ${m(lib, 'firstByteMs').toFixed(0)} ms, peak RSS ${m(lib, 'maxRssMb').toFixed(1)} MB  (${runs} runs)`);
    }
    console.log(`rows ${n}: ratio cli-table3/dbx ${(m('cli-table3', 'ms') / m('dbx', 'ms')).toFixed(2)} in time\n`);
  }
}

async function escapesCase() {
  const hostile = { id: 1, name: 'a\x1b]0;owned\x07b\x1b[2Jc', amount: '\x1b[31mred\x1b[0m', created: 'two\nlines' };
  for (const [lib, render] of [['cli-table3', renderCliTable3], ['dbx', renderDbx]]) {
    let text = '';
    const out = new Writable({ write(chunk, _e, cb) { text += chunk; cb(); } });
    await render([hostile], out);
    console.log(`escapes: ${lib} prints ${text.includes('\x1b') ? 'raw ESC bytes (the terminal runs them: title, clear screen, colour)' : 'no ESC byte'}:`);
    for (const line of text.trimEnd().split('\n')) console.log(`  ${JSON.stringify(line)}`);
  }
}

const argv = process.argv.slice(2);
if (argv[0] === '--child') {
  await child(argv[1], Number(argv[2]));
} else {
  const runsAt = argv.indexOf('--runs');
  const runs = runsAt >= 0 ? Number(argv.splice(runsAt, 2)[1]) : 5;
  for (const part of argv.length ? argv : ['rows', 'escapes']) {
    if (part === 'rows') rowsCase(runs);
    else await escapesCase();
  }
}
