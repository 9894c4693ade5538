/**
 * A profile's doc entry (URL string or `{url, database, …driver options}`) → what MongoClient is built from,
 * the database to start in, and the endpoint text for messages (never with the password).
 */
import type { MongoClientOptions } from 'mongodb';
import { UsageError } from '../../errors.js';

export interface MongoTarget {
  url: string;
  options: MongoClientOptions;
  /** the database `db` is at first: the URL's path, else the entry's `database`, else 'test' (as mongosh) */
  database: string;
  endpoint: string;
  /** a user is named without a password: the engine may ask for one on a TTY */
  passwordMissing: boolean;
  user?: string;
}

/** scheme, userinfo, hosts, /database, ?options — the URL class cannot read a host list like `a,b,c` */
const URL_PARTS = /^(mongodb(?:\+srv)?:\/\/)(?:([^@/]*)@)?([^/?#]*)(?:\/([^?#]*))?(?:\?([^#]*))?$/i;

function badUrl(url: string, why: string): UsageError {
  return new UsageError(`malformed URL for doc: ${redactMongoUrl(url)} (${why})`, {
    engine: 'doc',
    code: 'BAD_URL',
    hint: 'mongodb://user:password@host:27017/database or mongodb+srv://user:password@cluster.example.net/database',
  });
}

/** The URL with its password (and its query string, which may carry other secrets) removed. */
export function redactMongoUrl(url: string): string {
  const m = URL_PARTS.exec(url.trim());
  if (!m) return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1@');
  const [, scheme, userinfo, hosts, path] = m;
  const user = userinfo === undefined ? '' : `${userinfo.split(':')[0]}@`;
  return `${scheme!.toLowerCase()}${user}${hosts}${path ? `/${path}` : ''}`;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Keys of the object form that are ours, not the driver's. */
const OWN_KEYS = new Set(['url', 'database', 'db', 'host', 'port', 'user', 'username', 'password']);

function urlOf(entry: Record<string, unknown>): string {
  if (entry.url !== undefined) return String(entry.url);
  const host = entry.host === undefined ? '127.0.0.1' : String(entry.host);
  const port = entry.port === undefined ? '' : `:${String(entry.port)}`;
  return `mongodb://${host.includes(':') && !host.startsWith('[') && !host.includes(',') ? `[${host}]` : host}${port}/`;
}

export function mongoTarget(endpoint: string | Record<string, unknown>, connectTimeoutMs: number): MongoTarget {
  const entry: Record<string, unknown> = typeof endpoint === 'string' ? { url: endpoint } : endpoint;
  const url = urlOf(entry).trim();
  const m = URL_PARTS.exec(url);
  if (!m) {
    if (!/^mongodb(\+srv)?:\/\//i.test(url)) {
      throw new UsageError(`doc URLs start with mongodb:// or mongodb+srv:// (got ${redactMongoUrl(url)})`, {
        engine: 'doc',
        code: 'BAD_URL',
        hint: 'mongodb://127.0.0.1:27017/test',
      });
    }
    throw badUrl(url, 'cannot read it');
  }
  const [, , userinfo, hosts, path] = m;
  if (!hosts) throw badUrl(url, 'no host');
  const [rawUser, ...rest] = userinfo === undefined ? [] : userinfo.split(':');
  const urlUser = rawUser ? decode(rawUser) : undefined;
  const urlHasPassword = rest.length > 0;
  const urlDb = path ? decode(path) : '';
  const database = String(entry.database ?? entry.db ?? '') || urlDb || 'test';
  // what mongod refuses in a database name (`use` checks the same): fail before connecting, as a bad URL
  const badChar = /[/\\. "$\0]/.exec(database);
  if (badChar) throw badUrl(url, `a database name cannot contain '${badChar[0] === ' ' ? 'a space' : badChar[0] === '\0' ? '\\0' : badChar[0]}'`);

  const options: MongoClientOptions = {
    // the driver waits 30 s by default; the contract gives up within the connect timeout (exit 3)
    serverSelectionTimeoutMS: connectTimeoutMs,
    connectTimeoutMS: connectTimeoutMs,
    appName: 'dbx',
    // regexes come back as stored (BSONRegExp): a pattern or option JavaScript cannot hold (the `s` option, PCRE
    // syntax) would otherwise be rewritten or fail the whole read
    bsonRegExp: true,
  };
  for (const [key, value] of Object.entries(entry)) {
    if (!OWN_KEYS.has(key)) (options as Record<string, unknown>)[key] = value;
  }
  const user = entry.user ?? entry.username;
  const objectUser = user === undefined ? undefined : String(user);
  if (objectUser !== undefined || entry.password !== undefined) {
    options.auth = {
      username: objectUser ?? urlUser,
      password: entry.password === undefined ? undefined : String(entry.password),
    };
  }
  const shownUser = objectUser ?? urlUser;
  const passwordMissing = shownUser !== undefined && !urlHasPassword && entry.password === undefined;
  const scheme = m[1]!.toLowerCase();
  return {
    url,
    options,
    database,
    endpoint: `${scheme}${shownUser ? `${encodeURIComponent(shownUser)}@` : ''}${hosts}/${database}`,
    passwordMissing,
    user: shownUser,
  };
}
