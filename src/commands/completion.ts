/**
 * `dbx completion bash|zsh|fish` prints a script that makes the shell ask dbx itself what may follow
 * (`dbx __complete -- WORD…`, hidden), as cobra-based CLIs do: subcommands, options, --format values, profile
 * names from the config in use, and Redis command names after `dbx kv`. The answers come from the commander
 * program itself, so they cannot drift from what dbx accepts.
 *
 * Why no library: @bomb.sh/tab (maintained, the same callback design) prints through console.log and calls
 * process.exit in its argument check, and its bash script needs the bash-completion package; omelette and tabtab
 * have had no release in years. The three scripts below are short enough to own.
 */
import { Argument, type Command, type Option } from 'commander';
import type { Deps } from '../runner/deps.js';
import { KV_COMMAND_NAMES } from '../engines/kv-command-names.js';
import { ExitCode } from '../errors.js';
import type { ExitSlot } from './command-action.js';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;

const SCRIPTS: Record<(typeof SHELLS)[number], string> = {
  bash: `# dbx completion for bash. Install: dbx completion bash > ~/.local/share/bash-completion/completions/dbx
# (or add  eval "$(dbx completion bash)"  to ~/.bashrc)
_dbx_complete() {
  local IFS=$'\\n'
  COMPREPLY=($(dbx __complete -- "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null))
  # nothing to offer (a file argument such as -f or --config): let bash complete file names
  [ \${#COMPREPLY[@]} -eq 0 ] && compopt -o default 2>/dev/null
  return 0
}
complete -F _dbx_complete dbx
`,
  zsh: `#compdef dbx
# dbx completion for zsh. Install: dbx completion zsh > "\${fpath[1]}/_dbx" (or: source <(dbx completion zsh))
_dbx() {
  local -a candidates
  candidates=("\${(@f)$(dbx __complete -- "\${(@)words[2,$CURRENT]}" 2>/dev/null)}")
  if [[ -n "\${candidates[1]}" ]]; then compadd -Q -- "\${candidates[@]}"; else _files; fi
}
if [[ "\${funcstack[1]}" = _dbx ]]; then _dbx "$@"; else compdef _dbx dbx; fi
`,
  fish: `# dbx completion for fish. Install: dbx completion fish > ~/.config/fish/completions/dbx.fish
function __dbx_complete
    set -l tokens (commandline -opc) (commandline -ct)
    dbx __complete -- $tokens[2..-1] 2>/dev/null
end
complete -c dbx -a '(__dbx_complete)'
`,
};

const takesValue = (o: Option): boolean => o.required || o.optional;

function findOption(cmd: Command, word: string): Option | undefined {
  const flag = word.split('=')[0];
  return cmd.options.find((o) => o.long === flag || o.short === flag);
}

function subcommand(cmd: Command, word: string): Command | undefined {
  return cmd.commands.find((c) => c.name() === word || c.aliases().includes(word));
}

/** Profile names of the config the command line (or the environment) points at; none when it cannot be read. */
async function profileNames(words: readonly string[], deps: Deps): Promise<string[]> {
  let configPath: string | undefined;
  words.forEach((w, i) => {
    if (w === '--config') configPath = words[i + 1];
    else if (w.startsWith('--config=')) configPath = w.slice('--config='.length);
  });
  try {
    const { loadConfig } = await import('../config/config-file.js');
    const { config } = loadConfig({ configPath }, { env: deps.env, cwd: deps.cwd });
    return [...Object.keys(config.profiles), ...Object.keys(config.groups)];
  } catch {
    return [];
  }
}

async function optionValues(option: Option, words: readonly string[], deps: Deps): Promise<string[]> {
  if (option.argChoices) return option.argChoices;
  if (option.long === '--profile') return profileNames(words, deps);
  return []; // a file, a URL, a number: the shell's own completion, or nothing
}

/** What may stand where the last word is being typed. `words`: the command line after `dbx`, the last one partial. */
export async function completions(program: Command, words: readonly string[], deps: Deps): Promise<string[]> {
  const done = words.slice(0, -1);
  let current = words[words.length - 1] ?? '';
  let cmd = program;
  let positionals = 0;
  let pending: Option | undefined;
  for (let i = 0; i < done.length; i++) {
    const word = done[i]!;
    if (pending) {
      // bash splits --format=json at '=': the '=' and the value belong to the option
      if (word !== '=') pending = undefined;
      continue;
    }
    if (word.startsWith('-') && word !== '-' && !(cmd.name() === 'kv' && positionals > 0)) {
      const option = findOption(cmd, word);
      if (option && takesValue(option) && !word.includes('=')) pending = option;
      continue;
    }
    const sub = positionals === 0 ? subcommand(cmd, word) : undefined;
    if (sub) cmd = sub;
    else positionals++;
  }
  const matching = (names: readonly string[]): string[] => [...new Set(names)].filter((n) => n.startsWith(current)).sort();
  if (pending?.long === '--profile' && current.includes(',')) {
    // `-p a,b,<Tab>`: the next name of a fan-out list
    const head = current.slice(0, current.lastIndexOf(',') + 1);
    const taken = head.split(',');
    current = current.slice(head.length);
    return matching((await profileNames(words, deps)).filter((n) => !taken.includes(n))).map((n) => head + n);
  }
  if (pending) return matching(await optionValues(pending, words, deps));
  if (cmd.name() === 'kv' && positionals > 0) return []; // the command's own arguments: sent verbatim
  const inline = /^(--[^=]+)=(.*)$/s.exec(current);
  if (inline) {
    const option = findOption(cmd, inline[1]!);
    if (!option || !takesValue(option)) return [];
    current = inline[2]!;
    return matching(await optionValues(option, words, deps)).map((v) => `${inline[1]}=${v}`);
  }
  const help = cmd.createHelp();
  if (current.startsWith('-')) {
    const flags = help.visibleOptions(cmd).flatMap((o) => [o.long, o.short]).filter((f): f is string => f !== undefined);
    return matching(flags);
  }
  if (positionals === 0) {
    const subs = help.visibleCommands(cmd).map((c) => c.name()).filter((n) => n !== 'help');
    if (subs.length > 0) return matching(subs);
    if (cmd.name() === 'kv') return matching(KV_COMMAND_NAMES);
    if (cmd.name() === 'completion') return matching(SHELLS);
    if (cmd.parent?.name() === 'profile' && (cmd.name() === 'show' || cmd.name() === 'test')) return matching(await profileNames(words, deps));
  }
  return [];
}

export function registerCompletionCommand(program: Command, deps: Deps, exit: ExitSlot): void {
  program
    .command('completion')
    .description('print a shell completion script: dbx completion bash|zsh|fish (README: how to install it)')
    .addArgument(new Argument('<shell>', 'the shell').choices(SHELLS))
    .action((shell: (typeof SHELLS)[number]) => {
      deps.stdout.write(SCRIPTS[shell]);
      exit.code = ExitCode.ok;
    });
  program
    .command('__complete', { hidden: true })
    .argument('[words...]')
    .allowUnknownOption()
    .helpOption(false)
    .action(async (words: string[]) => {
      for (const candidate of await completions(program, words, deps)) deps.stdout.write(`${candidate}\n`);
      exit.code = ExitCode.ok;
    });
}
