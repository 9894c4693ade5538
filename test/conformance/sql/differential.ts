/**
 * One script through both clients — `mariadb -B --force -vv` and `dbx sql --format tsv --force -v` — read back
 * statement by statement: what each sent, the rows and status line of each result set, and every error with its
 * errno, SQLSTATE and line. Each client runs in a database of its own (the script changes what it finds), whose
 * name is then written `DB` in both outputs.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DBX_BIN, baseEnv } from '../../support/run-dbx.js';

export interface ResultChunk {
  /** tsv lines: the header, then the rows (an OK packet has none) */
  lines: string[];
  /** the status line without its time: "2 rows in set", "Query OK, 1 row affected, 1 warning" (+ info line) */
  status: string;
}

export interface RanStatement {
  /** as the client sent it, comments left out and white space collapsed */
  text: string;
  /** dbx only: the script line where it starts */
  line?: number;
  chunks: ResultChunk[];
}

export interface ReportedError {
  line: number;
  errno: number;
  sqlState: string;
  message: string;
}

export interface ClientRun {
  statements: RanStatement[];
  errors: ReportedError[];
  /** the client's own complaints (mariadb: "Unknown command '\;'.") */
  notes: string[];
  exitCode: number | null;
  raw: string;
}

export interface Server {
  host: string;
  port: number;
  user: string;
  password: string;
}

/** The statement's text without comments (but with `/*! … *\/`, which the server reads), spaces collapsed. */
export function normalizeStatement(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "'" || c === '"' || c === '`') {
      let j = i + 1;
      for (; j < text.length && text[j] !== c; j++) if (text[j] === '\\' && c !== '`') j++;
      out += text.slice(i, j + 1);
      i = j;
    } else if (c === '/' && text[i + 1] === '*' && text[i + 2] !== '!' && !(text[i + 2] === 'M' && text[i + 3] === '!')) {
      const close = text.indexOf('*/', i + 2);
      i = close === -1 ? text.length : close + 1;
      out += ' ';
    } else if (c === '#' || (c === '-' && text[i + 1] === '-' && /[\s]|$/.test(text[i + 2] ?? ''))) {
      const nl = text.indexOf('\n', i);
      i = nl === -1 ? text.length : nl - 1;
    } else {
      out += c;
    }
  }
  return out.replace(/\s+/g, ' ').trim();
}

const STATUS = /^(\d+ rows? in set|Empty set|Query OK, )/;
const INFO = /^(Records|Rows matched|Warnings): /;
const TIME = / \((?:\d+ (?:days?|hours?|min) )*\d+\.\d+ sec\)/;

function run(command: string, args: string[], input: string, env?: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    // stdout and stderr into one pipe, so that errors and status lines stand where they were written
    const child = spawn('sh', ['-c', 'exec "$@" 2>&1', 'sh', command, ...args], { env: env ?? baseEnv(), stdio: ['pipe', 'pipe', 'inherit'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => chunks.push(d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out: Buffer.concat(chunks).toString('utf8') });
    });
    child.stdin.end(input);
  });
}

/** Reads "status line [info line]" chunks and rows out of the lines that follow one statement. */
function readChunks(lines: string[]): ResultChunk[] {
  const chunks: ResultChunk[] = [];
  let current: string[] = [];
  for (let k = 0; k < lines.length; k++) {
    const l = lines[k]!;
    if (STATUS.test(l)) {
      let status = l.replace(TIME, '');
      const next = lines.slice(k + 1).find((x) => x !== '');
      if (status.startsWith('Query OK') && next !== undefined && INFO.test(next)) {
        status += `\n${next}`;
        k = lines.indexOf(next, k + 1);
      }
      chunks.push({ lines: current, status });
      current = [];
    } else if (l !== '' || current.length > 0) {
      current.push(l);
    }
  }
  // rows after the last status line (a result set the client printed no status for) still count
  while (current.length > 0 && current[current.length - 1] === '') current.pop();
  if (current.length > 0) chunks.push({ lines: current, status: '' });
  return chunks;
}

