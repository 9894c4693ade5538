/**
 * The interactive shell (placeholder until it lands): reads statements from the TTY line by line.
 */
import type { Deps } from '../commands/deps.js';
import type { GlobalOptions } from '../commands/global-options.js';
import type { Session } from '../commands/session.js';
import { UsageError } from '../errors.js';

export async function runShell(session: Session, _opts: GlobalOptions, _deps: Deps): Promise<number> {
  throw new UsageError(`no statement given for ${session.engine.name}`, { hint: `dbx ${session.engine.name} "STATEMENT" or -f FILE` });
}
