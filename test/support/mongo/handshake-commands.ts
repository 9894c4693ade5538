// Connection-level commands: the handshake and the server's identity. maxWireVersion 21 is MongoDB 7.0.
// hello carries no topologyVersion on purpose: with it, drivers switch to streaming (awaitable) hello.
import { ObjectId, type Document } from 'bson';
import type { CommandContext, CommandHandler } from './command-types.js';
import { CommandError } from './server-errors.js';

export const SERVER_VERSION = '7.0.0';

function hello(legacy: boolean): CommandHandler {
  return (cmd: Document, ctx: CommandContext) => ({
    ...(cmd.helloOk === true ? { helloOk: true } : {}),
    [legacy ? 'ismaster' : 'isWritablePrimary']: true,
    maxBsonObjectSize: 16 * 1024 * 1024,
    maxMessageSizeBytes: 48_000_000,
    maxWriteBatchSize: 100_000,
    localTime: new Date(),
    logicalSessionTimeoutMinutes: 30,
    connectionId: ctx.connectionId,
    minWireVersion: 0,
    maxWireVersion: 21,
    readOnly: false,
    ...(ctx.replicaSet ? replicaSetFields(ctx.replicaSet) : {}),
    ok: 1,
  });
}

/** What the primary of a one-member set adds to hello, as mongod 7 does. */
function replicaSetFields(set: { name: string; me: string }): Document {
  return {
    hosts: [set.me], setName: set.name, setVersion: 1, secondary: false, primary: set.me, me: set.me,
    electionId: ELECTION_ID, lastWrite: { lastWriteDate: new Date() },
  };
}

const ELECTION_ID = new ObjectId('7fffffff0000000000000001');

function noTransactions(): never {
  throw new CommandError(20, 'Transaction numbers are only allowed on a replica set member or mongos');
}

const PARAMETERS: Document = {
  featureCompatibilityVersion: { version: '7.0' },
  authenticationMechanisms: ['SCRAM-SHA-1', 'SCRAM-SHA-256'],
};

function getParameter(cmd: Document): Document {
  const reply: Document = {};
  const all = cmd.getParameter === '*';
  for (const name of Object.keys(PARAMETERS)) if (all || name in cmd) reply[name] = PARAMETERS[name];
  if (Object.keys(reply).length === 0) throw new CommandError(72, 'no option found to get');
  return { ...reply, ok: 1 };
}

function buildInfo(): Document {
  return {
    version: SERVER_VERSION,
    gitVersion: 'mongo-test-server',
    modules: [],
    sysInfo: 'deprecated',
    versionArray: [7, 0, 0, 0],
    bits: 64,
    debug: false,
    maxBsonObjectSize: 16 * 1024 * 1024,
    ok: 1,
  };
}

export const handshakeCommands: Record<string, CommandHandler> = {
  hello: hello(false),
  isMaster: hello(true),
  ismaster: hello(true),
  ping: () => ({ ok: 1 }),
  buildInfo,
  buildinfo: buildInfo,
  getParameter,
  endSessions: () => ({ ok: 1 }),
  commitTransaction: (cmd, ctx) => (ctx.transactions ? ctx.transactions.commit(cmd, ctx) : noTransactions()),
  abortTransaction: (cmd, ctx) => (ctx.transactions ? ctx.transactions.abort(cmd) : noTransactions()),
  connectionStatus: () => ({ authInfo: { authenticatedUsers: [], authenticatedUserRoles: [] }, ok: 1 }),
};
