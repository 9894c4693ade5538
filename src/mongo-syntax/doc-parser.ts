/**
 * Parses one mongo-shell statement (CONTRACT.md "doc: the mongo-shell syntax accepted") into a DocCommand.
 * Nothing is evaluated: acorn builds the syntax tree, this file walks the call chain, and doc-values.ts turns
 * each argument into a value through allow-lists. Every rejection is a ParseError with the line and column of
 * the offending token, and a hint where a known learner mistake explains it.
 */
import { parse as parseJs, type Expression, type Node, type Program, type Super } from 'acorn';
import { ParseError } from '../errors.js';
import { bareObjectEntryHint, fullWidthHint } from './doc-hints.js';
import { COLLECTION_METHODS, DB_METHODS, closestName, isCollectionMethod, isDbMethod } from './doc-methods.js';
import { evaluateArgument } from './doc-values.js';
import { LineIndex, blankComments, isSignificant, scanTokens } from './shell-scanner.js';

/** `show …` targets; `show databases` arrives as 'dbs', `show tables` as 'collections'. */
export type ShowWhat = 'dbs' | 'collections' | 'users' | 'roles' | 'profile' | 'logs';
/** `db` is set by `db.getSiblingDB('name')…`: another database than the current one, for this statement only. */
export type DocTarget = { type: 'db'; db?: string } | { type: 'collection'; name: string; db?: string };
/** A script position (line counts script lines, as ParseError does). */
export interface SourcePosition {
  line: number;
  column: number;
}
/** Where a call's parts stand, so that errors found after parsing (arity, argument kinds) can show a caret. */
export interface CallPositions {
  method: SourcePosition;
  args: SourcePosition[];
  /** the closing `)`: where a missing argument would go */
  close: SourcePosition;
}
/** One call after the method: `.sort({a: 1})` → { method: 'sort', args: [{a: 1}] }. */
export interface DocChainCall {
  method: string;
  args: unknown[];
  at?: CallPositions;
}
/** `db.METHOD(…)` or `db.COLL.METHOD(…)`, with any chained calls, arguments already turned into values. */
export interface DocCall {
  kind: 'call';
  target: DocTarget;
  /** as typed: legacy and pymongo names (insert, find_one, …) are mapped later by the engine */
  method: string;
  args: unknown[];
  chain: DocChainCall[];
  /** the statement as typed, for messages and logs */
  text: string;
  at?: CallPositions;
}
export type DocCommand = { kind: 'show'; what: ShowWhat } | { kind: 'use'; db: string } | { kind: 'db' } | DocCall;

// null prototype: `show constructor` must not find Object's constructor
const SHOW_TARGETS: Record<string, ShowWhat> = Object.assign(Object.create(null) as Record<string, ShowWhat>, {
  dbs: 'dbs',
  databases: 'dbs',
  collections: 'collections',
  tables: 'collections',
  users: 'users',
  roles: 'roles',
  profile: 'profile',
  logs: 'logs',
});

/**
 * Parses `text`, one statement as splitDocScript cut it (a trailing `;` is allowed). `startLine` is the
 * script line the text starts on, so that error positions are script positions. Throws ParseError.
 */
export function parseDocStatement(text: string, startLine = 1): DocCommand {
  return new StatementParser(text, startLine).parse();
}

type Step = { kind: 'prop'; name: string; node: Node } | { kind: 'call'; node: Extract<Expression, { type: 'CallExpression' }> };

class StatementParser {
  private lines: LineIndex | undefined;

  constructor(
    private readonly text: string,
    private readonly startLine: number,
  ) {}

  readonly fail = (offset: number, message: string, hint?: string): never => {
    const { line, column } = this.where(offset);
    throw new ParseError(message, line, column, { engine: 'doc', statement: this.text, hint });
  };

  private where(offset: number): SourcePosition {
    const { line, column } = (this.lines ??= new LineIndex(this.text)).position(offset);
    return { line: line + this.startLine - 1, column };
  }

  private positions(name: Node, call: Extract<Step, { kind: 'call' }>): CallPositions {
    return {
      method: this.where(name.start),
      args: call.node.arguments.map((a) => this.where(a.start)),
      close: this.where(call.node.end - 1),
    };
  }

