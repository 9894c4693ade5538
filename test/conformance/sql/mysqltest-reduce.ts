/**
 * A mysqltest `.test` file → a plain SQL script the mysql client (and dbx) can run. mysqltest's own commands
 * (`--error`, `--echo`, `let`, `eval`, `source`, `connect`, `if (…) { … }`…) are not SQL: they are dropped, and
 * statements that depend on them (a `$variable`, a block of `if`/`while`, another connection) are dropped with
 * them, counted in `dropped`. `--sorted_result` and `--replace_*` before a statement say its rows come in no fixed
 * order or hold values that change between runs: the reduction remembers that, so the comparison reads them so.
 *
 * The reading follows mysqltest's: a line starting with `#` (outside a statement) is a comment, one starting with
 * `--` is a one-line command, anything else runs up to the current delimiter, outside quotes.
 */

export interface ReducedStatement {
  /** the SQL as written, without its delimiter */
  text: string;
  /** the delimiter it ended with in the reduced script */
  delimiter: string;
  /** line of the .test file where it starts */
  sourceLine: number;
  /** --sorted_result: compare its rows in any order */
  sorted?: boolean;
  /** --replace_result/_column/_regex: its values change between runs, compare only the shape */
  unstable?: boolean;
  /** --error N: mysqltest expects it to fail */
  expectError?: string;
  /** line of the reduced script where it starts */
  line?: number;
}

export interface Reduction {
  /** the reduced script, for `mariadb` and `dbx sql -f` */
  script: string;
  statements: ReducedStatement[];
  /** why statements were left out, and how many */
  dropped: Record<string, number>;
}

/** mysqltest commands (mysqltest.cc's command_names) that may stand where a statement would. */
const COMMANDS = new Set(`connection query connect sleep real_sleep inc dec source disconnect let echo expr while end
  save_master_pos sync_with_master sync_slave_with_master error send reap dirty_close replace_result replace_column
  ping eval enable_query_log disable_query_log enable_result_log disable_result_log enable_connect_log
  disable_connect_log wait_for_slave_to_stop enable_warnings disable_warnings enable_info disable_info
  enable_session_track_info disable_session_track_info enable_metadata disable_metadata enable_column_names
  disable_column_names exec execw exec_in_background system die exit skip chmod append_file cat_file diff_files
  send_quit change_user mkdir rmdir list_files list_files_write_file list_files_append_file send_shutdown
  shutdown_server result_format move_file remove_files_wildcard copy_files_wildcard send_eval output reset_connection
  query_attributes vertical_results horizontal_results query_vertical query_horizontal sorted_result
  lowercase_result start_timer end_timer character_set disable_ps_protocol enable_ps_protocol
  disable_view_protocol enable_view_protocol disable_service_connection enable_service_connection
  disable_cursor_protocol enable_cursor_protocol disable_reconnect enable_reconnect if disable_parsing
  enable_parsing replace_regex replace_numeric_round remove_file file_exists write_file copy_file perl die
  enable_abort_on_error disable_abort_on_error enable_prepare_warnings disable_prepare_warnings
  enable_non_blocking_api disable_non_blocking_api disable_async_client enable_async_client
  enable_warnings disable_warnings delimiter`.split(/\s+/).filter(Boolean));

/** Statements that would change the shared server for every other test, or need what a script cannot have. */
const UNSAFE = /^\s*(set\s+(@@)?global\b|set\s+@@global\.|flush\b|shutdown\b|kill\b|install\s+(plugin|soname)\b|uninstall\b|(create|drop|alter|rename)\s+user\b|grant\b|revoke\b|load\s+data\b|select\b[^;]*\binto\s+(out|dump)file\b|change\s+master\b|(start|stop|reset)\s+(slave|master|replica)\b|purge\b|lock\s+tables?\b|unlock\s+tables?\b|xa\b|(create|drop)\s+server\b|(set|show)\s+(global\s+)?status\b|show\s+(global\s+)?status\b|show\s+processlist\b|show\s+engine\b|show\s+(master|slave|binlog)\b|cache\s+index\b|load\s+index\b|handler\b|backup\b)/i;

