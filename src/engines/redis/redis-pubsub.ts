/**
 * SUBSCRIBE / PSUBSCRIBE / SSUBSCRIBE / MONITOR: the connection is handed over to a stream of messages that
 * ends when the connection does (Ctrl-C or --timeout cancel it).
 */
import type { DbxError } from '../../errors.js';
import type { RowsResult } from '../engine.js';
import { redisCodec } from './redis-reply-codec.js';
import type { RespConnection } from './resp-connection.js';
import { Push, ReplyError, SimpleString, replyItems, replyText, type Arg, type Reply } from './resp-types.js';

export const STREAMING_COMMANDS = new Set(['subscribe', 'psubscribe', 'ssubscribe', 'monitor']);

export function messageStream(conn: RespConnection, args: readonly Arg[], fail: (e: ReplyError) => Promise<Error>): RowsResult {
  const monitor = (typeof args[0] === 'string' ? args[0] : args[0]!.toString()).toLowerCase() === 'monitor';
  const queue: Reply[] = [];
  let closed: DbxError | undefined;
  let wake: (() => void) | undefined;
  conn.onUnsolicited = (r) => {
    queue.push(r);
    wake?.();
  };
  conn.onClose = (reason) => {
    closed = reason;
    wake?.();
  };
  conn.sendUnanswered(args);

  async function* rows(): AsyncGenerator<Record<string, unknown>> {
    for (;;) {
      const r = queue.shift();
      if (r === undefined) {
        if (closed) {
          // cancelled by the user (Ctrl-C / --timeout) is how a subscription normally ends
          if (closed.code === 'CANCELLED' || closed.code === 'TIMEOUT') throw closed;
          return;
        }
        await new Promise<void>((resolve) => { wake = resolve; });
        wake = undefined;
        continue;
      }
      if (r instanceof ReplyError) throw await fail(r);
      if (monitor) {
        // the first reply is MONITOR's own +OK
        if (r instanceof SimpleString && r.value !== 'OK') yield { line: r };
        continue;
      }
      const items = r instanceof Push || Array.isArray(r) ? replyItems(r) : [r];
      const type = replyText(items[0] ?? null);
      if (type === 'pmessage') yield { type, pattern: items[1], channel: items[2], message: items[3] };
      else yield { type, pattern: null, channel: items[1], message: items[2] };
    }
  }
  return {
    kind: 'rows',
    columns: monitor ? ['line'] : ['type', 'pattern', 'channel', 'message'],
    rows: rows(),
    codec: redisCodec,
    live: true,
  };
}
