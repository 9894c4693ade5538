/**
 * Builds the commander program from injected deps and runs it; returns the exit code. Nothing here touches
 * process: src/cli.ts passes the real streams, tests pass buffers.
 */
import { Command, CommanderError } from 'commander';
import type { ExitSlot } from './commands/command-action.js';
import type { FormatName } from './output/writers.js';
import type { Deps } from './runner/deps.js';
import { wantsJson } from './runner/options.js';
import { formatError } from './runner/report-error.js';
import { registerEngineCommands } from './commands/engine-commands.js';
import { redisCliFlagsHint } from './commands/kv-habits.js';
import { hasClientHostFlag, mysqlMongoshFlagsHint } from './commands/client-flags-hint.js';
import { addGlobalOptions } from './commands/global-options.js';
import { registerInitCommand } from './commands/init.js';
import { registerPingCommand } from './commands/ping.js';
import { registerCompletionCommand } from './commands/completion.js';
import { registerProfileCommand } from './commands/profile.js';
import { ENGINE_NAMES, ExitCode, UsageError } from './errors.js';
import { colorEnabled, loadColor } from './text/color.js';

export const VERSION = '0.1.0';

const examples = `
Examples:
  dbx sql "show databases"
  dbx sql "select * from student where age > 18" --json
  dbx sql -f schema.sql --transaction
  dbx sql "insert into test value(?, ?)" --params '[[3,"QWE"],[4,"ASD"]]'
  dbx kv set name Sam
  dbx kv lrem l1 -1 4                       (words after the command are sent verbatim)
  dbx kv --format ndjson lrange big 0 -1
  dbx --url 'redis-sentinel://127.0.0.1:26379/0?name=mymaster' kv get k   (the master the Sentinels name now)
  dbx doc "db.student.insert({_id: 123, name: 'Sam', age: 16})"
  dbx doc "db.student.update({name:'sam'},{\\$set:{age:20}},{multi:true})"
  dbx -p prod ping --connect-timeout 2000  (every engine of a profile: version, latency)
  dbx -p 'shard*' sql "select count(*) from orders"   (every matching profile at once, rows tagged; also a,b,c or a group)
  dbx ping -p '*'                           (every engine of every profile)
  dbx sql                                   (interactive shell on a terminal)
  eval "$(dbx completion bash)"             (Tab completion; also zsh, fish)

Exit codes: 0 ok, 1 statement failed, 2 usage/input error, 3 cannot connect, 4 refused by safety, 70 bug in dbx,
130 interrupted (143 SIGTERM, 129 SIGHUP); over several profiles the most severe (3, else 1, else 4).
Config: --config, $DBX_CONFIG, ./dbx.yaml, ~/.config/dbx/config.yaml, then the built-in 'local' profile.
`;

/** --json, --format json|ndjson or --format=json anywhere on the command line (read before parsing succeeded). */
export function wantsJsonErrors(argv: readonly string[]): boolean {
  return argv.some((a, i) => {
    if (a === '--json') return true;
    const format = a.startsWith('--format=') ? a.slice('--format='.length) : a === '--format' ? argv[i + 1] : undefined;
    return format !== undefined && wantsJson({ format: format as FormatName });
  });
}

/** the engine's own client's flags typed to dbx (mysql -uroot -h…, redis-cli -n 13 --raw): the dbx spelling */
function clientFlagsHint(argv: readonly string[]): string | undefined {
  const subcommand = argv.find((a) => (ENGINE_NAMES as readonly string[]).includes(a));
  return subcommand === 'kv' ? redisCliFlagsHint(argv) : mysqlMongoshFlagsHint(argv);
}

/** commander's own error, reported by run() once colour is settled (outputError cannot wait for chalk) */
interface UsageFailure {
  error?: UsageError;
}

export function buildProgram(deps: Deps, exit: ExitSlot, failure: UsageFailure = {}): Command {
  const program = new Command('dbx');
  program
    .description('One command-line client for MySQL/MariaDB (sql), Redis (kv) and MongoDB (doc).')
    .version(VERSION, '-V, --version')
    .enablePositionalOptions()
    .showSuggestionAfterError(true)
    .addHelpText('after', examples)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => deps.stdout.write(s),
      writeErr: (s) => deps.stderr.write(s),
      // commander's own errors (unknown option, missing argument) follow --json like every other error
      outputError: (s) => {
        const message = s.replace(/^error: /, '').trim();
        const hint = /unknown option/.test(message) ? clientFlagsHint(deps.argv) : undefined;
        failure.error = new UsageError(message, hint ? { hint } : {});
      },
    });
  addGlobalOptions(program);
  registerEngineCommands(program, deps, exit);
  registerProfileCommand(program, deps, exit);
  registerInitCommand(program, deps, exit);
  registerPingCommand(program, deps, exit);
  registerCompletionCommand(program, deps, exit);
  return program;
}

/** A usage error found before anything ran, in colour when stderr takes it and as JSON under --json. */
async function reportUsage(deps: Deps, error: UsageError): Promise<void> {
  const color = colorEnabled(deps.argv.includes('--no-color'), deps.env, deps.stderr);
  if (color) await loadColor();
  deps.stderr.write(formatError(error, { json: wantsJsonErrors(deps.argv), verbose: false, color }));
}

export async function run(deps: Deps): Promise<number> {
  const exit: ExitSlot = { code: ExitCode.ok };
  const failure: UsageFailure = {};
  if (hasClientHostFlag(deps.argv)) {
    // `-h localhost` is the mysql client's host; commander would print the help and run nothing, with exit 0
    failure.error = new UsageError("-h HOST is the mysql client's host option; dbx's -h is --help", { hint: mysqlMongoshFlagsHint(deps.argv) });
    await reportUsage(deps, failure.error);
    return ExitCode.usage;
  }
  const program = buildProgram(deps, exit, failure);
  try {
    await program.parseAsync(deps.argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      if (failure.error) await reportUsage(deps, failure.error);
      // --help, `dbx help`, --version; help shown because a subcommand is missing (`dbx profile`, exit code 1 from
      // commander) is a usage error, as an unknown subcommand is
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return ExitCode.ok;
      if (e.code === 'commander.help' && e.exitCode === 0) return ExitCode.ok;
      return ExitCode.usage;
    }
    throw e;
  }
  return exit.code;
}
