/**
 * Error replies → StatementError (code = the server's prefix: ERR, WRONGTYPE, …). For the mistakes learners make
 * (wrong number of arguments, unknown (sub)command, syntax error) the hint is the command's real syntax, asked of
 * the server itself.
 */
import { StatementError } from '../../errors.js';
import { closestNames, type CommandCatalog } from './redis-command-docs.js';
import { argText, type Arg, type ReplyError } from './resp-types.js';

export interface ErrorContext {
  catalog: CommandCatalog;
  endpoint: string;
  /** the statement as it may be shown (secrets redacted) */
  statement: string;
}

export async function toStatementError(err: ReplyError, args: readonly Arg[], ctx: ErrorContext): Promise<StatementError> {
  let hint: string | undefined;
  try {
    hint = await hintFor(err, args, ctx.catalog);
  } catch {
    // no hint is better than a failure while explaining a failure (COMMAND may be renamed or forbidden)
  }
  return new StatementError(err.text || err.message, {
    code: err.prefix, engine: 'kv', endpoint: ctx.endpoint, statement: ctx.statement, hint,
  });
}

/** a hint-less StatementError, for places where a round trip to the docs is not worth it */
export function plainStatementError(err: ReplyError, ctx: Omit<ErrorContext, 'catalog'>): StatementError {
  return new StatementError(err.text || err.message, {
    code: err.prefix, engine: 'kv', endpoint: ctx.endpoint, statement: ctx.statement,
  });
}

async function hintFor(err: ReplyError, args: readonly Arg[], catalog: CommandCatalog): Promise<string | undefined> {
  const text = err.text;
  const command = argText(args[0]).toLowerCase();
  const arity = /wrong number of arguments for '([^']+)' command/i.exec(text);
  if (arity) return usage(catalog, arity[1]!.toLowerCase());

  const unknownSub = /unknown subcommand '([^']*)'/i.exec(text) ?? /unknown subcommand or wrong number of arguments for '([^']*)'/i.exec(text);
  if (unknownSub) {
    const subs = await catalog.subcommandsOf(command);
    if (subs.length === 0) return undefined;
    const close = closestNames(unknownSub[1]!, subs, 1)[0];
    if (close) return `did you mean: ${await catalog.syntax(`${command}|${close}`)}`;
    return `${command.toUpperCase()} subcommands: ${subs.map((s) => s.toUpperCase()).sort().join(', ')}`;
  }

  const unknown = /unknown command '([^']*)'/i.exec(text);
  if (unknown) {
    const close = closestNames(unknown[1]!, await catalog.names());
    if (close.length === 0) return undefined;
    const syntax = await catalog.syntax(close[0]!);
    const others = close.slice(1).map((c) => c.toUpperCase());
    return `did you mean ${close[0]!.toUpperCase()}?${syntax ? ` usage: ${syntax}` : ''}${others.length ? ` (or ${others.join(', ')})` : ''}`;
  }

  const notNumber = /^value is not an integer/i.test(text) || /is not a valid float/i.test(text);
  if (/^syntax error/i.test(text) || notNumber) {
    const info = await catalog.infoFor(args);
    // INCR name, DECR name: the one argument is the key, so what is not a number is the value stored there
    // (SELECT x, also one argument, takes no key: its argument is what is wrong)
    if (notNumber && args.length === 2 && info?.firstKey === 1) {
      return `the value stored at '${argText(args[1])}' is not a number (GET ${argText(args[1])} shows it)`;
    }
    return info ? usage(catalog, info.name) : undefined;
  }
  return undefined;
}

async function usage(catalog: CommandCatalog, name: string): Promise<string | undefined> {
  const syntax = await catalog.syntax(name);
  return syntax ? `usage: ${syntax}` : undefined;
}

