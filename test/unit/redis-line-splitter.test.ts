import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { isUtf8 } from 'node:buffer';
import { ParseError } from '../../src/errors.js';
import { splitRedisArgs, splitRedisLine, splitRedisScript } from '../../src/engines/redis/redis-line-splitter.js';

describe('splitRedisLine (redis-cli sdssplitargs rules)', () => {
  const cases: [string, string[]][] = [
    ['set name Sam', ['set', 'name', 'Sam']],
    ['  lrem   l1 -1\t4  ', ['lrem', 'l1', '-1', '4']],
    [`set name 'Sam Lee'`, ['set', 'name', 'Sam Lee']],
    ['set name "Sam Lee"', ['set', 'name', 'Sam Lee']],
    ['set k "a\\nb\\tc\\rd"', ['set', 'k', 'a\nb\tc\rd']],
    ['set k "say \\"hi\\""', ['set', 'k', 'say "hi"']],
    ['set k "back\\\\slash"', ['set', 'k', 'back\\slash']],
    [`set k 'it\\'s'`, ['set', 'k', "it's"]],
    [`set k 'no \\n escape'`, ['set', 'k', 'no \\n escape']],
    ['set k "\\x41\\x42"', ['set', 'k', 'AB']],
    ['set k "\\xe4\\xb8\\xad"', ['set', 'k', '中']],
    ['set k 中文', ['set', 'k', '中文']],
    ['set k ""', ['set', 'k', '']],
    ['set foo"bar baz" x', ['set', 'foobar baz', 'x']],
    ['', []],
    ['   ', []],
  ];
  for (const [line, words] of cases) {
    test(JSON.stringify(line), () => assert.deepEqual(splitRedisLine(line), words));
  }

  test('bytes that are not UTF-8 stay bytes', () => {
    const words = splitRedisArgs('set k "\\xff\\x00"');
    assert.equal(words[1], 'k');
    assert.ok(Buffer.isBuffer(words[2]));
    assert.deepEqual([...(words[2] as Buffer)], [0xff, 0x00]);
  });

  test('an unterminated double quote is a ParseError with its column', () => {
    assert.throws(() => splitRedisArgs('set k "abc', 7), (e: unknown) => {
      assert.ok(e instanceof ParseError);
      assert.equal(e.line, 7);
      assert.equal(e.column, 7);
      assert.equal(e.exitCode, 2);
      return true;
    });
  });

  test('an unterminated single quote is a ParseError', () => {
    assert.throws(() => splitRedisLine("set k 'abc"), ParseError);
  });

  test('a closing quote glued to the next word is a ParseError', () => {
    assert.throws(() => splitRedisLine('set k "abc"def'), (e: unknown) => e instanceof ParseError && e.column === 12);
  });
});

describe('splitRedisScript', () => {
  test('one command per line, comments and blank lines skipped, line numbers kept', () => {
    const stmts = splitRedisScript('# setup\nset a 1\n\n  get a  \r\n#done\nincr a');
    assert.deepEqual(stmts.map(({ text, line }) => ({ text, line })), [
      { text: 'set a 1', line: 2 },
      { text: 'get a', line: 4 },
      { text: 'incr a', line: 6 },
    ]);
  });

  test('a # inside a command is not a comment', () => {
    assert.deepEqual(splitRedisScript('set tag #1').map((s) => s.text), ['set tag #1']);
  });

  test('bad quoting fails the whole script before anything runs, naming line and column', () => {
    assert.throws(() => splitRedisScript('set a 1\n  set b "x'), (e: unknown) => {
      assert.ok(e instanceof ParseError);
      assert.equal(e.line, 2);
      assert.equal(e.column, 9);
      return true;
    });
  });
});

describe('splitRedisArgs against the per-character reference (each character through Buffer.from)', () => {
  /** the splitter as it was: every character's UTF-8 bytes from Buffer.from */
  function reference(text: string): (string | Buffer)[] | 'error' {
    const blank = (c: string | undefined): boolean => c !== undefined && ' \t\n\r\v\f'.includes(c);
    const hex = (c: string | undefined): boolean => c !== undefined && /^[0-9a-fA-F]$/.test(c);
    const simple: Record<string, number> = { n: 10, r: 13, t: 9, b: 8, a: 7 };
    // a line without quotes or backslashes is split on blanks, its words kept as they are
    if (!/["'\\]/.test(text)) return text.split(/[ \t\n\r\v\f]+/).filter((w) => w !== '');
    const words: (string | Buffer)[] = [];
    let i = 0;
    for (;;) {
      while (i < text.length && blank(text[i])) i++;
      if (i >= text.length) return words;
      const bytes: number[] = [];
      const push = (s: string): void => void bytes.push(...Buffer.from(s, 'utf8'));
      const char = (): string => String.fromCodePoint(text.codePointAt(i)!);
      let escaped = false;
      let quote: string | null = null;
      for (;;) {
        const c = text[i];
        if (quote === '"') {
          if (c === undefined) return 'error';
          if (c === '\\' && text[i + 1] === 'x' && hex(text[i + 2]) && hex(text[i + 3])) {
            bytes.push(parseInt(text.slice(i + 2, i + 4), 16));
            escaped = true;
            i += 4;
          } else if (c === '\\' && text[i + 1] !== undefined) {
            const e = text[i + 1]!;
            if (simple[e] !== undefined) bytes.push(simple[e]);
            else push(e);
            i += 2;
          } else if (c === '"') {
            if (i + 1 < text.length && !blank(text[i + 1])) return 'error';
            i++;
            break;
          } else {
            const ch = char();
            push(ch);
            i += ch.length;
          }
        } else if (quote === "'") {
          if (c === undefined) return 'error';
          if (c === '\\' && text[i + 1] === "'") {
            bytes.push(0x27);
            i += 2;
          } else if (c === "'") {
            if (i + 1 < text.length && !blank(text[i + 1])) return 'error';
            i++;
            break;
          } else {
            const ch = char();
            push(ch);
            i += ch.length;
          }
        } else {
          if (c === undefined || blank(c)) break;
          if (c === '"' || c === "'") {
            quote = c;
            i++;
          } else {
            const ch = char();
            push(ch);
            i += ch.length;
          }
        }
      }
      const buf = Buffer.from(bytes);
      words.push(escaped && !isUtf8(buf) ? buf : buf.toString('utf8'));
    }
  }

  test('the same words and errors on random lines of quotes, escapes, surrogates and multi-byte characters', () => {
    const alphabet = ['a', 'Z', ' ', '\t', '"', "'", '\\', 'x', 'f', '4', 'n', 'é', '中', '😀', '\ud800', '\udc00', '\\x', 'ff', '\\"'];
    let seed = 12345;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let k = 0; k < 3000; k++) {
      let line = '';
      const length = 1 + random(14);
      for (let j = 0; j < length; j++) line += alphabet[random(alphabet.length)];
      let got: (string | Buffer)[] | 'error';
      try {
        got = splitRedisArgs(line);
      } catch {
        got = 'error';
      }
      assert.deepEqual(got, reference(line), JSON.stringify(line));
    }
  });
});
