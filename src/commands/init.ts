/**
 * `dbx init [PATH]`: write a starter config file (never over an existing one unless --force).
 */
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { ExitCode } from '../errors.js';
import { settle, type ExitSlot } from './command-action.js';
import type { Deps } from '../runner/deps.js';
import { wantsJson } from '../runner/options.js';
import { readGlobalOptions } from './global-options.js';

export function registerInitCommand(program: Command, deps: Deps, exit: ExitSlot): void {
  program
    .command('init')
    .description('write a starter config file (default: ~/.config/dbx/config.yaml)')
    .argument('[path]', 'where to write it (e.g. ./dbx.yaml)')
    .option('--force', 'overwrite an existing file')
    .option('--json', 'errors as one JSON line')
    .action(async (path: string | undefined, cmdOpts: { force?: boolean; json?: boolean }) => {
      // --json (or --format json) before `init` counts too, as for every command
      const opts = await readGlobalOptions(program, program, deps);
      const json = Boolean(cmdOpts.json) || wantsJson(opts);
      await settle(exit, deps, { json, verbose: false, color: opts.errorColor }, async () => {
        const { userConfigPath } = await import('../config/config-file.js');
        const { writeStarterConfig } = await import('../config/init.js');
        const target = path ? resolve(deps.cwd, path) : userConfigPath(deps.env, (await import('node:os')).homedir());
        await writeStarterConfig(target, { force: Boolean(cmdOpts.force) });
        deps.stderr.write(`wrote ${target}\nedit it, then try: dbx profile list\n`);
        return ExitCode.ok;
      });
    });
}
