/**
 * Learner hints that need the statement's text rather than its AST (the AST does not exist when acorn
 * rejected the statement). Each returns the corrected statement, or undefined when the mistake is not the
 * known one.
 */
import { UsageError } from '../errors.js';
import { isSignificant, matchBrackets, scanTokens, type Token } from './shell-scanner.js';
import { asciiPunctuation, isFullWidthPunctuation } from '../text/full-width.js';

const URL_FIRST = /^\s*(mongodb(?:\+srv)?:\/\/\S*)\s*([\s\S]*)$/i;

/**
 * mongosh's `mongosh mongodb://host/db` habit: `dbx doc mongodb://…` gives the URL as a statement, which would be
 * a puzzling parse error at `//`. Throws a usage error whose hint is the dbx command that connects there, with the
 * password (if any) left out; returns when the script does not start with a URL.
 */
export function rejectUrlAsStatement(script: string): void {
  const m = URL_FIRST.exec(script);
  if (!m) return;
  const url = m[1]!.replace(/^([^:]+:\/\/)([^@/]*)@/, (_all, scheme: string, userinfo: string) => {
    const colon = userinfo.indexOf(':');
    return colon < 0 ? `${scheme}${userinfo}@` : `${scheme}${userinfo.slice(0, colon)}:<password>@`;
  });
  const rest = m[2]!.trim();
  const statement = rest === '' ? '' : ` "${rest.replace(/(["\\$`])/g, '\\$1')}"`;
  throw new UsageError('a connection URL is not a statement', {
    code: 'URL_AS_STATEMENT',
    engine: 'doc',
    hint: `mongosh takes the URL as its first argument; dbx takes it as --url: dbx --url '${url}' doc${statement} (or put it in a profile: dbx init)`,
  });
}

/** What the second argument of a method is called, for "the projection is the second argument". */
const SECOND_ARGUMENT: Record<string, string> = Object.assign(Object.create(null) as Record<string, string>, {
  find: 'projection',
  findOne: 'projection',
  find_one: 'projection',
  update: 'update',
  updateOne: 'update',
  updateMany: 'update',
  findOneAndUpdate: 'update',
  replaceOne: 'replacement',
  findOneAndReplace: 'replacement',
});

/**
 * The note's `db.student.find({_id: 123, {name: 1}})`: a bare `{…}` where an object expects its next key.
 * When acorn stopped at such a `{` (offset `at`) inside an object that is a call's only argument, returns
 * `the projection is the second argument: db.student.find({_id: 123}, {name: 1})`: the bare object becomes
 * the second argument and the other entries stay in the first, written as the user wrote them.
 */
export function bareObjectEntryHint(text: string, at: number): string | undefined {
  if (text[at] !== '{') return undefined;
  let tokens: Token[];
  try {
    tokens = scanTokens(text);
  } catch {
    return undefined;
  }
  const nested = tokens.findIndex((t) => t.start === at && t.type === 'open');
  if (nested < 0) return undefined;
  const { partner, parent } = matchBrackets(text, tokens);
  const outer = parent.get(nested) ?? -1;
  const nestedEnd = partner.get(nested);
  const outerEnd = outer >= 0 ? partner.get(outer) : undefined;
  if (outer < 0 || text[tokens[outer]!.start] !== '{' || nestedEnd === undefined || outerEnd === undefined) return undefined;

  // the object must be the only argument of a method call: `.method( {…} )`
  const paren = previousSignificant(tokens, outer);
  if (paren < 0 || text[tokens[paren]!.start] !== '(') return undefined;
  const parenEnd = partner.get(paren);
  if (parenEnd === undefined || nextSignificant(tokens, outerEnd) !== parenEnd) return undefined;
  const name = previousSignificant(tokens, paren);
  if (name < 0 || tokens[name]!.type !== 'word') return undefined;
  const method = text.slice(tokens[name]!.start, tokens[name]!.end);

  const before = text.slice(tokens[outer]!.start, at).trimEnd().replace(/,$/, '').trimEnd();
  const after = text.slice(tokens[nestedEnd]!.end, tokens[outerEnd]!.start).trim().replace(/^,/, '').replace(/,$/, '').trim();
  const filter = before === '{' ? `{${after}}` : `${before}${after ? `, ${after}` : ''}}`;
  const bare = text.slice(at, tokens[nestedEnd]!.end);
  const corrected = `${text.slice(0, tokens[outer]!.start)}${filter}, ${bare}${text.slice(tokens[outerEnd]!.end)}`.trim();
  const role = SECOND_ARGUMENT[method];
  return role ? `the ${role} is the second argument: ${corrected}` : `the {…} part is a separate argument: ${corrected}`;
}

function previousSignificant(tokens: Token[], i: number): number {
  for (let j = i - 1; j >= 0; j--) if (isSignificant(tokens[j]!)) return j;
  return -1;
}

function nextSignificant(tokens: Token[], i: number): number {
  for (let j = i + 1; j < tokens.length; j++) if (isSignificant(tokens[j]!)) return j;
  return -1;
}

/**
 * `db.student.find（{name：'张三'}）` typed with a Chinese input method: when acorn stopped at full-width
 * punctuation, returns the statement with the full-width punctuation outside strings made ASCII.
 */
export function fullWidthHint(text: string, at: number): string | undefined {
  if (!isFullWidthPunctuation(text[at])) return undefined;
  let tokens: Token[];
  try {
    tokens = scanTokens(text);
  } catch {
    return undefined;
  }
  let out = '';
  let from = 0;
  for (const t of tokens) {
    if (t.type !== 'word' && t.type !== 'punct') continue;
    out += text.slice(from, t.start) + asciiPunctuation(text.slice(t.start, t.end));
    from = t.end;
  }
  return `use ASCII punctuation: ${out + text.slice(from)}`;
}
