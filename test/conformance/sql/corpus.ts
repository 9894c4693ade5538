/**
 * The corpus of the differential suite: MariaDB's own regression tests (Debian's mariadb-test package installs them
 * under /usr/share/mysql/mysql-test; scripts/servers.sh --install-only installs it), read at test time and reduced
 * to plain SQL (mysqltest-reduce.ts), plus scripts of our own (scripts/*.sql). Each file is here for a reason:
 * a part of what the mysql client does that dbx must do alike.
 */
export const MYSQL_TEST_DIR = process.env.DBX_MYSQL_TEST_DIR ?? '/usr/share/mysql/mysql-test';

export interface CorpusFile {
  /** under mysql-test/ */
  path: string;
  why: string;
}

export const MARIADB_TESTS: CorpusFile[] = [
  { path: 'main/type_float.test', why: 'FLOAT/DOUBLE as the server prints them (1e15, 0.00000015, FLOAT(M,D) zeros)' },
  { path: 'main/type_newdecimal.test', why: 'DECIMAL text with every digit, warnings counted in status lines' },
  { path: 'main/signal.test', why: 'SIGNAL/RESIGNAL errnos and SQLSTATEs, empty messages, DELIMITER chunks with procedures' },
  { path: 'main/type_binary.test', why: 'BINARY/VARBINARY values printed as 0x… (the reference runs with --binary-as-hex)' },
  { path: 'main/varbinary.test', why: 'binary literals, hex and bit strings' },
  { path: 'main/comments.test', why: 'comments of every kind between and inside statements, /*! versioned */ bodies' },
  { path: 'main/mysql_comments.test', why: 'comments inside routines and triggers (DELIMITER)' },
  { path: 'main/multi_statement.test', why: 'several statements in one DELIMITER chunk, delimiters of several characters' },
  { path: 'main/sql_mode.test', why: 'sql_mode changes, NO_BACKSLASH_ESCAPES and ANSI_QUOTES' },
  { path: 'main/strict.test', why: 'errors and warnings of strict mode: errno, SQLSTATE, warning counts' },
  { path: 'main/func_str.test', why: 'string functions: escapes, NULs, tabs and newlines in values, collations' },
  { path: 'main/type_year.test', why: 'YEAR is numeric (right-aligned), warnings on bad values' },
  { path: 'main/case.test', why: 'CASE expressions, mixed result types' },
  { path: 'main/limit.test', why: 'LIMIT forms, including errors' },
  { path: 'main/truncate.test', why: 'TRUNCATE and its errors' },
  { path: 'main/count_distinct.test', why: 'aggregates with repeated column names' },
  { path: 'main/func_op.test', why: 'operators, bit arithmetic' },
];
