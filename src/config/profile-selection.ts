/**
 * What `-p` names: one profile, or several for fan-out (CONTRACT "Global options"): `a,b,c`, a group from the
 * config's `groups:`, or a glob over profile names (`'shard*'`). Pure: the config comes in, names go out.
 *
 * A single profile (no comma, no group, a glob that matched one) runs exactly as before: `fanOut` is false and the
 * output carries no profile column. A group is always fan-out, even of one member, so that a script reading its
 * output sees the same shape whatever the group holds. Every item is checked before anything runs: an unknown name
 * or a glob that matches nothing is a usage error (exit 2).
 */
import { UsageError } from '../errors.js';
import { suggest, whereOf, type DbxConfig } from './config-schema.js';
import { unknownProfile } from './profile.js';

export interface ProfileSelection {
  /** the profiles, in the order given, each once */
  names: string[];
  /** several profiles (or a group): results are tagged with their profile */
  fanOut: boolean;
}

const GLOB_CHARS = /[*?[]/;

/** Does this -p value ask for more than a name: a list, or a glob? (A group needs the config to tell.) */
export function isMultiSelector(value: string): boolean {
  return value.includes(',') || GLOB_CHARS.test(value);
}

/** `*` any run of characters, `?` one, `[abc]` / `[a-z]` / `[!x]` a class; everything else literal. */
export function globPattern(glob: string): RegExp {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') out += '.*';
    else if (c === '?') out += '.';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end < 0) {
        out += '\\[';
        continue;
      }
      let body = glob.slice(i + 1, end);
      const negated = body.startsWith('!') || body.startsWith('^');
      if (negated) body = body.slice(1);
      out += `[${negated ? '^' : ''}${body.replace(/[\\\]^]/g, '\\$&')}]`;
      i = end;
    } else out += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${out}$`, 's');
}

/** Reads a -p value (or $DBX_PROFILE) against the config; throws UsageError (exit 2) before anything runs. */
export function selectProfiles(config: DbxConfig, value: string): ProfileSelection {
  const items = value.split(',').map((item) => item.trim());
  if (items.some((item) => item === '')) {
    throw new UsageError(`-p ${value}: an empty name in the list`, { code: 'UNKNOWN_PROFILE', hint: '-p a,b,c names profiles, groups or globs, comma-separated' });
  }
  const names: string[] = [];
  const add = (name: string) => {
    if (!names.includes(name)) names.push(name);
  };
  let fanOut = items.length > 1;
  for (const item of items) {
    if (GLOB_CHARS.test(item)) {
      const pattern = globPattern(item);
      const matched = Object.keys(config.profiles).filter((name) => pattern.test(name));
      if (matched.length === 0) {
        throw new UsageError(`no profile matches '${item}' in ${config.source.displayPath} (profiles: ${Object.keys(config.profiles).join(', ') || 'none'})`, {
          code: 'UNKNOWN_PROFILE',
        });
      }
      if (matched.length > 1) fanOut = true;
      matched.forEach(add);
    } else if (Object.hasOwn(config.groups, item)) {
      fanOut = true;
      const members = config.groups[item]!;
      members.forEach((member, i) => {
        if (Object.hasOwn(config.profiles, member)) return;
        const where = whereOf(config.source, `groups.${item}[${i}]`);
        const guess = suggest(member, Object.keys(config.profiles));
        throw new UsageError(`${where.at}: ${where.path} names no profile: "${member}"${guess ? ` (did you mean ${guess}?)` : ''}`, {
          code: 'UNKNOWN_PROFILE',
          hint: `add a profile "${member}" to ${config.source.displayPath}, or take it out of the group ${item}`,
        });
      });
      members.forEach(add);
    } else if (Object.hasOwn(config.profiles, item)) {
      add(item);
    } else {
      throw unknownProfile(config, item);
    }
  }
  return { names, fanOut };
}
