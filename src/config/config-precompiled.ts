/**
 * The built-in config/default.yaml, parsed at build time (scripts/bundle.mjs → dist/default-config.json),
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
  let data: Precompiled | undefined;
  // next to the bundle's chunks in dist/; absent in the test build, where the YAML is parsed
  for (const rel of ['./default-config.json', '../default-config.json']) {
    try {
      data = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as Precompiled;
      break;
    } catch {
      // try the next place
    }
  }
  if (!data) return undefined;
  if (data.text !== text) return undefined;
  return { value: data.value, lines: new Map(data.lines) };
}
