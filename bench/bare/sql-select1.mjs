// The anchor of `dbx sql "select 1"` in bench/compare.mjs: a bare Node script, mysql2 connect + select 1 + end.
//   node bench/bare/sql-select1.mjs mysql://user:password@host:port/
import mysql from 'mysql2';

const conn = mysql.createConnection(process.argv[2]);
conn.query('select 1', (err, rows) => {
  if (err) throw err;
  process.stdout.write(`${JSON.stringify(rows)}\n`);
  conn.end();
});