/** Values that differ between two runs of the same statement. */
const VOLATILE = /\b(now|sysdate|curtime|curdate|current_time(stamp)?|current_date|utc_\w+|unix_timestamp|uuid(_short)?|rand|connection_id|last_insert_id|benchmark|sleep|found_rows|row_count|localtime(stamp)?|get_lock|release_lock|master_pos_wait|version|user|current_user|session_user|system_user|database|schema)\s*\(|@@(hostname|port|socket|datadir|basedir|tmpdir|pid_file|version|server_id|pseudo_thread_id|timestamp|plugin_dir)|information_schema|performance_schema|\bmysql\.|\bsys\.|show\s+(table\s+status|variables|session\s+variables|full\s+processlist|open\s+tables|privileges|grants|plugins|events|triggers|function\s+status|procedure\s+status|databases)|explain\b|analyze\b|\bchecksum\s+table/i;

function commandWord(text: string): string {
  return /^\s*([A-Za-z_]+)/.exec(text)?.[1]?.toLowerCase() ?? '';
}

/**
 * Index of the delimiter that ends the statement starting at `from`, or -1; quotes are skipped. The delimiter is
 * looked for first, as mysqltest does: `delimiter 'abcd'` makes the quoted word itself the delimiter.
 */
function findDelimiter(src: string, from: number, delimiter: string): number {
  for (let i = from; i < src.length; i++) {
    const c = src[i];
    if (src.startsWith(delimiter, i)) return i;
    if (c === "'" || c === '"' || c === '`') {
      for (i++; i < src.length && src[i] !== c; i++) if (src[i] === '\\' && c !== '`') i++;
    }
  }
  return -1;
}

/** A delimiter the mysql client's DELIMITER command can set: a word without quotes or backslashes. */
function clientDelimiter(mysqltestDelimiter: string): string {
  return /^[^\s'"`\\]+$/.test(mysqltestDelimiter) ? mysqltestDelimiter : '$$';
}

export function reduceMysqltest(source: string): Reduction {
  const statements: ReducedStatement[] = [];
  const dropped: Record<string, number> = {};
  const drop = (why: string) => (dropped[why] = (dropped[why] ?? 0) + 1);
  let delimiter = ';';
  let pending: Pick<ReducedStatement, 'sorted' | 'unstable' | 'expectError'> = {};
  let i = 0;
  let line = 1;
  /** inside `if (…) {` / `while (…) {` blocks, and how deep */
  let blockDepth = 0;
  const advanceTo = (to: number) => {
    for (let k = i; k < to; k++) if (source[k] === '\n') line++;
    i = to;
  };
  const command = (word: string, rest: string): void => {
    if (word === 'delimiter') {
      delimiter = rest.trim().replace(/;$/, '') || ';';
      return;
    }
    if (word === 'sorted_result') pending.sorted = true;
    else if (word.startsWith('replace_')) pending.unstable = true;
    else if (word === 'error') pending.expectError = rest.trim();
    else if (word === 'query_vertical' || word === 'query_horizontal' || word === 'query') {
      sql(rest.trim());
      return;
    } else if (word === 'eval' || word === 'send_eval' || word === 'let') {
      drop('needs a mysqltest variable (let/eval)');
    } else if (word === 'connect' || word === 'connection' || word === 'send' || word === 'reap' || word === 'disconnect') {
      drop('needs another connection');
    }
  };
  const sql = (text: string): void => {
    const info = pending;
    pending = {};
    if (text === '') return;
    if (blockDepth > 0) return void drop('inside an if/while block of mysqltest');
    if (/\$[A-Za-z_]/.test(text.replace(/'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"/g, "''"))) return void drop('needs a mysqltest variable (let/eval)');
    if (UNSAFE.test(text)) return void drop('changes the shared server (global settings, users, replication…)');
    const unstable = info.unstable || VOLATILE.test(text);
    statements.push({ text, delimiter: clientDelimiter(delimiter), sourceLine: startLine, ...info, unstable: unstable || undefined });
  };
  let startLine = 1;
  while (i < source.length) {
    // blank space between statements
    const ws = /^\s*/.exec(source.slice(i, i + 200))![0].length;
    if (ws > 0) {
      advanceTo(i + ws);
      continue;
    }
    startLine = line;
    const eol = source.indexOf('\n', i) === -1 ? source.length : source.indexOf('\n', i);
    const lineText = source.slice(i, eol);
    if (lineText.startsWith('#')) {
      advanceTo(eol);
      continue;
    }
    if (lineText.startsWith('--')) {
      const body = lineText.replace(/^--\s*/, '');
      command(commandWord(body), body.replace(/^\s*[A-Za-z_]+/, ''));
      advanceTo(eol);
      continue;
    }
    if (lineText.startsWith('}')) {
      blockDepth = Math.max(0, blockDepth - 1);
      advanceTo(i + 1);
      continue;
    }
    const word = commandWord(lineText);
    if ((word === 'if' || word === 'while') && /^\s*\w+\s*\(/.test(lineText)) {
      // the condition, then a block in braces: nothing of it is plain SQL
      drop('an if/while block of mysqltest');
      const open = source.indexOf('{', i);
      blockDepth++;
      advanceTo(open === -1 ? eol : open + 1);
      continue;
    }
    const end = findDelimiter(source, i, delimiter);
    const stop = end === -1 ? source.length : end;
    const text = source.slice(i, stop).trim();
    advanceTo(end === -1 ? source.length : end + delimiter.length);
    if (word === 'delimiter') {
      // `delimiter //;`: the new one, written before the old
      delimiter = text.replace(/^delimiter\s+/i, '').trim() || ';';
      continue;
    }
    if (COMMANDS.has(word) && !/^(set|select|show|create|drop|insert|update|delete|replace)\b/i.test(text)) {
      command(word, text.replace(/^\s*[A-Za-z_]+/, ''));
      continue;
    }
    sql(text);
  }
  return { script: render(statements), statements, dropped };
}

/** The script, one statement after the other; each statement learns the line it starts on. */
function render(statements: ReducedStatement[]): string {
  let current = ';';
  let out = '';
  let line = 1;
  for (const s of statements) {
    if (s.delimiter !== current) {
      out += `DELIMITER ${s.delimiter}\n`;
      line++;
      current = s.delimiter;
    }
    s.line = line;
    out += `${s.text}${s.delimiter}\n`;
    line += s.text.split('\n').length;
  }
  if (current !== ';') out += 'DELIMITER ;\n';
  return out;
}
