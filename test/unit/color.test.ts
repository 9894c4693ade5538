/** The colour decision (src/text/color.ts), case by case; test/e2e/color.test.ts runs the same rules through bin/dbx. */
import assert from 'node:assert/strict';
import { test } from '@jest/globals';
import { colorEnabled, loadColor, styles } from '../../src/text/color.js';

const tty = { isTTY: true };
const pipe = { isTTY: false };

test.each([
  ['a terminal', false, {}, tty, true],
  ['a pipe', false, {}, pipe, false],
  ['a stream that says nothing about isTTY', false, {}, {}, false],
  ['--no-color', true, {}, tty, false],
  ['--no-color beats FORCE_COLOR', true, { FORCE_COLOR: '1' }, pipe, false],
  ['NO_COLOR=1', false, { NO_COLOR: '1' }, tty, false],
  ['NO_COLOR=0 is set and non-empty: off', false, { NO_COLOR: '0' }, tty, false],
  ['an empty NO_COLOR', false, { NO_COLOR: '' }, tty, true],
  ['TERM=dumb', false, { TERM: 'dumb' }, tty, false],
  ['FORCE_COLOR=1 into a pipe', false, { FORCE_COLOR: '1' }, pipe, true],
  ['FORCE_COLOR=3', false, { FORCE_COLOR: '3' }, pipe, true],
  ['an empty FORCE_COLOR forces it on (as Node reads it)', false, { FORCE_COLOR: '' }, pipe, true],
  ['FORCE_COLOR=0 on a terminal', false, { FORCE_COLOR: '0' }, tty, false],
  ['FORCE_COLOR=false', false, { FORCE_COLOR: 'false' }, tty, false],
  ['FORCE_COLOR=1 beats NO_COLOR and TERM=dumb', false, { FORCE_COLOR: '1', NO_COLOR: '1', TERM: 'dumb' }, pipe, true],
] as const)('%s', (_name, flag, env, stream, want) => {
  assert.equal(colorEnabled(flag, env, stream), want);
});

test('styles are plain when colour is off, chalk when it is on', async () => {
  assert.equal(styles(false).error('ERROR'), 'ERROR');
  assert.throws(() => styles(true), /chalk was not loaded/);
  await loadColor();
  assert.equal(styles(true).error('ERROR'), '\x1b[31m\x1b[1mERROR\x1b[22m\x1b[39m');
  assert.equal(styles(true).bold('id'), '\x1b[1mid\x1b[22m');
  assert.equal(styles(false).bold('id'), 'id');
});
