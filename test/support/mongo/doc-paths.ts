// Dotted-path access on stored (typed) documents, for the places mingo cannot be used because it
// would see BSON wrapper values instead of numbers: typed $inc/$min/$max, upsert seeds, index keys, distinct.
import type { Document } from 'bson';
import { formatValue, isPlainDoc } from './bson-values.js';
import { CommandError } from './server-errors.js';

export function getPath(doc: unknown, path: string): unknown {
  let node: unknown = doc;
  for (const part of path.split('.')) {
    if (Array.isArray(node) && /^\d+$/.test(part)) node = node[Number(part)];
    else if (isPlainDoc(node)) node = node[part];
    else return undefined;
    if (node === undefined) return undefined;
  }
  return node;
}

export function setPath(doc: Document, path: string, value: unknown): void {
  const parts = path.split('.');
  let node: unknown = doc;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    const last = i === parts.length - 1;
    if (Array.isArray(node) && /^\d+$/.test(part)) {
      const index = Number(part);
      if (last) {
        while (node.length < index) node.push(null);
        node[index] = value;
        return;
      }
      if (node[index] === undefined || node[index] === null) node[index] = {};
      node = node[index];
    } else if (isPlainDoc(node)) {
      if (last) {
        node[part] = value;
        return;
      }
      if (node[part] === undefined || node[part] === null) node[part] = {};
      node = node[part];
    } else {
      const parent = parts.slice(0, i).join('.');
      throw new CommandError(28, `Cannot create field '${part}' in element {${parent}: ${formatValue(node)}}`);
    }
  }
}

/**
 * Every value a path reaches, descending through arrays as mongod does for distinct and multikey
 * paths: `tags` on `{tags: ['a','b']}` gives 'a' and 'b'.
 */
export function collectPathValues(doc: unknown, path: string, out: unknown[] = []): unknown[] {
  const dot = path.indexOf('.');
  const head = dot === -1 ? path : path.slice(0, dot);
  const rest = dot === -1 ? '' : path.slice(dot + 1);
  if (Array.isArray(doc)) {
    for (const item of doc) if (isPlainDoc(item) || Array.isArray(item)) collectPathValues(item, path, out);
    return out;
  }
  if (!isPlainDoc(doc)) return out;
  const value = doc[head];
  if (value === undefined) return out;
  if (rest !== '') return collectPathValues(value, rest, out);
  if (Array.isArray(value)) out.push(...value);
  else out.push(value);
  return out;
}
