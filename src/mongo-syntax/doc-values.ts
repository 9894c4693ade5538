/**
 * Turns one argument of a doc statement into a value, without evaluating anything the user typed.
 *
 * Two gates: our own allow-list walk over acorn's AST (stricter than shell-bson-parser's, and it knows where
 * the offending node is, so the error can point at it), then @mongodb-js/shell-bson-parser, MongoDB's own safe
 * parser, computes the value from the same text and builds the bson objects (ObjectId, Long, Decimal128, …).
 */
import type { Expression, Literal, Node, Property, SpreadElement } from 'acorn';
import { ParseMode, parse as parseBson } from '@mongodb-js/shell-bson-parser';

/** Reports a problem at an offset of the statement text; never returns. */
export type Fail = (offset: number, message: string, hint?: string) => never;

/** MongoDB refuses documents nested deeper than 100 levels; stopping there also bounds every recursion after us. */
export const MAX_NESTING = 100;

/** Calls that build values; the same names shell-bson-parser's scope knows. */
export const VALUE_FUNCTIONS: readonly string[] = Object.freeze([
  'ObjectId', 'ObjectID', 'ISODate', 'Date', 'NumberInt', 'NumberLong', 'NumberDecimal', 'UUID', 'Timestamp',
  'BinData', 'Binary', 'Decimal128', 'Int32', 'Int64', 'Long', 'Double', 'MinKey', 'MaxKey', 'RegExp', 'DBRef',
]);
const valueFunctions = new Set(VALUE_FUNCTIONS);

const SIGNS = new Set(['-', '+']);
const COMPUTES_NOTHING = 'values are written out, dbx computes nothing (write the result itself)';

function isNumberLiteral(n: Node): boolean {
  return (n.type === 'Literal' && typeof (n as Literal).value === 'number') || (n.type === 'Identifier' && (n as unknown as { name: string }).name === 'Infinity');
}
const VALUE_NAMES = new Set(['Infinity', 'NaN', 'undefined']);

const NOTHING_RUNS = 'dbx parses statements, it never runs JavaScript';
const FUNCTION_LIST = 'ObjectId(), ISODate(), new Date(), NumberInt(), NumberLong(), NumberDecimal(), UUID()';

interface Replacement {
  start: number;
  end: number;
  text: string;
}

/**
 * The value of one call argument. `source` is the whole statement text the node's offsets refer to; `fail`
 * turns a rejection into the caller's ParseError.
 */
export function evaluateArgument(node: Expression | SpreadElement, source: string, fail: Fail): unknown {
  const ctx: Ctx = { source, fail, replacements: [], calls: [] };
  check(node, 0, ctx);
  ctx.replacements.sort((a, b) => a.start - b.start);
  const result = evaluate(node, ctx);
  if (result.ok && !hasInvalidDate(result.value, 0)) return result.value;
  if (result.ok) {
    // new Date('garbage') is an Invalid Date, which would be stored as some other date: point at it
    for (const call of ctx.calls) {
      const inner = evaluate(call, ctx);
      if (inner.ok && inner.value instanceof Date && Number.isNaN(inner.value.getTime())) {
        return fail(call.start, 'invalid value: not a valid date', "ISODate('2018-08-15T20:53:20Z')");
      }
    }
    return fail(node.start, 'invalid value: not a valid date');
  }
  // point at the call that failed (ObjectId('zz') deep inside a filter), not at the whole argument
  for (const call of ctx.calls) {
    const inner = evaluate(call, ctx);
    if (!inner.ok) return fail(call.start, inner.message);
  }
  return fail(node.start, result.message);
}

function hasInvalidDate(value: unknown, depth: number): boolean {
  if (value instanceof Date) return Number.isNaN(value.getTime());
  if (typeof value !== 'object' || value === null || depth > MAX_NESTING || '_bsontype' in value) return false;
  return Object.values(value).some((v) => hasInvalidDate(v, depth + 1));
}

type Evaluated = { ok: true; value: unknown } | { ok: false; message: string };

/** shell-bson-parser's value for the source of `node`, with our rewrites applied. */
function evaluate(node: Node, ctx: Ctx): Evaluated {
  let text = '';
  let at = node.start;
  for (const r of ctx.replacements) {
    if (r.start < node.start || r.end > node.end) continue;
    text += ctx.source.slice(at, r.start) + r.text;
    at = r.end;
  }
  text += ctx.source.slice(at, node.end);
  let result: unknown;
  try {
    // wrapped in an array so that a rejected input ('') cannot be confused with the empty string
    result = parseBson(`[${text}\n]`, { mode: ParseMode.Loose });
  } catch (e) {
    return { ok: false, message: `invalid value: ${e instanceof Error && e.message ? e.message : 'cannot be read'}` };
  }
  if (!Array.isArray(result) || result.length !== 1) return { ok: false, message: 'this value is not accepted' };
  return { ok: true, value: result[0] };
}

interface Ctx {
  source: string;
  fail: Fail;
  replacements: Replacement[];
  /** value-function calls, innermost first: where to look when the whole value fails */
  calls: Node[];
}

