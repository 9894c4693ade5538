/**
 * --connect-timeout, for every engine alike: connect() gives up after the time limit with exit 3, whatever step it
 * is in (DNS, TCP, TLS, the handshake, the login, a cluster's or replica set's discovery) and however each driver
 * counts its own timeouts. Time spent at a password prompt is not counted: a person typing is not a slow server.
 */
import type { Engine } from '../engines/engine.js';
import { ConnectError } from '../errors.js';

/**
 * The engines get the same limit for their own timeouts, which know more (a TLS handshake that never ended, a
 * replica set member that did not answer): they are given this long to say so before the bound speaks.
 */
const GRACE_MS = 250;

export class ConnectBound {
  private timer?: NodeJS.Timeout;
  private expire?: () => void;

  constructor(readonly ms: number) {}

  /** Runs a password prompt with the clock stopped; it starts again, from the full limit, when the prompt ends. */
  async paused<T>(prompt: () => Promise<T>): Promise<T> {
    this.stop();
    try {
      return await prompt();
    } finally {
      if (this.expire) this.start(this.expire);
    }
  }

  /** Makes engine.connect() (also when the engine calls it itself, to reconnect) give up after the limit. */
  bind(engine: Engine): void {
    const connect = engine.connect.bind(engine);
    engine.connect = () => this.bounded(engine, connect);
  }

  private bounded(engine: Engine, connect: () => Promise<void>): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let done = false;
      this.start(() => {
        done = true;
        this.expire = undefined;
        // whatever the driver still has open is closed, now and once its own attempt ends
        engine.close().catch(() => {});
        reject(
          new ConnectError(`cannot connect to ${engine.endpoint}: no answer within ${this.ms} ms`, {
            code: 'ETIMEDOUT',
            engine: engine.name,
            endpoint: engine.endpoint,
            hint: 'check the host, the port and any firewall; --connect-timeout MS (or the profile\'s connectTimeout) waits longer',
          }),
        );
      });
      connect().then(
        () => {
          if (done) return void engine.close().catch(() => {});
          this.finish();
          resolve();
        },
        (e: unknown) => {
          if (done) return;
          this.finish();
          reject(e);
        },
      );
    });
  }

  private start(expire: () => void): void {
    this.expire = expire;
    this.timer = setTimeout(expire, this.ms + GRACE_MS);
  }

  private stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private finish(): void {
    this.stop();
    this.expire = undefined;
  }
}
