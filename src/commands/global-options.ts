/**
 * The global options of CONTRACT.md. They may stand before or after the subcommand name, so every command
 * declares them and the values seen before the subcommand are merged with those after it.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { FORMATS, type FormatName } from '../output/writer-types.js';
import type { Deps } from '../runner/deps.js';
import type { GlobalOptions } from '../runner/options.js';
import { colorEnabled, loadColor } from '../text/color.js';

/** Node's timers hold at most 2^31-1 ms (about 24.8 days); a longer delay would fire at once and cancel everything. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

function positiveInt(value: string): number {
  const n = /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive whole number of milliseconds');
  if (n > MAX_TIMEOUT_MS) throw new InvalidArgumentError(`at most ${MAX_TIMEOUT_MS} milliseconds (about 24 days)`);
  return n;
}

/**
 * An empty name, URL or path is refused rather than read as "not given": `--url "$PROD_URL"` with the variable unset
 * must not quietly run on the default profile instead.
 */
export function nonEmpty(value: string): string {
  if (value.trim() === '') throw new InvalidArgumentError('must not be empty');
  return value;
}

/** --parallel: a count, not milliseconds */
function positiveCount(value: string): number {
  const n = /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive whole number');
  return n;
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** The global options, each by the key commander stores its value under. */
const GLOBAL_OPTIONS: Array<[key: string, make: (reportOnly: boolean) => Option]> = [
  ['profile', () => new Option('-p, --profile <name>', 'profile to use (default: $DBX_PROFILE, the config\'s default, its only profile, or "local"); a,b,c, a group or a glob (\'shard*\') runs on each').argParser(nonEmpty)],
  ['parallel', () => new Option('--parallel <n>', 'several profiles: at most N at a time (default 8)').argParser(positiveCount)],
  ['failFast', () => new Option('--fail-fast', 'several profiles: stop the others when one fails')],
  ['config', () => new Option('--config <path>', 'config file').argParser(nonEmpty)],
  ['url', () => new Option('--url <url>', 'connection URL for the engine, overriding the profile').argParser(nonEmpty)],
  ['json', () => new Option('--json', 'same as --format json')],
  // a command that prints a report, not results (ping), has only the table and its JSON forms
  ['format', (reportOnly) => new Option('--format <format>', 'output format').choices(reportOnly ? ['table', 'json', 'ndjson'] : FORMATS)],
  ['color', () => new Option('--no-color', 'no ANSI colour (also with NO_COLOR or TERM=dumb, or off a terminal; FORCE_COLOR=1 forces it)')],
  ['yes', () => new Option('-y, --yes', 'answer yes to confirmations')],
  ['force', () => new Option('--force', 'keep going after a failing statement')],
  ['transaction', () => new Option('--transaction', 'run the whole script atomically (sql BEGIN…COMMIT, kv MULTI/EXEC)')],
  ['connectTimeout', () => new Option('--connect-timeout <ms>', 'give up connecting after MS milliseconds, exit 3 (default: the profile\'s connectTimeout, else 10000)').argParser(positiveInt)],
  ['timeout', () => new Option('--timeout <ms>', 'per-statement time limit; the statement is cancelled on the server (given up on 2 s later if the server does not answer), exit 1').argParser(positiveInt)],
  ['param', () => new Option('--param <value>', 'bind a value to a ? placeholder (repeatable)').argParser(collect)],
  ['params', () => new Option('--params <json>', 'JSON array of values, or of rows to run the statement once per row')],
  ['quiet', () => new Option('-q, --quiet', 'no status lines')],
  ['verbose', () => new Option('-v, --verbose', 'log connection steps and statements to stderr (secrets redacted)')],
  ['logFile', () => new Option('--log-file <path>', 'append an audit line per statement').argParser(nonEmpty)],
  ['pager', () => new Option('--no-pager', 'interactive shell: never page long results')],
];

/** What a command that runs no statements takes (ping, profile test): connecting and printing, nothing more. */
export const CONNECTING_OPTIONS = ['profile', 'config', 'url', 'json', 'format', 'color', 'connectTimeout', 'quiet', 'verbose'] as const;

/**
 * Declares the global options on a command (the program itself and each subcommand); `only`: just those keys, so
 * that the command's --help lists what applies to it.
 */
export function addGlobalOptions(cmd: Command, only?: readonly string[]): Command {
  for (const [key, make] of GLOBAL_OPTIONS) if (!only || only.includes(key)) cmd.addOption(make(only !== undefined));
  return cmd;
}

/**
 * Merges what was given before the subcommand (program) with what was given after it (the command), and decides
 * colour for stdout and stderr (loading chalk when either has it).
 */
export async function readGlobalOptions(program: Command, cmd: Command, io: Pick<Deps, 'env' | 'stdout' | 'stderr'>): Promise<GlobalOptions> {
  const before = program.opts();
  const after = cmd.opts();
  const pick = <T>(key: string): T | undefined => {
    const srcAfter = cmd.getOptionValueSource(key);
    if (srcAfter === 'cli' || srcAfter === 'env') return after[key] as T;
    return (before[key] ?? after[key]) as T | undefined;
  };
  const bool = (key: string): boolean => Boolean(pick<boolean>(key));
  // --no-color / --no-pager: false from either side wins
  const noColor = before.color === false || after.color === false;
  const pager = before.pager !== false && after.pager !== false;
  let format = pick<FormatName>('format') ?? 'table';
  if (bool('json') && pick<FormatName>('format') === undefined) format = 'json';
  const color = colorEnabled(noColor, io.env, io.stdout);
  const errorColor = colorEnabled(noColor, io.env, io.stderr);
  if (color || errorColor) await loadColor();
  return {
    profile: pick('profile'),
    config: pick('config'),
    url: pick('url'),
    format,
    color,
    errorColor,
    yes: bool('yes'),
    force: bool('force'),
    transaction: bool('transaction'),
    timeout: pick('timeout'),
    connectTimeout: pick('connectTimeout'),
    param: [...((before.param as string[] | undefined) ?? []), ...((after.param as string[] | undefined) ?? [])],
    params: pick('params'),
    quiet: bool('quiet'),
    verbose: bool('verbose'),
    logFile: pick('logFile'),
    file: pick('file'),
    pager,
    parallel: pick('parallel'),
    failFast: bool('failFast'),
  };
}
