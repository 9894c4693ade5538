/**
 * What `dbx kv`'s command line may hold that the user did not mean to send, and the help for it:
 * - redis-cli's own options (`-h HOST -p PORT -n 13`, `--raw`, `-3`…): dbx takes the server as one URL and
 *   formats with --format; `-p` stays dbx's profile;
 * - dbx's options after the command (`dbx kv get nope --json`): words after the command are sent verbatim
 *   (CONTRACT), so `--json` reached Redis as an argument;
 * - a KEYS / SCAN pattern the shell expanded (`dbx kv keys *` in a directory with files).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Command, type Option } from 'commander';
import { redactUrl } from '../errors.js';
import type { WordsAdvice } from '../runner/statement-runner.js';
import { addGlobalOptions } from './global-options.js';
import { ownTable } from '../text/own-keys.js';

/** redis-cli options that take a value */
const CLI_VALUE = new Set(['-h', '-p', '-n', '-a', '--pass', '--user', '-u', '-s', '-r', '-i', '-d', '-D', '--cacert', '--cert', '--key']);

/** what each redis-cli option (other than the connection ones) is in dbx */
const CLI_SPELLING = ownTable({
  '--raw': '--format raw',
  '--no-raw': 'the default format (drop it)',
  '--csv': '--format csv',
  '-e': 'nothing: dbx exits 1 on an error reply already',
  '-c': "a profile's kv: { cluster: [ \"redis://HOST:PORT\" ] }",
  '-x': 'nothing: put the value in the command or a script (or keep redis-cli -x)',
  '-r': 'a shell loop (dbx has no repeat)',
  '-i': 'a shell loop with sleep (dbx has no interval)',
  '--pipe': 'a script: dbx kv -f FILE (pipelined)',
  '-s': 'TCP only: --url redis://HOST:PORT/DB',
});

/** The flags of dbx's options on `dbx kv`, and whether each takes a value. */
function dbxOptions(): Map<string, boolean> {
  const cmd = addGlobalOptions(new Command()).option('-f, --file <path>');
  const flags = new Map<string, boolean>();
  for (const o of cmd.options as Option[]) {
    const takesValue = o.required || o.optional;
    if (o.short) flags.set(o.short, takesValue);
    if (o.long) flags.set(o.long, takesValue);
  }
  return flags;
}

/** `-h HOST -p PORT -n 13 -a pw --raw -3` → the dbx spelling of each; undefined when there are none */
export function redisCliFlagsHint(argv: readonly string[]): string | undefined {
  const found = new Map<string, string>();
  const dbx = dbxOptions();
  let seenCommand = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('-') || a === '-') {
      // the subcommand, then the kv command's first word: what follows is sent verbatim
      if (a === 'kv' && !seenCommand) {
        seenCommand = true;
        continue;
      }
      break;
    }
    if (CLI_VALUE.has(a) || a === '-2' || a === '-3' || a === '--tls' || CLI_SPELLING[a] !== undefined) {
      // -p is dbx's profile: only a port number reads as redis-cli's
      if (a === '-p' && !/^\d+$/.test(argv[i + 1] ?? '')) {
        i++;
        continue;
      }
      found.set(a, CLI_VALUE.has(a) ? (argv[++i] ?? '') : '');
    } else if (dbx.get(a.replace(/=.*$/, '')) === true && !a.includes('=')) {
      i++; // a dbx option's value
    }
  }
  if (found.size === 0) return undefined;
  const parts: string[] = [];
  const url = urlFrom(found);
  if (url) parts.push(`${url.typed} → --url ${url.url}`);
  for (const [flag, value] of found) {
    if (CLI_SPELLING[flag] !== undefined) parts.push(`${flag}${value ? ` ${value}` : ''} → ${CLI_SPELLING[flag]}`);
  }
  return `redis-cli's options in dbx: ${parts.join('; ')} (dbx's -p names a profile; its options go before the command)`;
}

