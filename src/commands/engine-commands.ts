/**
 * `dbx sql`, `dbx kv`, `dbx doc`: one registration each, one runner for all three.
 */
import { Option, type Command } from 'commander';
import type { EngineName } from '../engines/engine.js';
import { ENGINE_NAMES, UsageError } from '../errors.js';
import type { ExitSlot } from './command-action.js';
import type { Deps } from '../runner/deps.js';
import { wantsJson } from '../runner/options.js';
import { reportError } from '../runner/report-error.js';
import { addGlobalOptions, nonEmpty, readGlobalOptions } from './global-options.js';

/** How each engine's subcommand reads its words; the subcommands come in ENGINE_NAMES order. */
const SUBCOMMANDS: Record<EngineName, { args: string; summary: string; verbatim: boolean }> = {
  sql: { args: '[statement...]', summary: 'MySQL / MariaDB: run SQL statements (`;`-separated)', verbatim: false },
  kv: { args: '[command...]', summary: 'Redis (and Redis Cluster): run one command, or a script from -f/stdin', verbatim: true },
  doc: { args: '[statement...]', summary: 'MongoDB, mongo-shell syntax: db.coll.find({…}), show dbs, use x', verbatim: false },
};

/** A word that starts with `-` but has whitespace before any `=` is no option: a statement such as `-- note\nselect 1`. */
const NOT_AN_OPTION = /^-[^=\s]*\s/;

/**
 * Lets sql and doc statements start with `-` (an SQL comment): commander would take `dbx sql "-- x"` for an unknown
 * option. Such words are hidden from its option parsing and given back as statement words.
 */
function statementsMayStartWithDash(cmd: Command): void {
  const parse = cmd.parseOptions.bind(cmd);
  cmd.parseOptions = (args: string[]) => {
    const hidden = new Map<string, string>();
    const masked = args.map((arg, i) => {
      if (!NOT_AN_OPTION.test(arg)) return arg;
      const previous = i > 0 ? args[i - 1] : undefined;
      const before = previous === undefined ? undefined : cmd.options.find((o) => o.long === previous || o.short === previous);
      if (before && (before.required || before.optional)) return arg; // an option's value (--param "-- x")
      const key = `\u0000dbx-word-${i}`;
      hidden.set(key, arg);
      return key;
    });
    const restore = (arg: string) => hidden.get(arg) ?? arg;
    const { operands, unknown } = parse(masked);
    return { operands: operands.map(restore), unknown: unknown.map(restore) };
  };
}

export function registerEngineCommands(program: Command, deps: Deps, exit: ExitSlot): void {
  for (const name of ENGINE_NAMES) {
    const spec = SUBCOMMANDS[name];
    const cmd = program.command(name).description(spec.summary).argument(spec.args);
    addGlobalOptions(cmd).option('-f, --file <path>', 'read the script from a file (- = stdin)', nonEmpty);
    if (spec.verbatim) {
      // kv: everything after the first word is the command's own arguments (`lrem l1 -1 4`)
      cmd.passThroughOptions();
      // redis-cli's -h HOST: alone, -h is still the help
      cmd.helpOption('--help', 'display help for command').addOption(new Option('-h [host]').hideHelp());
    } else {
      statementsMayStartWithDash(cmd);
    }
    cmd.action(async (words: string[]) => {
      const opts = await readGlobalOptions(program, cmd, deps);
      if (spec.verbatim) {
        const host = cmd.opts().h as string | true | undefined;
        if (host === true) cmd.help();
        // -h HOST, and -2 / -3 (commander reads those as the command's first word)
        if (host !== undefined || words[0] === '-2' || words[0] === '-3') {
          const { redisCliFlagsHint } = await import('./kv-habits.js');
          const flag = host !== undefined ? '-h' : words[0]!;
          exit.code = reportError(new UsageError(`${flag} is redis-cli's option; dbx does not take it`, {
            engine: name, code: 'REDIS_CLI_OPTION', hint: redisCliFlagsHint(deps.argv),
          }), deps.stderr, { json: wantsJson(opts), verbose: opts.verbose, color: opts.errorColor });
          return;
        }
      }
      // what the shell or a habit may have put in kv's verbatim words: dbx's options after the command, a glob
      const advice = spec.verbatim && words.length > 0 ? (await import('./kv-habits.js')).adviseWords(words, deps.cwd) : undefined;
      // the runner (writers, config, engines) is loaded only when a command runs, not for --help
      const { runScript } = await import('./run-script.js');
      exit.code = await runScript(name, words, opts, deps, advice);
    });
  }
}
