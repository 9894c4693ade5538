/**
 * YAML text → validated DbxConfig, keeping the line of every value for messages. Pure.
 *
 * Exports: parseConfigText(text, { path, displayPath, builtin }) → DbxConfig; throws UsageError (exit 2) whose
 * message starts with `file:line:` for a YAML syntax error (tabs, bad indent, duplicate key, several documents)
 * or a schema error (see config-schema.ts).
 */
import { createRequire } from 'node:module';
import type { LineCounter, Node } from 'yaml';
import { UsageError } from '../errors.js';
import { validateConfig, type ConfigSource, type DbxConfig } from './config-schema.js';

export type ConfigOrigin = Omit<ConfigSource, 'lines'>;

/** The YAML library, loaded on first use (about 30 ms): the built-in default needs none of it (config-precompiled). */
let yamlLib: typeof import('yaml') | undefined;
function yaml(): typeof import('yaml') {
  yamlLib ??= createRequire(import.meta.url)('yaml') as typeof import('yaml');
  return yamlLib;
}

/** What YAML gives a config: the plain value, and the line of every value by dotted path. */
export interface YamlConfig {
  value: unknown;
  lines: Map<string, number>;
}

function collectLines(node: unknown, path: string, counter: LineCounter, lines: Map<string, number>): void {
  const { isAlias, isMap, isScalar, isSeq } = yaml();
  if (isMap(node)) {
    for (const pair of node.items) {
      const keyNode = pair.key as Node | null;
      const key = isScalar(keyNode) ? String(keyNode.value) : String(keyNode);
      // Merged keys (`<<: *base`) have no place of their own; whereOf falls back to the parent's line.
      if (key === '<<') continue;
      const childPath = path === '' ? key : `${path}.${key}`;
      const start = keyNode?.range?.[0];
      if (start !== undefined) lines.set(childPath, counter.linePos(start).line);
      collectLines(pair.value, childPath, counter, lines);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => {
      const childPath = `${path}[${i}]`;
      const start = (item as Node | null)?.range?.[0];
      if (start !== undefined) lines.set(childPath, counter.linePos(start).line);
      if (!isAlias(item)) collectLines(item, childPath, counter, lines);
    });
  }
}

/** YAML text → value and lines; throws UsageError (exit 2) naming file and line for a YAML error. */
export function readConfigYaml(text: string, origin: ConfigOrigin): YamlConfig {
  const { LineCounter, parseDocument } = yaml();
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, merge: true, prettyErrors: true, uniqueKeys: true });
  const error = doc.errors[0];
  if (error !== undefined) {
    const line = error.linePos?.[0].line ?? 1;
    // prettyErrors appends " at line N, column M:" and a source excerpt; the file:line prefix says it already.
    const message =
      error.code === 'MULTIPLE_DOCS'
        ? 'a config file holds one YAML document: remove the second ---'
        : error.message.split(/ at line \d+, column \d+/)[0]!.trim();
    throw new UsageError(`${origin.displayPath}:${line}: ${message}`, { code: 'CONFIG' });
  }
  const lines = new Map<string, number>();
  collectLines(doc.contents, '', counter, lines);
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    throw new UsageError(`${origin.displayPath}:1: ${(e as Error).message}`, { code: 'CONFIG' });
  }
  return { value, lines };
}

export function parseConfigText(text: string, origin: ConfigOrigin): DbxConfig {
  const { value, lines } = readConfigYaml(text, origin);
  return validateConfig(value, { ...origin, lines });
}
