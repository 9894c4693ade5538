/**
 * The profile's `safety` setting, applied before anything of a script runs: under readonly every write is
 * refused (exit 4); under confirm every destructive statement must be confirmed (a TTY answer of "yes", or --yes).
 */
import type { Engine, Statement } from '../engines/engine.js';
import { SafetyError } from '../errors.js';

export type SafetyMode = 'off' | 'confirm' | 'readonly';

export interface SafetyIO {
  yes: boolean;
  /** asks a question on the TTY and returns the answer; undefined when there is no TTY */
  ask?: (question: string) => Promise<string>;
  profile: string;
}

function short(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > 80 ? one.slice(0, 77) + '...' : one;
}

export async function checkSafety(engine: Engine, statements: Statement[], mode: SafetyMode, io: SafetyIO): Promise<void> {
  // an engine that reaches a replica (kv role: replica) is read-only whatever the profile's safety says
  const readOnly = mode === 'readonly' || engine.readOnlyReason !== undefined;
  if (mode === 'off' && !readOnly) return;
  const destructive: Statement[] = [];
  for (const stmt of statements) {
    const c = await engine.classify(stmt);
    if (readOnly && c.write) {
      const why = mode === 'readonly' ? `profile '${io.profile}' is read-only` : engine.readOnlyReason!;
      throw new SafetyError(`refused: ${why} and this statement writes: ${short(stmt.text)}`, {
        engine: engine.name,
        endpoint: engine.endpoint,
        statement: stmt.text,
        code: 'READ_ONLY',
        hint: mode === 'readonly' ? 'use a profile whose safety is not readonly to change data' : 'writes go to the master: role: master (the default)',
      });
    }
    if (mode === 'confirm' && c.destructive) destructive.push(stmt);
  }
  if (destructive.length === 0 || io.yes) return;
  const list = destructive.map((s) => `  ${short(s.text)}`).join('\n');
  const refuse = (why: string) =>
    new SafetyError(`refused: ${why}:\n${list}`, {
      engine: engine.name,
      endpoint: engine.endpoint,
      statement: destructive[0]!.text,
      code: 'NOT_CONFIRMED',
      hint: 'run again with --yes to confirm',
    });
  if (!io.ask) throw refuse(`profile '${io.profile}' asks to confirm destructive statements and there is no TTY to ask`);
  const answer = await io.ask(`Profile '${io.profile}' (${engine.endpoint}): about to run\n${list}\nType yes to continue: `);
  if (answer.trim().toLowerCase() !== 'yes') throw refuse('not confirmed');
}