/** JSON string syntax acorn also reads at ecmaVersion 6 (which rejects raw U+2028/U+2029). */
const stringSource = (s: string): string => JSON.stringify(s).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');

function check(node: Node, depth: number, ctx: Ctx): void {
  const { fail } = ctx;
  if (depth > MAX_NESTING) fail(node.start, `values nest more than ${MAX_NESTING} levels deep`);
  const n = node as Expression | SpreadElement;
  switch (n.type) {
    case 'Literal':
      return checkLiteral(n, ctx);
    case 'TemplateLiteral': {
      const first = n.expressions[0];
      if (first) fail(first.start - 2, `\${…} in a template string is not accepted: ${NOTHING_RUNS}`);
      const quasi = n.quasis[0];
      ctx.replacements.push({ start: n.start, end: n.end, text: stringSource(quasi?.value.cooked ?? quasi?.value.raw ?? '') });
      return;
    }
    case 'Identifier':
      if (VALUE_NAMES.has(n.name)) return;
      // inside an object or array a bare word is most likely text that lost its quotes: {name: sam}
      if (depth > 0) return fail(n.start, `'${n.name}' is not a value`, `put text in quotes: '${n.name}'`);
      return fail(n.start, `'${n.name}' is not a value: ${NOTHING_RUNS}`);
    case 'ArrayExpression':
      n.elements.forEach((element, i) => {
        if (element === null) return fail(n.start, `the array has an empty slot at position ${i + 1}`);
        check(element, depth + 1, ctx);
      });
      return;
    case 'ObjectExpression':
      for (const p of n.properties) {
        if (p.type === 'SpreadElement') return fail(p.start, `'...' spreading is not accepted: ${NOTHING_RUNS}`);
        checkProperty(p, depth, ctx);
      }
      return;
    case 'UnaryExpression':
      // a sign on a number (sort {age: -1}, {$gt: -5}) is part of the literal; anything else would be computing
      if (!SIGNS.has(n.operator) || !isNumberLiteral(n.argument)) {
        return fail(n.start, `the operator '${n.operator}' is not accepted: ${COMPUTES_NOTHING}`);
      }
      return check(n.argument, depth + 1, ctx);
    case 'BinaryExpression':
      return fail(n.left.end, `arithmetic ('${n.operator}') is not accepted: ${COMPUTES_NOTHING}`);
    case 'LogicalExpression':
    case 'ConditionalExpression':
      return fail(n.start, `expressions are not accepted: ${COMPUTES_NOTHING}`);
    case 'CallExpression':
    case 'NewExpression':
      return checkCall(n, depth, ctx);
    case 'SpreadElement':
      return fail(n.start, `'...' spreading is not accepted: ${NOTHING_RUNS}`);
    case 'FunctionExpression':
    case 'ArrowFunctionExpression':
      return fail(n.start, `functions are not accepted: ${NOTHING_RUNS}`);
    case 'AssignmentExpression':
    case 'UpdateExpression':
      return fail(n.start, `assignments are not accepted: ${NOTHING_RUNS}`);
    case 'MemberExpression':
      return fail(n.start, `property access is not accepted in a value: ${NOTHING_RUNS}`);
    default:
      return fail(n.start, `${describe(n.type)} is not accepted here: ${NOTHING_RUNS}`);
  }
}

function checkLiteral(n: Literal, ctx: Ctx): void {
  if (typeof n.value === 'bigint' || n.bigint !== undefined) {
    ctx.fail(n.start, 'BigInt literals are not accepted', `use NumberLong('${n.bigint ?? ''}')`);
  }
  if (n.regex) {
    // shell-bson-parser reads at ecmaVersion 6, which knows neither newer flags nor newer pattern syntax;
    // RegExp(pattern, flags) builds the same value
    ctx.replacements.push({
      start: n.start,
      end: n.end,
      text: `RegExp(${stringSource(n.regex.pattern)}, ${stringSource(n.regex.flags)})`,
    });
  } else if (typeof n.value === 'number' && n.raw?.includes('_')) {
    ctx.replacements.push({ start: n.start, end: n.end, text: String(n.value) });
  } else if (typeof n.value === 'string' && /[\u2028\u2029]/.test(n.value)) {
    ctx.replacements.push({ start: n.start, end: n.end, text: stringSource(n.value) });
  }
}

function checkProperty(p: Property, depth: number, ctx: Ctx): void {
  const { fail } = ctx;
  if (p.kind !== 'init') fail(p.start, `${p.kind}ters are not accepted: ${NOTHING_RUNS}`);
  if (p.method) fail(p.start, `methods are not accepted: ${NOTHING_RUNS}`);
  if (p.computed) fail(p.start, `computed keys [ … ] are not accepted: write the key itself`);
  if (p.shorthand) {
    const name = p.key.type === 'Identifier' ? p.key.name : 'key';
    fail(p.start, `'${name}' has no value`, `write ${name}: VALUE`);
  }
  if (p.key.type === 'Literal') {
    if (typeof p.key.value !== 'string' && typeof p.key.value !== 'number') fail(p.key.start, 'this key is not accepted');
    checkLiteral(p.key, ctx);
  } else if (p.key.type !== 'Identifier') fail(p.key.start, 'this key is not accepted');
  check(p.value, depth + 1, ctx);
}