export async function runMariadb(server: Server, db: string, script: string): Promise<ClientRun> {
  const args = ['--no-defaults', `-h${server.host}`, `-P${server.port}`, `-u${server.user}`, '-B', '--force', '-vv', '-n',
    '--binary-as-hex', '--default-character-set=utf8mb4', db];
  const env = baseEnv(server.password ? { MYSQL_PWD: server.password } : {});
  const { code, out } = await run('mariadb', args, script, env);
  const text = out.split(db).join('DB');
  const lines = text.split('\n');
  const statements: RanStatement[] = [];
  const errors: ReportedError[] = [];
  const notes: string[] = [];
  let body: string[] | undefined;
  const close = () => {
    if (body && statements.length > 0) statements[statements.length - 1]!.chunks = readChunks(body);
    body = undefined;
  };
  for (let k = 0; k < lines.length; k++) {
    const l = lines[k]!;
    const err = /^ERROR (\d+) \(([0-9A-Z]{5})\) at line (\d+): (.*)$/.exec(l);
    if (err) {
      let message = err[4]!;
      // a syntax error quotes the statement from where it failed, newlines included, up to "' at line N"
      while (/ near '/.test(message) && !/' at line \d+$/.test(message) && k + 1 < lines.length) message += `\n${lines[++k]}`;
      errors.push({ errno: Number(err[1]), sqlState: err[2]!, line: Number(err[3]), message });
      continue;
    }
    const note = /^ERROR at line \d+: (.*)$/.exec(l);
    if (note) {
      notes.push(note[1]!);
      continue;
    }
    if (l === '--------------') {
      close();
      const end = lines.indexOf('--------------', k + 1);
      statements.push({ text: normalizeStatement(lines.slice(k + 1, end).join('\n')), chunks: [] });
      k = end;
      body = [];
      continue;
    }
    if (l === 'Bye' && k >= lines.length - 2) continue;
    body?.push(l);
  }
  close();
  return { statements, errors, notes, exitCode: code, raw: text };
}

export async function runDbx(server: Server, db: string, script: string): Promise<ClientRun> {
  const dir = mkdtempSync(join(tmpdir(), 'dbx-conformance-'));
  try {
    const file = join(dir, 'script.sql');
    const log = join(dir, 'audit.log');
    writeFileSync(file, script);
    const url = `mysql://${encodeURIComponent(server.user)}:${encodeURIComponent(server.password)}@${server.host}:${server.port}/${db}`;
    const { code, out } = await run(DBX_BIN, ['--url', url, '--format', 'tsv', '--force', '-v', '--log-file', log, 'sql', '-f', file], '');
    let labels: string[] = [];
    try {
      labels = readFileSync(log, 'utf8').trim().split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { statement: string }).statement);
    } catch {
      // nothing ran
    }
    const text = out.split(db).join('DB');
    const statements: RanStatement[] = [];
    const errors: ReportedError[] = [];
    const marker = /^-- \[sql line (\d+)\] /gm;
    const starts: Array<{ at: number; line: number; bodyAt: number }> = [];
    let next = 0;
    for (let m = marker.exec(text); m; m = marker.exec(text)) {
      const label = labels[next]?.split(db).join('DB');
      if (label === undefined || !text.startsWith(label, m.index + m[0].length)) continue;
      starts.push({ at: m.index, line: Number(m[1]), bodyAt: m.index + m[0].length + label.length + 1 });
      statements.push({ text: normalizeStatement(label), line: Number(m[1]), chunks: [] });
      next++;
      marker.lastIndex = m.index + m[0].length + label.length;
    }
    starts.forEach((s, k) => {
      const body = text.slice(s.bodyAt, starts[k + 1]?.at ?? text.length).split('\n');
      const kept: string[] = [];
      for (let j = 0; j < body.length; j++) {
        const l = body[j]!;
        const head = /^ERROR \[sql [^\]]*\] \S+ \((\d+)\)(?: at line (\d+))?: /.exec(l);
        if (head) {
          // the message runs to its "(SQLSTATE …)", over several lines when it quotes a statement
          let message = l.slice(head[0].length);
          while (!/\(SQLSTATE [0-9A-Z]{5}\)$/.test(message) && j + 1 < body.length && !/^ {2}(statement|hint): /.test(body[j + 1]!)) message += `\n${body[++j]}`;
          const state = / ?\(SQLSTATE ([0-9A-Z]{5})\)$/.exec(message);
          errors.push({ errno: Number(head[1]), line: Number(head[2] ?? s.line), message: state ? message.slice(0, state.index) : message, sqlState: state?.[1] ?? '' });
          while (j + 1 < body.length && /^ {2}(statement|hint|line): /.test(body[j + 1]!)) j++;
          continue;
        }
        if (/^-- (connecting|connected|KILL|session)/.test(l) || l === 'Database changed') continue;
        kept.push(l);
      }
      statements[k]!.chunks = readChunks(kept);
    });
    return { statements, errors, notes: [], exitCode: code, raw: text };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The script's boxes: `mariadb --table` and dbx's table format, status lines and errors left out. */
export async function runTables(server: Server, db: string, script: string): Promise<{ ref: string; dbx: string }> {
  const env = baseEnv(server.password ? { MYSQL_PWD: server.password } : {});
  const ref = await run('mariadb', ['--no-defaults', `-h${server.host}`, `-P${server.port}`, `-u${server.user}`, '--table',
    '--default-character-set=utf8mb4', db], script, env);
  const url = `mysql://${encodeURIComponent(server.user)}:${encodeURIComponent(server.password)}@${server.host}:${server.port}/${db}`;
  const dbx = await run(DBX_BIN, ['--url', url, '--quiet', 'sql'], script);
  return { ref: ref.out, dbx: dbx.out };
}