function urlFrom(found: Map<string, string>): { typed: string; url: string } | undefined {
  const connection = new Set(['-u', '-h', '-p', '-n', '-a', '--pass', '--user', '--tls', '-2', '-3']);
  // as they were typed
  const keys = [...found.keys()].filter((k) => connection.has(k));
  if (keys.length === 0) return undefined;
  // the password typed on the command line is not repeated: secrets never appear in dbx's output
  const typed = keys.map((k) => (k === '-a' || k === '--pass' ? `${k} …` : `${k}${found.get(k) ? ` ${found.get(k)}` : ''}`)).join(' ');
  const protocol = found.has('-3') ? '?protocol=3' : found.has('-2') ? '?protocol=2' : '';
  if (found.has('-u')) return { typed, url: `${redactUrl(found.get('-u')!)}${protocol}` };
  const scheme = found.has('--tls') ? 'rediss' : 'redis';
  const password = found.has('-a') || found.has('--pass') ? ':<password>' : '';
  const user = found.has('--user') ? encodeURIComponent(found.get('--user')!) : '';
  const auth = user || password ? `${user}${password}@` : '';
  const host = found.get('-h') || '127.0.0.1';
  const port = found.get('-p') || '6379';
  const db = found.get('-n') || '0';
  const url = `${scheme}://${auth}${host}:${port}/${db}${protocol}`;
  return { typed, url: protocol ? `'${url}'` : url };
}

/**
 * dbx's options at the end of the command's words (`get nope --json`), or a pattern the shell expanded into file
 * names; undefined when the words look as meant.
 */
export function adviseWords(words: readonly string[], cwd: string): WordsAdvice | undefined {
  return trailingOptions(words) ?? expandedPattern(words, cwd);
}

function trailingOptions(words: readonly string[]): WordsAdvice | undefined {
  const dbx = dbxOptions();
  for (let k = 1; k < words.length; k++) {
    if (!dbx.has(words[k]!.replace(/=.*$/, ''))) continue;
    // from here on every word must be a dbx option or an option's value
    let ok = true;
    for (let i = k; i < words.length; i++) {
      const flag = words[i]!.replace(/=.*$/, '');
      if (!dbx.has(flag)) {
        ok = false;
        break;
      }
      if (dbx.get(flag) && !words[i]!.includes('=')) i++;
    }
    if (!ok) continue;
    const tail = words.slice(k);
    const shown = `\`${tail.join(' ')}\``;
    const fixed = `dbx ${tail.map(shellWord).join(' ')} kv ${words.slice(0, k).map(shellWord).join(' ')}`;
    const were = tail.length === 1 ? 'was' : 'were';
    return {
      hint: `${shown} ${were} sent to Redis as ${tail.length === 1 ? 'an argument' : 'arguments'}: put dbx's options before the command: ${fixed}`,
      warning: `${shown} ${were} sent to Redis as ${tail.length === 1 ? 'an argument' : 'arguments'} (the command ran with ${tail.length === 1 ? 'it' : 'them'}); dbx's options go before the command: ${fixed}`,
    };
  }
  return undefined;
}

/** KEYS pattern, SCAN … MATCH pattern: words that are all names of files here are the shell's expansion of a glob */
function expandedPattern(words: readonly string[], cwd: string): WordsAdvice | undefined {
  const name = words[0]?.toLowerCase();
  let patterns: readonly string[] = [];
  let command = '';
  if (name === 'keys') {
    patterns = words.slice(1);
    command = 'keys';
  } else if (name === 'scan' || name === 'sscan' || name === 'hscan' || name === 'zscan') {
    const m = words.findIndex((w, i) => i > 0 && w.toLowerCase() === 'match');
    if (m < 0) return undefined;
    const end = words.findIndex((w, i) => i > m && /^(count|type|novalues)$/i.test(w));
    patterns = words.slice(m + 1, end < 0 ? undefined : end);
    command = words.slice(0, m + 1).join(' ');
  }
  if (patterns.length === 0 || patterns.some((p) => /[*?[]/.test(p) || !existsSync(join(cwd, p)))) return undefined;
  const files = patterns.length > 3 ? `${patterns.slice(0, 3).join(' ')} …` : patterns.join(' ');
  const quote = `quote the pattern: dbx kv ${command} '*'`;
  return {
    hint: `the shell expanded the pattern into the names of files here (${files}): ${quote}`,
    warning: `'${files}' is the name of a file here: if you typed an unquoted * or ?, the shell expanded it; ${quote}`,
  };
}

function shellWord(w: string): string {
  return /^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, "'\\''")}'`;
}
