/**
 * `${VAR}` references in config values, filled late: only the chosen profile's values are filled, when it is
 * resolved, so an unset `${PROD_DB_PASSWORD}` in a profile nobody uses is no error.
 *
 *   ${VAR}            the variable; unset → error (set-but-empty is fine and gives '')
 *   ${VAR:-default}   default when VAR is unset OR empty (shell semantics)
 *   ${VAR-default}    default only when VAR is unset — `MYSQL_PWD=` then means "empty password", like mysql's own
 *                     MYSQL_PWD
 *   $$                a literal `$`; a `$` not followed by `{` or `$` is literal too (`pa$word` needs no escape)
 *
 * Exports:
 *   tokenizeEnvRefs(text, where)   → parts (literal text and references); throws UsageError on a bad `${…}`
 *   fillEnvRefs(text, env, where, opts) → the filled string; opts.url percent-encodes values in a URL's userinfo
 *   hasEnvRefs(text), isPureEnvRef(text)
 */
import { UsageError } from '../errors.js';
import { ownValue } from '../text/own-keys.js';

export type Env = Readonly<Record<string, string | undefined>>;

/** Where a value came from, for messages: `dbx.yaml:7: profiles.prod.sql.password: …` */
export interface ValueWhere {
  /** file:line prefix, e.g. `dbx.yaml:7` */
  at: string;
  /** dotted path of the value, e.g. `profiles.prod.sql.password` */
  path: string;
}

export type EnvPart =
  | { kind: 'text'; text: string }
  | { kind: 'ref'; name: string; fallback?: string; emptyUsesFallback: boolean; source: string };

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

export function formatWhere(where: ValueWhere): string {
  return `${where.at}: ${where.path}`;
}

export function tokenizeEnvRefs(text: string, where: ValueWhere): EnvPart[] {
  const parts: EnvPart[] = [];
  let literal = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    const next = text[i + 1];
    if (ch !== '$' || (next !== '{' && next !== '$')) {
      literal += ch;
      i += 1;
      continue;
    }
    if (next === '$') {
      literal += '$';
      i += 2;
      continue;
    }
    // The text is not echoed in messages: it may be a password that happens to hold `${`.
    const close = text.indexOf('}', i + 2);
    if (close < 0) {
      throw new UsageError(`${formatWhere(where)}: unterminated \${ (write $$ for a literal $)`, { code: 'CONFIG' });
    }
    const body = text.slice(i + 2, close);
    const name = NAME.exec(body)?.[0];
    const rest = name === undefined ? body : body.slice(name.length);
    let ref: EnvPart | undefined;
    if (name !== undefined && rest === '') {
      ref = { kind: 'ref', name, emptyUsesFallback: false, source: text.slice(i, close + 1) };
    } else if (name !== undefined && rest.startsWith(':-')) {
      ref = { kind: 'ref', name, fallback: rest.slice(2), emptyUsesFallback: true, source: text.slice(i, close + 1) };
    } else if (name !== undefined && rest.startsWith('-')) {
      ref = { kind: 'ref', name, fallback: rest.slice(1), emptyUsesFallback: false, source: text.slice(i, close + 1) };
    }
    if (ref === undefined) {
      throw new UsageError(
        `${formatWhere(where)}: bad variable reference: use \${NAME}, \${NAME:-default} or \${NAME-default} (write $$ for a literal $)`,
        { code: 'CONFIG' },
      );
    }
    if (literal !== '') parts.push({ kind: 'text', text: literal });
    literal = '';
    parts.push(ref);
    i = close + 1;
  }
  if (literal !== '') parts.push({ kind: 'text', text: literal });
  return parts;
}

export function hasEnvRefs(text: string): boolean {
  return /\$[{$]/.test(text);
}

/** True when the whole value is one `${…}` reference — such a value is not a literal secret in the file. */
export function isPureEnvRef(text: string): boolean {
  return /^\$\{[A-Za-z_][A-Za-z0-9_]*(?:(?::-|-)[^}]*)?\}$/.test(text);
}

export interface FillOptions {
  /**
   * The value is a connection URL: a value filled into the userinfo (`scheme://user:${PW}@host`) is
   * percent-encoded, so a password holding `@`, `/` or `:` still gives a valid URL (drivers decode it).
   */
  url?: boolean;
  /**
   * Called instead of throwing when a reference in a password position (a `password` key, or the password of
   * a URL's userinfo) names an unset variable with no default; the reference is filled with ''.
   */
  onMissingPassword?: (name: string) => void;
  /** this value is a password (its key is `password`) */
  isPassword?: boolean;
}

type Position = 'plain' | 'user' | 'password';

/** For each part, whether it sits in a URL's userinfo (user or password) or elsewhere. */
function classifyUrlParts(parts: EnvPart[]): Position[] {
  const positions: Position[] = parts.map(() => 'plain');
  let state: 'scheme' | 'authority' | 'done' = 'scheme';
  let pending: number[] = [];
  let colonAt = -1;
  for (let p = 0; p < parts.length && state !== 'done'; p++) {
    const part = parts[p]!;
    if (part.kind === 'ref') {
      if (state === 'authority') pending.push(p);
      continue;
    }
    let text = part.text;
    if (state === 'scheme') {
      const sep = text.indexOf('://');
      if (sep < 0) continue;
      state = 'authority';
      text = text.slice(sep + 3);
    }
    // The userinfo ends at the last literal `@` of the authority; a `/`, `?` or `#` outside a reference ends
    // the authority itself.
    for (const ch of text) {
      if (ch === '@') {
        for (const q of pending) positions[q] = colonAt >= 0 && q > colonAt ? 'password' : 'user';
        state = 'done';
        break;
      }
      if (ch === '/' || ch === '?' || ch === '#') {
        state = 'done';
        pending = [];
        break;
      }
      if (ch === ':' && colonAt < 0) colonAt = p;
    }
  }
  return positions;
}

export function fillEnvRefs(text: string, env: Env, where: ValueWhere, opts: FillOptions = {}): string {
  if (!hasEnvRefs(text)) return text;
  const parts = tokenizeEnvRefs(text, where);
  const positions = opts.url ? classifyUrlParts(parts) : parts.map((): Position => 'plain');
  let out = '';
  parts.forEach((part, p) => {
    if (part.kind === 'text') {
      out += part.text;
      return;
    }
    // own keys only: `${constructor}` is an unset variable, not Object's constructor
    const raw = ownValue(env, part.name);
    let value: string;
    if (raw === undefined || (raw === '' && part.emptyUsesFallback)) {
      if (part.fallback !== undefined) {
        value = part.fallback;
      } else if ((opts.isPassword || positions[p] === 'password') && opts.onMissingPassword) {
        opts.onMissingPassword(part.name);
        value = '';
      } else {
        throw new UsageError(
          `${formatWhere(where)}: environment variable ${part.name} is not set (export it, or write \${${part.name}:-default})`,
          { code: 'CONFIG_ENV_UNSET' },
        );
      }
    } else {
      value = raw;
    }
    out += positions[p] === 'plain' ? value : encodeURIComponent(value);
  });
  return out;
}