  parse(): DocCommand {
    const { text } = this;
    let tokens;
    try {
      tokens = scanTokens(text, this.startLine);
    } catch (e) {
      if (e instanceof ParseError) e.statement = text;
      throw e;
    }
    const sig = tokens.filter(isSignificant);
    while (sig.length && sig[sig.length - 1]!.type === 'semi') sig.pop();
    const first = sig[0];
    if (!first) return this.fail(0, 'empty statement', 'try: show dbs');
    const word = text.slice(first.start, first.end);
    const second = sig[1];
    if ((word === 'show' || word === 'use') && (!second || !/^[.([=]/.test(text[second.start]!))) {
      const code = blankComments(text, tokens).slice(first.end, sig[sig.length - 1]!.end);
      return word === 'show' ? this.show(code, first.end) : this.use(code, first.end);
    }
    try {
      return this.call(this.program());
    } catch (e) {
      if (e instanceof RangeError) return this.fail(0, 'the statement is nested too deeply (MongoDB documents nest at most 100 levels)');
      throw e;
    }
  }

  private show(code: string, offset: number): DocCommand {
    const arg = code.trim();
    const at = offset + code.indexOf(arg);
    if (!arg) return this.fail(at, "'show' needs something to show", 'show dbs');
    if (/\s/.test(arg)) return this.fail(at, `'show ${arg}' is not a known show command`, 'show dbs');
    const what = SHOW_TARGETS[arg];
    if (what) return { kind: 'show', what };
    const near = closestName(arg, Object.keys(SHOW_TARGETS));
    return this.fail(
      at,
      `unknown show target '${arg}'${near ? ` — did you mean show ${near}?` : ''}`,
      near ? `show ${near}` : `show ${Object.keys(SHOW_TARGETS).join(' | ')}`,
    );
  }

  private use(code: string, offset: number): DocCommand {
    const db = code.trim();
    const at = offset + code.indexOf(db);
    if (!db) return this.fail(at, "'use' needs a database name", 'use test');
    if (/^(['"`]).*\1$/s.test(db)) return this.fail(at, 'the database name is written without quotes', `use ${db.slice(1, -1)}`);
    const bad = /[\s/\\."$\0]/.exec(db);
    if (bad) return this.fail(at + bad.index, `a database name cannot contain '${bad[0].trim() || 'a space'}'`);
    return { kind: 'use', db };
  }

  /** The statement's one expression; acorn's syntax errors become ParseErrors at acorn's position. */
  private program(): Expression {
    let program: Program;
    try {
      program = parseJs(this.text, { ecmaVersion: 'latest', sourceType: 'script' });
    } catch (e) {
      if (e instanceof SyntaxError && typeof (e as { pos?: unknown }).pos === 'number') {
        const pos = (e as SyntaxError & { pos: number }).pos;
        const hint = bareObjectEntryHint(this.text, pos);
        if (hint) return this.fail(pos, "a bare {…} cannot be an entry of an object: every entry needs a key", hint);
        const wide = fullWidthHint(this.text, pos);
        if (wide) return this.fail(pos, `'${this.text[pos]}' is full-width punctuation`, wide);
        if (e.message.startsWith('Not enough stack space')) return this.fail(pos, 'the statement is nested too deeply (MongoDB documents nest at most 100 levels)');
        return this.fail(pos, e.message.replace(/ \(\d+:\d+\)$/, '').replace(/^Unexpected token$/, 'unexpected token'));
      }
      throw e;
    }
    const body = program.body.filter((s) => s.type !== 'EmptyStatement');
    const statement = body[0];
    if (!statement) return this.fail(0, 'empty statement', 'try: show dbs');
    if (body.length > 1) return this.fail(body[1]!.start, 'one statement at a time: this one starts a second statement');
    if (statement.type !== 'ExpressionStatement') return this.fail(statement.start, rootProblem(statement));
    return statement.expression;
  }

  private call(expr: Expression): DocCommand {
    const steps: Step[] = [];
    let node: Expression | Super = expr;
    for (;;) {
      if (node.type === 'CallExpression') {
        if (node.optional) return this.fail(node.callee.end, "'?.' is not accepted");
        steps.push({ kind: 'call', node });
        node = node.callee;
      } else if (node.type === 'MemberExpression') {
        if (node.optional) return this.fail(node.object.end, "'?.' is not accepted");
        const p = node.property;
        if (!node.computed && p.type === 'Identifier') steps.push({ kind: 'prop', name: p.name, node: p });
        else if (node.computed && p.type === 'Literal' && typeof p.value === 'string') steps.push({ kind: 'prop', name: p.value, node: p });
        else return this.fail(p.start, "only a quoted name is accepted in [ ]: db['name']");
        node = node.object;
      } else if (node.type === 'ChainExpression') {
        return this.fail(node.start, "'?.' is not accepted");
      } else break;
    }
    steps.reverse();
    if (node.type !== 'Identifier' || node.name !== 'db') return this.fail(node.start, rootProblem(node));
    if (steps.length === 0) return { kind: 'db' };
    return this.interpret(expr, steps);
  }

  private interpret(expr: Expression, steps: Step[]): DocCommand {
    const { text } = this;
    const firstCall = steps.findIndex((s) => s.kind === 'call');
    const names = (firstCall < 0 ? steps : steps.slice(0, firstCall)) as Extract<Step, { kind: 'prop' }>[];
    if (firstCall === 0) return this.fail(steps[0]!.node.start, "'db' is not a function", 'db.COLLECTION.find()');
    if (firstCall < 0) return this.missingCall(expr, names);

    let target: DocTarget;
    let methodStep = names[names.length - 1]!;
    let rest = steps.slice(firstCall + 1);
    let callStep = steps[firstCall] as Extract<Step, { kind: 'call' }>;
    if (names.length === 1 && methodStep.name === 'getSiblingDB' && rest.length > 0) {
      // db.getSiblingDB('x').…: what follows reads as it would after `db`, on database x
      const dbName = this.databaseName(callStep);
      if (rest[0]!.kind === 'call') return this.fail(rest[0]!.node.callee.end, 'call a method on the database', `db.getSiblingDB('${dbName}').getCollectionNames()`);
      const inner = this.interpret(expr, rest);
      if (inner.kind !== 'call') return inner;
      return { ...inner, target: { ...inner.target, db: inner.target.db ?? dbName } };
    }
    if (names.length === 1 && methodStep.name === 'getCollection' && rest.length > 0) {
      // db.getCollection('name').method(…): the name comes from the argument; props after it extend the name
      const named = this.collectionName(callStep);
      const next = rest.findIndex((s) => s.kind === 'call');
      const props = (next < 0 ? rest : rest.slice(0, next)) as Extract<Step, { kind: 'prop' }>[];
      if (next < 0) return this.missingCall(expr, props, named);
      if (next === 0) return this.fail(rest[0]!.node.start, 'call a method on the collection', `db.getCollection('${named}').find()`);
      methodStep = props[props.length - 1]!;
      target = { type: 'collection', name: [named, ...props.slice(0, -1).map((p) => p.name)].join('.') };
      callStep = rest[next] as Extract<Step, { kind: 'call' }>;
      rest = rest.slice(next + 1);
    } else if (names.length === 1) {
      target = { type: 'db' };
    } else {
      target = { type: 'collection', name: names.slice(0, -1).map((p) => p.name).join('.') };
      if (names.slice(0, -1).some((p) => p.name === '')) return this.fail(names[0]!.node.start, 'a collection name cannot be empty');
    }
    this.checkMethod(target, methodStep);

    const args = this.args(callStep);
    const chain: DocChainCall[] = [];
    for (let i = 0; i < rest.length; i++) {
      const step = rest[i]!;
      if (step.kind === 'call') return this.fail(step.node.callee.end, 'unexpected call: a method name is missing before (');
      const next = rest[i + 1];
      if (!next || next.kind !== 'call') {
        const upTo = next ? next.node.start : expr.end;
        return this.fail(step.node.start, `'${step.name}' is a method: add () to call it`, `${text.slice(expr.start, upTo)}()`);
      }
      chain.push({ method: step.name, args: this.args(next), at: this.positions(step.node, next) });
      i++;
    }
    return { kind: 'call', target, method: methodStep.name, args, chain, text: this.text.trim(), at: this.positions(methodStep.node, callStep) };
  }

  private args(step: Extract<Step, { kind: 'call' }>): unknown[] {
    return step.node.arguments.map((arg) => evaluateArgument(arg, this.text, this.fail));
  }

  /** getSiblingDB's argument: one quoted name that `use` would take too. */
  private databaseName(step: Extract<Step, { kind: 'call' }>): string {
    const [arg, extra] = step.node.arguments;
    if (!arg || extra || arg.type !== 'Literal' || typeof arg.value !== 'string' || arg.value === '') {
      return this.fail(arg?.start ?? step.node.end - 1, 'getSiblingDB takes the database name as one quoted string', "db.getSiblingDB('admin')");
    }
    const bad = /[\s/\\."$\0]/.exec(arg.value);
    if (bad) return this.fail(arg.start, `a database name cannot contain '${bad[0].trim() || 'a space'}'`);
    return arg.value;
  }

  private collectionName(step: Extract<Step, { kind: 'call' }>): string {
    const [arg, extra] = step.node.arguments;
    if (!arg || extra || arg.type !== 'Literal' || typeof arg.value !== 'string' || arg.value === '') {
      return this.fail(arg?.start ?? step.node.end - 1, 'getCollection takes the collection name as one quoted string', "db.getCollection('student')");
    }
    return arg.value;
  }

  /** `db.dropDatabase`, `db.student.find`: a method named without (); or a collection on its own. */
  private missingCall(expr: Expression, props: Extract<Step, { kind: 'prop' }>[], named?: string): never {
    const last = props[props.length - 1];
    const typed = this.text.slice(expr.start, expr.end);
    if (!last) return this.fail(expr.end, 'call a method on the collection', `${typed}.find()`);
    const onDb = named === undefined && props.length === 1;
    const known = onDb ? isDbMethod(last.name) : isCollectionMethod(last.name);
    if (known) {
      const path = onDb ? `db.${last.name}` : `db.${[named, ...props.map((p) => p.name)].filter((s) => s !== undefined).join('.')}`;
      return this.fail(last.node.start, `${path} is a method: add () to call it`, `${typed}()`);
    }
    return this.fail(expr.end, `'${typed}' is a collection: call a method on it`, `${typed}.find()`);
  }

  private checkMethod(target: DocTarget, step: Extract<Step, { kind: 'prop' }>): void {
    const onDb = target.type === 'db';
    if (onDb ? isDbMethod(step.name) : isCollectionMethod(step.name)) return;
    const known = onDb ? DB_METHODS : COLLECTION_METHODS;
    const prefix = onDb ? 'db' : `db.${target.name}`;
    const near = closestName(step.name, known);
    if (near) {
      const spelled = step.node.type === 'Literal' ? `'${near}'` : near;
      const corrected = `${this.text.slice(0, step.node.start)}${spelled}${this.text.slice(step.node.end)}`.trim();
      this.fail(step.node.start, `unknown method '${prefix}.${step.name}' — did you mean ${prefix}.${near}()?`, corrected);
    }
    this.fail(
      step.node.start,
      `unknown method '${prefix}.${step.name}'`,
      onDb
        ? `db methods: ${DB_METHODS.join(', ')}; on a collection: db.COLLECTION.find()`
        : `collection methods: ${COLLECTION_METHODS.join(', ')}`,
    );
  }
}

/** Why a statement that does not start with `db` is refused. */
function rootProblem(node: Node): string {
  const accepted = 'statements start with db., show or use';
  switch (node.type) {
    case 'Identifier':
      return `'${(node as Node & { name: string }).name}' is not accepted: ${accepted}`;
    case 'ThisExpression':
      return `'this' is not accepted: ${accepted}`;
    case 'FunctionExpression':
    case 'ArrowFunctionExpression':
    case 'FunctionDeclaration':
      return `functions are not accepted: dbx parses statements, it never runs JavaScript`;
    case 'AssignmentExpression':
    case 'VariableDeclaration':
      return `assignments are not accepted: ${accepted}`;
    case 'NewExpression':
      return `'new' is not accepted here: ${accepted}`;
    default:
      return `this is not a doc statement: ${accepted}`;
  }
}
