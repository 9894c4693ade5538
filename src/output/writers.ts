/**
 * The one switch from --format to a writer. Writers print engine-neutral Results and see values only through
 * the result's codec; settings come in here, nothing is global.
 */
import { markPartial, UsageError } from '../errors.js';
import { styles } from '../text/color.js';
import { CSV, DelimitedWriter, TSV } from './delimited-writer.js';
import { JsonWriter } from './json-writer.js';
import { NdjsonWriter } from './ndjson-writer.js';
import { OutputStream } from './output-stream.js';
import { ObjectTagger, tagForText } from './profile-tag.js';
import { RawWriter } from './raw-writer.js';
import { StatusLines } from './status.js';
import { TableWriter } from './table-writer.js';
import type { Result } from '../engines/engine.js';
import { FORMATS, type FormatName, type FormatWriter, type OutputSettings, type ResultWriter, type WriteContext, type WriterIo } from './writer-types.js';

export { FORMATS, type FormatName, type OutputSettings, type ResultWriter } from './writer-types.js';

export function createWriter(settings: OutputSettings, out: NodeJS.WritableStream, err: NodeJS.WritableStream): ResultWriter {
  const stream = new OutputStream(out);
  const { tag } = settings;
  const json = settings.format === 'json' || settings.format === 'ndjson';
  const io: WriterIo = {
    out: stream,
    status: new StatusLines(err, stream, settings.quiet, tag === undefined ? '' : `${tag}: `),
    // the caller has decided on colour (src/text/color.ts); bold headers are all the writers use of it
    bold: styles(settings.color).bold,
    tagger: tag !== undefined && json ? new ObjectTagger(tag) : undefined,
  };
  const writer = forFormat(settings.format, io);
  // the text formats print a tagged result as rows with a profile column; the JSON writers tag as they write
  const split = settings.format === 'csv' || settings.format === 'tsv';
  const tagged = tag === undefined || json ? (r: Result) => r : (r: Result) => tagForText(r, tag, split);
  const writeAsync = async (untagged: Result, ctx: WriteContext): Promise<number> => {
      const result = tagged(untagged);
      // what had been pushed when the result being written began: one that fails after more was pushed is partial
      // (an error that comes with the next result of a statement leaves the results before it whole)
      let start = stream.pushed;
      try {
        let count = await writer.write(result, ctx);
        start = stream.pushed;
        for (let next = await following(result); next; next = await following(next)) {
          count += await writer.write(next, ctx);
          start = stream.pushed;
        }
        if (!ctx.deferFlush) await stream.flush();
        return count;
      } catch (error) {
        // the writer ended what it had started (a JSON array closed, the line ended): the error says it is partial
        if (stream.pushed > start) markPartial(error);
        // show what was rendered before the failure; the stream itself may be the thing that failed
        await stream.flush().catch(() => undefined);
        throw error;
      }
  };
  // the last value rendered: a script of SETs hands over the one shared OK result 100,000 times
  let last: { result: Result; text: string | Uint8Array | undefined } | undefined;
  return {
    write(result, ctx) {
      // a value in a pipelined batch: render and buffer it without an async round of its own
      let text: string | Uint8Array | undefined;
      if (ctx.deferFlush && result.kind === 'value' && tag === undefined) {
        if (last?.result !== result) last = { result, text: writer.valueText?.(result) };
        text = last.text;
      }
      if (text === undefined) return writeAsync(result, ctx);
      const full = stream.push(text);
      return full ? full.then(() => 1) : 1;
    },
    flush: () => stream.flush(),
  };
}

/** The next result of the same statement, if the engine chained one (`following` of a result set or status). */
function following(result: Result): Promise<Result | undefined> | undefined {
  return result.kind === 'value' ? undefined : result.following?.();
}

function forFormat(format: FormatName, io: WriterIo): FormatWriter {
  switch (format) {
    case 'table':
      return new TableWriter(io, false);
    case 'vertical':
      return new TableWriter(io, true);
    case 'json':
      return new JsonWriter(io);
    case 'ndjson':
      return new NdjsonWriter(io);
    case 'csv':
      return new DelimitedWriter(io, CSV);
    case 'tsv':
      return new DelimitedWriter(io, TSV);
    case 'raw':
      return new RawWriter(io);
    default:
      throw new UsageError(`unknown output format '${String(format)}' (expected one of: ${FORMATS.join(', ')})`, {
        code: 'BAD_FORMAT',
      });
  }
}
