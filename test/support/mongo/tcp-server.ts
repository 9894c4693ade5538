// Accepts connections and runs each request through the dispatcher, one at a time per connection.
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { dispatch } from './command-dispatcher.js';
import { CursorRegistry } from './cursor-registry.js';
import { MemoryStore } from './memory-store.js';
import { decodeRequest, encodeReply, MessageReader } from './wire-protocol.js';

export class MongoWireServer {
  private readonly store = new MemoryStore();
  private readonly cursors = new CursorRegistry();
  private readonly sockets = new Set<Socket>();
  private readonly server: Server;
  private nextConnectionId = 1;
  private nextResponseId = 1;

  constructor() {
    this.server = createServer((socket) => this.serve(socket));
  }

  /** Resolves with the bound port (a free one when `port` is 0). */
  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve((this.server.address() as AddressInfo).port);
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
          const ctx = { store: this.store, cursors: this.cursors, db: request.db, connectionId };
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
