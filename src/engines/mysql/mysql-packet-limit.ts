/**
 * A statement over the server's max_allowed_packet: the server answers ER_NET_PACKET_TOO_LARGE and closes the
 * connection while dbx is still writing, and whether that answer or the reset reaches dbx first is a race (the mysql
 * client then says "server has gone away"). From 1 MB on, the engine asks the server its limit (once a connection)
 * and, over it, reports the server's error without sending the statement.
 */
import type { DbxError } from '../../errors.js';

/** statements from this size on are checked against the server's max_allowed_packet before they are sent */
const CHECK_FROM = 1024 * 1024;

export class PacketLimit {
  /** the server's max_allowed_packet, asked for the first statement of 1 MB or more on the connection */
  private limit?: number;

  /** `ask`: the server's max_allowed_packet, on the user's connection */
  constructor(private readonly ask: () => Promise<number>) {}

  /** a new connection: its limit is asked again (SET GLOBAL may have changed it) */
  reset(): void {
    this.limit = undefined;
  }

  /** throws the server's ER_NET_PACKET_TOO_LARGE, through `wrap`, for a statement the server would refuse */
  async check(sql: string, wrap: (e: unknown) => DbxError): Promise<void> {
    if (sql.length * 3 < CHECK_FROM) return;
    const bytes = Buffer.byteLength(sql);
    if (bytes < CHECK_FROM) return;
    this.limit ??= await this.ask();
    if (bytes + 1 <= this.limit) return;
    const e = wrap({ errno: 1153, code: 'ER_NET_PACKET_TOO_LARGE', sqlState: '08S01', sqlMessage: "Got a packet bigger than 'max_allowed_packet' bytes" });
    e.hint = `the statement is ${bytes} bytes and the server's max_allowed_packet is ${this.limit}: dbx did not send it (SET GLOBAL max_allowed_packet raises the limit for new connections)`;
    throw e;
  }
}
