// Accepts connections and runs each request through the dispatcher, one at a time per connection.
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { dispatch } from './command-dispatcher.js';
import { CursorRegistry } from './cursor-registry.js';
import { MemoryStore } from './memory-store.js';
import { Transactions } from './transactions.js';
import { decodeRequest, encodeReply, MessageReader } from './wire-protocol.js';

export class MongoWireServer {
  private readonly store = new MemoryStore();
  private readonly cursors = new CursorRegistry();
  private readonly sockets = new Set<Socket>();
  private readonly server: Server;
  private nextConnectionId = 1;
  private nextResponseId = 1;
  /** a one-member replica set (its name), else a standalone */
  private readonly replicaSet?: { name: string; me: string };
  private readonly transactions?: Transactions;

  constructor(opts: { replicaSet?: string } = {}) {
    this.server = createServer((socket) => this.serve(socket));
    if (opts.replicaSet !== undefined) {
      this.replicaSet = { name: opts.replicaSet, me: '' };
      this.transactions = new Transactions();
    }
  }

  /** Resolves with the bound port (a free one when `port` is 0). */
  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        const bound = (this.server.address() as AddressInfo).port;
        // the member names itself as clients reach it: drivers match hosts/me against the seed list
        if (this.replicaSet) this.replicaSet.me = `${host}:${bound}`;
        resolve(bound);
      });
    });
  }

  close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private serve(socket: Socket): void {
    this.sockets.add(socket);
    socket.setNoDelay(true);
    const connectionId = this.nextConnectionId++;
    const reader = new MessageReader();
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.on('data', (chunk: Buffer) => {
      try {
        for (const message of reader.push(chunk)) {
          const request = decodeRequest(message);
          const ctx = { store: this.store, cursors: this.cursors, db: request.db, connectionId, replicaSet: this.replicaSet, transactions: this.transactions };
          const reply = dispatch(request.command, ctx);
          if (request.moreToCome) continue;
          socket.cork();
          for (const part of encodeReply(request, reply, this.nextResponseId++)) socket.write(part);
          socket.uncork();
        }
      } catch (error) {
        // A malformed message leaves the stream unframed; mongod closes such a connection too.
        console.error(`mongo test server: closing connection ${connectionId}: ${(error as Error).message}`);
        socket.destroy();
      }
    });
  }
}
