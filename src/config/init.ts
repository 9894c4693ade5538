/**
 * The starter config that `dbx init` writes.
 *
 * Exports:
 *   starterConfig()                          the YAML text (the CONTRACT.md example, commented)
 *   writeStarterConfig(path, { force })      writes it with mode 0600, creating missing folders (0700); an existing
 *                                            file is a UsageError unless force is true. Returns the path written.
 * Where to write is the command's choice; userConfigPath() in config-file.ts gives ~/.config/dbx/config.yaml.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { UsageError } from '../errors.js';

export function starterConfig(): string {
  return `# dbx configuration — a named map of connection profiles.
# Pick one with -p NAME (or $DBX_PROFILE); without either, \`default\` is used.
# $DBX_SQL_URL, $DBX_KV_URL, $DBX_DOC_URL and --url override a profile's URL for one run.
#
# Any string may use environment variables, filled only for the profile in use:
#   \${VAR}            the variable (unset → error)
#   \${VAR:-default}   default when VAR is unset or empty
#   \${VAR-default}    default only when VAR is unset (MYSQL_PWD= then means an empty password)
#   $$                a literal $
# Keep passwords out of this file: use \${VAR} references. A literal password in a file that other users can
# read gets a warning.
default: local
profiles:
  local:                       # matches docker-compose.yml
    sql: mysql://root:\${MYSQL_PWD-qwe123}@127.0.0.1:3306/test
    kv: redis://127.0.0.1:6379/0
    doc: mongodb://127.0.0.1:27017/test
  prod:                        # an example: edit or remove it
    safety: readonly           # off (default) | confirm | readonly
    connectTimeout: 10000      # milliseconds (default 10000)
    sql: { host: db.internal, port: 3306, user: report, password: "\${PROD_DB_PASSWORD}", database: app, tls: true }
    kv: { cluster: [ "redis://10.0.0.1:7000", "redis://10.0.0.2:7000" ] }
    doc: { url: "mongodb://a,b,c/?replicaSet=rs0", database: app }
`;
}

function errorCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : undefined;
}

export function writeStarterConfig(path: string, opts: { force?: boolean } = {}): string {
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    // 'wx' fails when the file exists, without a window between a check and the write.
    writeFileSync(path, starterConfig(), { mode: 0o600, flag: opts.force ? 'w' : 'wx' });
    // writeFileSync's mode only applies to a new file; an overwritten one keeps its old bits otherwise.
    chmodSync(path, 0o600);
  } catch (e) {
    if (errorCode(e) === 'EEXIST') {
      throw new UsageError(`${path} already exists; not overwriting it`, {
        code: 'CONFIG_EXISTS',
        hint: 'remove it first, or pass --force to replace it',
      });
    }
    throw new UsageError(`cannot write ${path}: ${errorCode(e) ?? (e as Error).message}`, { code: 'CONFIG' });
  }
  return path;
}
