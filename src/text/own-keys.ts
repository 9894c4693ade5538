/**
 * Tables looked up by text a user typed (a profile name, a command, a method, a format, an option): only their
 * own keys count. A plain object literal inherits `constructor`, `toString`, `__proto__` and the rest of
 * Object.prototype, so `-p constructor` or `db.c.toString()` would find something; these helpers never do.
 */

/** A frozen copy of `entries` without a prototype: `table[name]` is undefined for every name not written here. */
export function ownTable<T>(entries: Record<string, T>): Readonly<Record<string, T>> {
  return Object.freeze(Object.assign(Object.create(null) as Record<string, T>, entries));
}

/** An empty map without a prototype, to fill with names from user text (profiles, groups, columns). */
export function ownMap<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/** `table[key]` when `key` is the table's own, else undefined (for tables that are not ownTable: env, parsed YAML). */
export function ownValue<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}
