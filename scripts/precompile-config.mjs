// Build step: config/default.yaml → dist/default-config.json (see src/config/config-precompiled.ts).
import { readFileSync, writeFileSync } from 'node:fs';
import { readConfigYaml } from '../dist/config/config-parse.js';

const path = new URL('../config/default.yaml', import.meta.url);
const text = readFileSync(path, 'utf8');
const { value, lines } = readConfigYaml(text, { path: 'config/default.yaml', displayPath: 'config/default.yaml', builtin: true });
writeFileSync(new URL('../dist/default-config.json', import.meta.url), JSON.stringify({ text, value, lines: [...lines] }));
