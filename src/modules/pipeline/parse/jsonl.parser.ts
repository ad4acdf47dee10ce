import type { FeedIdentity, LineError, ParsedChunk, ParsedEvent, RawChunk } from '../pipeline.types.ts';
import type { IntelmqConfig, JsonlConfig } from './config.schema.ts';
import { EventFactory, fieldError, lineError } from './event.ts';
import { compileMapping, eventFromRecord, type CompiledSpec } from './json-record.ts';
import { chunkBuffer, forEachLine } from './lines.ts';
import type { ParseContext, Parser } from './parser.types.ts';

/**
 * JSON Lines: one object per line, with a field mapping (dotted paths into the object) and/or
 * IntelMQ field names taken as they are. The `intelmq` format is this parser with no mapping:
 * flat dotted keys or nested objects, as IntelMQ's file output and Vigil's export write them.
 */
export class JsonlParser implements Parser {
  readonly format: 'jsonl' | 'intelmq';
  readonly #config: JsonlConfig | IntelmqConfig;
  readonly #events: EventFactory;
  readonly #specs: CompiledSpec[];
  readonly #unmapped: 'ignore' | 'extra' | 'fields';

  constructor(config: JsonlConfig | IntelmqConfig, feed: FeedIdentity) {
    this.format = config.format;
    this.#config = config;
    this.#events = new EventFactory(config, feed);
    this.#specs = config.format === 'jsonl' ? compileMapping(config.mapping) : [];
    this.#unmapped = config.format === 'jsonl' ? config.unmapped : 'fields';
  }

  get chunking() {
    return { maxLineBytes: this.#config.maxLineBytes };
  }

  checkHeader(): null {
    return null;
  }

  /** Parses a chunk of JSON lines; a line that is not a JSON object is a `json.invalid` error. */
  parseChunk(chunk: RawChunk, ctx: ParseContext): ParsedChunk {
    const events: ParsedEvent[] = [];
    const errors: LineError[] = [];
    this.#events.begin(ctx.observedAt);
    const buf = chunkBuffer(chunk);
    forEachLine(buf, chunk.firstLine, this.#config.encoding, (text, line, start, end) => {
      let record: unknown;
      try {
        record = JSON.parse(text);
      } catch (e) {
        errors.push(lineError(line, text, 'json.invalid', `Line ${line} is not valid JSON (${(e as Error).message}; a cut line?)`));
        return;
      }
      if (typeof record !== 'object' || record === null || Array.isArray(record)) {
        errors.push(lineError(line, text, 'json.not_object', `Line ${line} is not a JSON object`));
        return;
      }
      const r = eventFromRecord(record as Record<string, unknown>, this.#specs, this.#unmapped, this.#events);
      if (!r.ok) {
        errors.push(fieldError(line, text, r.problem.field, r.problem));
        return;
      }
      const ev = r.event;
      const done = this.#events.finish(ev, this.#events.keepRaw ? buf.toString('base64', start, end) : null);
      if (done !== null) errors.push(fieldError(line, text, done.field, done));
      else events.push({ line, event: ev });
    }, errors);
    return { events, errors };
  }
}