function checkCall(n: Extract<Expression, { type: 'CallExpression' | 'NewExpression' }>, depth: number, ctx: Ctx): void {
  const { fail } = ctx;
  if (n.type === 'CallExpression' && n.optional) fail(n.start, "'?.' is not accepted");
  const callee = n.callee;
  if (callee.type === 'Identifier') {
    if (!valueFunctions.has(callee.name)) {
      fail(callee.start, `'${callee.name}()' is not accepted: the value functions are ${FUNCTION_LIST} …`);
    }
  } else if (callee.type === 'MemberExpression') {
    // Math.max(), new Date().getTime(), x.constructor(): a method computes a value, and values are written out
    const property = callee.property;
    const name = property.type === 'Identifier' ? `'${property.name}' ` : '';
    return fail(property.start, `the method ${name}is not accepted: ${COMPUTES_NOTHING}`);
  } else {
    return fail(callee.start, `this call is not accepted: ${NOTHING_RUNS}`);
  }
  for (const arg of n.arguments) check(arg, depth + 1, ctx);
  ctx.calls.push(n);
  if (callee.type === 'Identifier') checkValueArguments(callee.name, n, ctx);
}

/**
 * What shell-bson-parser would accept but turn into something else than was meant: UUID('xyz') became an empty
 * binary, NumberDecimal() failed with a JavaScript TypeError.
 */
function checkValueArguments(name: string, n: Extract<Expression, { type: 'CallExpression' | 'NewExpression' }>, ctx: Ctx): void {
  const first = n.arguments[0];
  if (INTEGER_BITS[name] && first) checkInteger(name, INTEGER_BITS[name], first, ctx);
  if (name === 'UUID' && first) {
    const example = "UUID('0123456789abcdef0123456789abcdef')";
    if (first.type !== 'Literal' || typeof first.value !== 'string') {
      ctx.fail(first.start, 'UUID() takes the UUID as a quoted string of hex digits', example);
    }
    const text = (first as Literal).value as string;
    if (!/^[0-9a-fA-F]{32}$/.test(text.replace(/-/g, ''))) {
      ctx.fail(first.start, `UUID() needs 32 hex digits (dashes allowed), got '${text}'`, example);
    }
  }
  if (name === 'NumberDecimal' || name === 'Decimal128') {
    // mongosh's NumberDecimal() is 0, and NumberDecimal(1.5) reads the number as it was typed
    if (!first) ctx.replacements.push({ start: n.start, end: n.end, text: `${name}("0")` });
    const typed = numberSource(first, ctx.source);
    if (typed !== undefined) {
      // this rewrite covers the literal's own (1_000 → 1000)
      ctx.replacements = ctx.replacements.filter((r) => r.start < first!.start || r.end > first!.end);
      ctx.replacements.push({ start: first!.start, end: first!.end, text: stringSource(typed) });
    }
  }
}

/** The source text of a number literal, or of a negated one (`-1.5`); undefined for anything else. */
function numberSource(node: Node | undefined, source: string): string | undefined {
  const n = node as Expression | undefined;
  if (n?.type === 'Literal' && typeof n.value === 'number') return source.slice(n.start, n.end).replace(/_/g, '');
  if (n?.type === 'UnaryExpression' && n.operator === '-' && n.argument.type === 'Literal' && typeof n.argument.value === 'number') {
    return `-${source.slice(n.argument.start, n.argument.end).replace(/_/g, '')}`;
  }
  return undefined;
}

/** bson would silently wrap NumberLong('99999999999999999999') or read NumberLong('abc') as 0 */
const INTEGER_BITS: Record<string, number> = Object.assign(Object.create(null) as Record<string, number>, {
  NumberInt: 32,
  Int32: 32,
  NumberLong: 64,
  Int64: 64,
});

function checkInteger(name: string, bits: number, arg: Node, ctx: Ctx): void {
  let text: string | undefined;
  const literal = arg as Expression;
  if (literal.type === 'Literal' && (typeof literal.value === 'string' || typeof literal.value === 'number')) {
    text = typeof literal.value === 'number' ? String(Math.trunc(literal.value)) : literal.value.trim();
  } else if (literal.type === 'UnaryExpression' && literal.operator === '-' && literal.argument.type === 'Literal' && typeof literal.argument.value === 'number') {
    text = String(-Math.trunc(literal.argument.value));
  }
  if (text === undefined) return;
  const limit = 2n ** BigInt(bits - 1);
  const ok = /^[+-]?\d+$/.test(text) && BigInt(text) >= -limit && BigInt(text) < limit;
  if (!ok) ctx.fail(arg.start, `${name}() needs a ${bits}-bit integer, got ${text === '' ? 'an empty string' : text}`);
}

function describe(type: string): string {
  const words = type.replace(/Expression$|Literal$/, '').replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return words === 'this' ? "'this'" : `a ${words} expression`;
}
