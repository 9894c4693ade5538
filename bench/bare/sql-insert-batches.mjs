// The floor under `dbx sql -q -f FILE` in bench/compare.mjs: a bare Node script that sends the file's statements to
// the server in multi-statement queries of 2,000 (as dbx's batches are at most) and prints nothing but the time
// the queries took — what the server itself needs for the script, plus mysql2 reading the OK packets.
//   node bench/bare/sql-insert-batches.mjs mysql://user:password@host:port/db FILE
import { readFileSync } from 'node:fs';
import mysql from 'mysql2';

const statements = readFileSync(process.argv[3], 'utf8').split(';\n').filter((s) => s.trim() !== '');
const conn = mysql.createConnection({ uri: process.argv[2], multipleStatements: true });
const query = (sql) => new Promise((resolve, reject) => conn.query(sql, (err) => (err ? reject(err) : resolve())));
const started = performance.now();
for (let i = 0; i < statements.length; i += 2000) await query(statements.slice(i, i + 2000).join(';\n'));
process.stdout.write(`${statements.length} statements in ${(performance.now() - started).toFixed(0)} ms\n`);
conn.end();
