/**
 * `dbx sql`, `dbx kv`, `dbx doc`: one registration each, one runner for all three.
 */
import type { Command } from 'commander';
import type { EngineName } from '../engines/engine.js';
import type { ExitSlot } from '../program.js';
import type { Deps } from './deps.js';
import { addGlobalOptions, readGlobalOptions } from './global-options.js';

const engines: Array<{ name: EngineName; args: string; summary: string; verbatim: boolean }> = [
  { name: 'sql', args: '[statement...]', summary: 'MySQL / MariaDB: run SQL statements (`;`-separated)', verbatim: false },
  { name: 'kv', args: '[command...]', summary: 'Redis (and Redis Cluster): run one command, or a script from -f/stdin', verbatim: true },
  { name: 'doc', args: '[statement...]', summary: 'MongoDB, mongo-shell syntax: db.coll.find({…}), show dbs, use x', verbatim: false },
];

export function registerEngineCommands(program: Command, deps: Deps, exit: ExitSlot): void {
  for (const spec of engines) {
    const cmd = program.command(spec.name).description(spec.summary).argument(spec.args);
    addGlobalOptions(cmd).option('-f, --file <path>', 'read the script from a file (- = stdin)');
    // kv: everything after the first word is the command's own arguments (`lrem l1 -1 4`)
    if (spec.verbatim) cmd.passThroughOptions();
    cmd.action(async (words: string[]) => {
      const opts = readGlobalOptions(program, cmd, deps.env, Boolean(deps.stdout.isTTY));
      // the runner (writers, config, engines) is loaded only when a command runs, not for --help
      const { runScript } = await import('./run-script.js');
      exit.code = await runScript(spec.name, words, opts, deps);
    });
  }
}
