/**
 * The sockets the MongoDB driver opens for one engine. The driver's close() talks to the server first (killCursors,
 * endSessions), and a connection it opens for that is not the pool's until its handshake is answered: against a
 * hung server it stays open for connectTimeoutMS whatever the pool does. Node announces every TCP client socket
 * (the `net.client.socket` diagnostics channel); those opened while the engine's own calls run (and from what they
 * started: monitors, the close's new connections) are the engine's, so that abandon() can destroy them all.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { subscribe } from 'node:diagnostics_channel';
import type { Socket } from 'node:net';

const owner = new AsyncLocalStorage<Set<Socket>>();
let listening = false;

function listen(): void {
  if (listening) return;
  listening = true;
  subscribe('net.client.socket', (message) => {
    const sockets = owner.getStore();
    if (sockets === undefined) return;
    const { socket } = message as { socket: Socket };
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
}

export class SocketTrack {
  private readonly sockets = new Set<Socket>();

  /** Runs `work`; the sockets it opens, now or later from what it started, are this track's. */
  run<T>(work: () => T): T {
    listen();
    return owner.run(this.sockets, work);
  }

  /** Destroys every socket of the track that is still open. */
  destroyAll(): void {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }
}
