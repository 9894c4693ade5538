/**
 * The built-in config/default.yaml, parsed at build time (scripts/precompile-config.mjs → dist/default-config.json),
 * so that a run without a config file of its own never loads the YAML library. Used only while the shipped YAML
 * text is exactly the text that was compiled; anything else is parsed as usual.
 */
import { readFileSync } from 'node:fs';
import type { YamlConfig } from './config-parse.js';

interface Precompiled {
  text: string;
  value: unknown;
  lines: Array<[string, number]>;
}

export function precompiledDefault(text: string): YamlConfig | undefined {
  let data: Precompiled;
  try {
    data = JSON.parse(readFileSync(new URL('../default-config.json', import.meta.url), 'utf8')) as Precompiled;
  } catch {
    return undefined; // not built (the test build), or unreadable: parse the YAML
  }
  if (data.text !== text) return undefined;
  return { value: data.value, lines: new Map(data.lines) };
}
