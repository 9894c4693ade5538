/**
 * Finding and reading the config file — the one place in src/config that does I/O, and only through the
 * injected ConfigIo, so tests need no real environment.
 *
 * Lookup order (CONTRACT.md "Configuration"): --config, $DBX_CONFIG, ./dbx.yaml, $XDG_CONFIG_HOME/dbx/config.yaml
 * (default ~/.config/dbx/config.yaml), then the package's built-in config/default.yaml. A file named by --config or
 * $DBX_CONFIG must exist; the others are skipped when absent.
 *
 * Exports:
 *   loadConfig({ configPath }, io) → { config, warnings, found }   warnings are returned, never printed
 *   configCandidates({ configPath }, io) → the lookup list, in order
 *   builtinConfigPath(), userConfigPath(env, homedir)              (the latter is where `dbx init` may write)
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { homedir as osHomedir } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../errors.js';
import { parseConfigText } from './config-parse.js';
import { precompiledDefault } from './config-precompiled.js';
import { validateConfig } from './config-schema.js';
import type { DbxConfig } from './config-schema.js';
import type { Env } from './env-vars.js';
import { hasLiteralPassword } from './redact.js';

export interface ConfigIo {
  env: Env;
  cwd: string;
  /** default: os.homedir() */
  homedir?: string;
  /** like fs.readFileSync(path, 'utf8'): throws an error with code ENOENT when the file is absent */
  readFile?: (path: string) => string;
  /** the file's st_mode, or undefined where permission bits mean nothing (Windows) */
  fileMode?: (path: string) => number | undefined;
  /** default: builtinConfigPath() */
  builtinPath?: string;
}

export type ConfigReason = '--config' | '$DBX_CONFIG' | './dbx.yaml' | 'user config' | 'built-in';

export interface ConfigCandidate {
  path: string;
  reason: ConfigReason;
  /** named by the user: absence is an error */
  explicit: boolean;
}

export interface LoadedConfig {
  config: DbxConfig;
  /** one line each, for the caller to print on stderr */
  warnings: string[];
  found: ConfigCandidate;
}

/**
 * The package's config/default.yaml. Compiled code runs from dist/config/ (two levels below the root) in the
 * package, or from build/src/config/ (three levels) in the test build, so both are tried.
 */
export function builtinConfigPath(): string {
  const candidates = ['../config/default.yaml', '../../config/default.yaml', '../../../config/default.yaml'].map((rel) =>
    fileURLToPath(new URL(rel, import.meta.url)),
  );
  return candidates.find((p) => existsSync(p)) ?? candidates[0]!;
}

/** $XDG_CONFIG_HOME/dbx/config.yaml, or ~/.config/dbx/config.yaml (the XDG spec ignores a relative value). */
export function userConfigPath(env: Env, homedir: string): string {
  const xdg = env.XDG_CONFIG_HOME;
  const base = xdg !== undefined && xdg !== '' && isAbsolute(xdg) ? xdg : join(homedir, '.config');
  return join(base, 'dbx', 'config.yaml');
}

function expandPath(path: string, cwd: string, homedir: string): string {
  const home = path === '~' || path.startsWith('~/') ? join(homedir, path.slice(1)) : path;
  return resolve(cwd, home);
}

export function configCandidates(opts: { configPath?: string }, io: ConfigIo): ConfigCandidate[] {
  const homedir = io.homedir ?? osHomedir();
  const list: ConfigCandidate[] = [];
  if (opts.configPath !== undefined && opts.configPath !== '') {
    list.push({ path: expandPath(opts.configPath, io.cwd, homedir), reason: '--config', explicit: true });
  }
  const fromEnv = io.env.DBX_CONFIG;
  if (fromEnv !== undefined && fromEnv !== '') {
    list.push({ path: expandPath(fromEnv, io.cwd, homedir), reason: '$DBX_CONFIG', explicit: true });
  }
  list.push({ path: join(io.cwd, 'dbx.yaml'), reason: './dbx.yaml', explicit: false });
  list.push({ path: userConfigPath(io.env, homedir), reason: 'user config', explicit: false });
  list.push({ path: io.builtinPath ?? builtinConfigPath(), reason: 'built-in', explicit: false });
  return list;
}

function displayPathOf(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

function defaultReadFile(path: string): string {
  return readFileSync(path, 'utf8');
}

function defaultFileMode(path: string): number | undefined {
  if (process.platform === 'win32') return undefined;
  return statSync(path).mode;
}

function errorCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : undefined;
}

export function loadConfig(opts: { configPath?: string }, io: ConfigIo): LoadedConfig {
  const readFile = io.readFile ?? defaultReadFile;
  for (const candidate of configCandidates(opts, io)) {
    let text: string;
    try {
      text = readFile(candidate.path);
    } catch (e) {
      const code = errorCode(e);
      if (code === 'ENOENT' && !candidate.explicit && candidate.reason !== 'built-in') continue;
      const why = code === 'ENOENT' ? 'not found' : `cannot be read (${code ?? (e as Error).message})`;
      throw new UsageError(`config file ${candidate.path} ${why}${candidate.explicit ? ` (named by ${candidate.reason})` : ''}`, {
        code: 'CONFIG',
      });
    }
    const builtin = candidate.reason === 'built-in';
    const origin = { path: candidate.path, displayPath: displayPathOf(candidate.path, io.cwd), builtin };
    const pre = builtin ? precompiledDefault(text) : undefined;
    const config = pre ? validateConfig(pre.value, { ...origin, lines: pre.lines }) : parseConfigText(text, origin);
    return { config, warnings: builtin ? [] : permissionWarnings(config, io), found: candidate };
  }
  // Unreachable: the built-in candidate either loads or throws.
  throw new UsageError('no config file found', { code: 'CONFIG' });
}

function permissionWarnings(config: DbxConfig, io: ConfigIo): string[] {
  if (!hasLiteralPassword(config.profiles)) return [];
  let mode: number | undefined;
  try {
    mode = (io.fileMode ?? defaultFileMode)(config.source.path);
  } catch {
    return [];
  }
  if (mode === undefined || (mode & 0o077) === 0) return [];
  const octal = (mode & 0o777).toString(8).padStart(3, '0');
  return [
    `warning: ${config.source.displayPath} holds a password and other users can read it (mode ${octal}); ` +
      `run: chmod 600 ${config.source.path} (or use \${VAR} references for passwords)`,
  ];
}
