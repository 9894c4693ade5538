/**
 * Compares what the mariadb client and dbx did with one script, statement by statement. Equal, or one of the
 * deliberate differences of README "dbx sql and the mysql client", each checked to be exactly that:
 * - an empty result set: dbx prints its header line, the mariadb client prints nothing;
 * - binary values: `0x…` in both (the reference runs with --binary-as-hex), dbx in lower case;
 * - tsv escaping: dbx writes a carriage return as `\r` (mariadb leaves it raw) and escapes the header line as it
 *   escapes cells (mariadb writes names raw);
 * - `use db` is echoed by dbx -v (a statement to dbx), not by the mariadb client (a client command).
 */
import type { ClientRun, RanStatement, ResultChunk } from './differential.js';
import { maskStatement } from '../../../src/text/statement-secrets.js';

export interface StatementFlags {
  /** rows in no fixed order */
  sorted?: boolean;
  /** values that change between runs: compare the shape only */
  unstable?: boolean;
}

const ESCAPES: Record<string, string> = { t: '\t', n: '\n', r: '\r', '0': '\0', '\\': '\\' };

function unescapeCell(cell: string): string {
  return cell.replace(/\\([tnr0\\])/g, (_m, c: string) => ESCAPES[c]!);
}

function sameCell(ref: string, dbx: string): boolean {
  const r = unescapeCell(ref);
  const d = unescapeCell(dbx);
  if (r === d) return true;
  // the mariadb client's --binary-as-hex prints a NULL of a binary column as 0x (MariaDB 10.11)
  if (r === '0x' && d === 'NULL') return true;
  return /^0x[0-9a-f]*$/i.test(r) && r.toLowerCase() === d;
}

/**
 * A column named after its expression: the mariadb client strips comments before sending (`select 1+2/*c*\/+3`
 * comes back as `1+2 +3`), dbx sends them as written, as MySQL 8's client does.
 */
function withoutComments(name: string): string {
  return name.replace(/\/\*(?![!+])[\s\S]*?\*\//g, ' ').replace(/\s+/g, ' ').trim();
}

function sameLine(ref: string, dbx: string, header: boolean): boolean {
  if (header) {
    const names = dbx.split('\t').map(unescapeCell);
    return ref === names.join('\t') || withoutComments(ref) === names.map(withoutComments).join('\t');
  }
  const r = ref.split('\t');
  const d = dbx.split('\t');
  return r.length === d.length && r.every((c, i) => sameCell(c, d[i]!));
}

function shape(lines: string[]): string {
  return lines.map((l) => l.split('\t').length).join(',');
}

function compareChunk(ref: ResultChunk, dbx: ResultChunk, flags: StatementFlags): string | undefined {
  if (ref.status !== dbx.status) return `status: mariadb "${ref.status}", dbx "${dbx.status}"`;
  if (ref.status.startsWith('Empty set')) {
    // deliberate: dbx prints the header of an empty result set
    if (ref.lines.length !== 0 || dbx.lines.length !== 1) return `empty set: mariadb ${ref.lines.length} lines, dbx ${dbx.lines.length} (expected the header only)`;
    return undefined;
  }
  // a name with a newline: the mariadb client writes it raw, over two lines; dbx escapes it (\n)
  const breaks = dbx.lines.length > 0 ? unescapeCell(dbx.lines[0]!).split('\n').length - 1 : 0;
  if (breaks > 0) ref = { ...ref, lines: [ref.lines.slice(0, breaks + 1).join('\n'), ...ref.lines.slice(breaks + 1)] };
  if (ref.lines.length !== dbx.lines.length) return `lines: mariadb ${ref.lines.length}, dbx ${dbx.lines.length}\n  mariadb: ${ref.lines.slice(0, 4).join(' | ')}\n  dbx:     ${dbx.lines.slice(0, 4).join(' | ')}`;
  if (ref.lines.length === 0) return undefined;
  if (!sameLine(ref.lines[0]!, dbx.lines[0]!, true)) return `header: mariadb "${ref.lines[0]}", dbx "${dbx.lines[0]}"`;
  if (flags.unstable) return shape(ref.lines) === shape(dbx.lines) ? undefined : `shape: mariadb ${shape(ref.lines)}, dbx ${shape(dbx.lines)}`;
  let r = ref.lines.slice(1);
  let d = dbx.lines.slice(1);
  if (flags.sorted) {
    r = [...r].sort();
    d = [...d].sort();
  }
  for (let k = 0; k < r.length; k++) {
    if (!sameLine(r[k]!, d[k]!, false)) return `row ${k + 1}: mariadb "${r[k]}", dbx "${d[k]}"`;
  }
  return undefined;
}

const isUse = (s: RanStatement) => /^use\s/i.test(s.text);

/** The differences, as readable lines; empty when the two agree. */
export function compareRuns(ref: ClientRun, dbx: ClientRun, flagsAt: (line: number | undefined) => StatementFlags = () => ({})): string[] {
  const out: string[] = [];
  const a = ref.statements.filter((s) => !isUse(s));
  const b = dbx.statements.filter((s) => !isUse(s));
  const n = Math.max(a.length, b.length);
  for (let k = 0; k < n; k++) {
    const r = a[k];
    const d = b[k];
    // dbx's log masks secrets (`set @password="***"`): the mariadb side is read through the same mask
    if (!r || !d || maskStatement('sql', r.text) !== d.text) {
      out.push(`statement ${k + 1} (dbx line ${d?.line ?? '-'}): mariadb sent "${r?.text.slice(0, 120) ?? '(nothing)'}", dbx sent "${d?.text.slice(0, 120) ?? '(nothing)'}"`);
      break; // everything after a misalignment differs too
    }
    const where = `line ${d.line} "${d.text.slice(0, 80)}"`;
    if (r.chunks.length !== d.chunks.length) {
      out.push(`${where}: mariadb ${r.chunks.length} results [${r.chunks.map((c) => c.status).join('; ')}], dbx ${d.chunks.length} [${d.chunks.map((c) => c.status).join('; ')}]`);
      continue;
    }
    r.chunks.forEach((c, i) => {
      const diff = compareChunk(c, d.chunks[i]!, flagsAt(d.line));
      if (diff) out.push(`${where}: ${diff}`);
    });
  }
  const errs = (run: ClientRun) => run.errors.map((e) => `line ${e.line}: ${e.errno} (${e.sqlState}) ${e.message}`);
  const re = errs(ref);
  const de = errs(dbx);
  for (let k = 0; k < Math.max(re.length, de.length); k++) {
    if (re[k] !== de[k]) {
      out.push(`error ${k + 1}: mariadb "${re[k] ?? '(none)'}", dbx "${de[k] ?? '(none)'}"`);
      break;
    }
  }
  return out;
}
