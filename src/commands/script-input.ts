/**
 * Where a script comes from (CONTRACT "Invocation"): the words after the subcommand, -f FILE (`-` = stdin), or
 * stdin when it is not a TTY. With none of them on a TTY, the interactive shell starts.
 */
import type { BoundValues, Engine, Statement } from '../engines/engine.js';
import { DbxError, ParseError, UsageError } from '../errors.js';
import { jsonNestingDepth, parseJsonNumbersExact } from '../text/json-exact.js';
import { readAllBytes, stdinIsTerminal, type Deps } from '../runner/deps.js';
import { scriptText } from '../text/script-text.js';
import { readScriptFile } from '../runner/script-file.js';
import type { GlobalOptions } from '../runner/options.js';

async function readScript(path: string, deps: Deps): Promise<string> {
  return path === '-' ? scriptText(await readAllBytes(deps.stdin), 'standard input') : readScriptFile(path);
}

function hasInfinity(value: unknown): boolean {
  if (typeof value === 'number') return !Number.isFinite(value);
  if (Array.isArray(value)) return value.some(hasInfinity);
  if (value !== null && typeof value === 'object') return Object.values(value).some(hasInfinity);
  return false;
}

/** arrays and objects in --params, the row arrays included: MySQL refuses a JSON value nested deeper than 100 */
const MAX_PARAMS_DEPTH = 100;

function parseParams(opts: GlobalOptions): BoundValues {
  if (opts.params !== undefined && opts.param.length > 0) {
    throw new UsageError('use either --param or --params, not both');
  }
  if (opts.param.length > 0) return { params: opts.param };
  if (opts.params === undefined) return {};
  const depth = jsonNestingDepth(opts.params);
  if (depth > MAX_PARAMS_DEPTH) {
    throw new UsageError(`--params is nested ${depth} levels deep; dbx takes at most ${MAX_PARAMS_DEPTH} (MySQL's own limit for a JSON value)`, {
      hint: `--params '[1,"a"]' binds one row; --params '[[1,"a"],[2,"b"]]' runs the statement once per row`,
    });
  }
  let value: unknown;
  try {
    // exact: an id beyond 2^53 or a DECIMAL's digits are bound as written, not rounded through a double
    value = parseJsonNumbersExact(opts.params);
  } catch (e) {
    throw new UsageError(`--params is not valid JSON: ${(e as Error).message}`, {
      hint: `--params '[1,"a"]' binds one row; --params '[[1,"a"],[2,"b"]]' runs the statement once per row`,
    });
  }
  if (!Array.isArray(value)) throw new UsageError('--params must be a JSON array', { hint: `--params '[1,"a"]'` });
  if (hasInfinity(value)) {
    throw new UsageError('--params holds a number too large for a double (like 1e999)', { hint: 'write it as a string: "1e999"' });
  }
  if (value.length > 0 && value.every((row) => Array.isArray(row))) return { paramRows: value as unknown[][] };
  if (value.some((row) => Array.isArray(row))) {
    throw new UsageError('--params mixes rows and values', { hint: `--params '[[1,"a"],[2,"b"]]'` });
  }
  return { params: value };
}

/** engine.split, with the whole script attached to a parse error so that its caret can be drawn. */
function split(engine: Engine, script: string): Statement[] {
  try {
    return engine.split(script);
  } catch (e) {
    if (e instanceof ParseError) e.source ??= script;
    if (e instanceof DbxError) e.engine ??= engine.name;
    throw e;
  }
}

/** The statements to run, or 'interactive' when the shell should start. */
export async function readStatements(engine: Engine, words: string[], opts: GlobalOptions, deps: Deps): Promise<Statement[] | 'interactive'> {
  const bound = parseParams(opts);
  const binds = Boolean(bound.params || bound.paramRows);
  if (binds && !engine.bindValues) {
    throw new UsageError('--param and --params bind ? placeholders of sql statements', { engine: engine.name });
  }
  let statements: Statement[];
  if (opts.file !== undefined) {
    if (words.length > 0) throw new UsageError('give either a statement or -f FILE, not both', { engine: engine.name });
    statements = split(engine, await readScript(opts.file, deps));
  } else if (words.length > 0) {
    if (engine.name === 'kv') {
      // the shell already split the words: send them verbatim, unless one word holds a whole command line
      const one = words.length === 1 && /\s/.test(words[0]!);
      statements = [{ text: words.join(' '), line: 1, args: one ? undefined : words }];
    } else {
      statements = split(engine, words.join(' '));
      // a hint can then say that the words became one script (a ';' missing between "select 1" "select 2")
      if (words.length > 1) statements = statements.map((s) => ({ ...s, joined: true }));
    }
  } else if (!stdinIsTerminal(deps)) {
    statements = split(engine, scriptText(await readAllBytes(deps.stdin), 'standard input'));
  } else {
    return 'interactive';
  }
  if (binds) statements = engine.bindValues!(statements, bound);
  return statements;
}
