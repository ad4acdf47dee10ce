import type { FeedIdentity, ParsedChunk, RawChunk } from '../pipeline.types.ts';
import { LineChunker, type ChunkerOptions } from './chunker.ts';
import type { ParserConfigInput } from './config.schema.ts';
import { createParser } from './parser.ts';

/** Test support: when the tests say events are observed. */
export const OBSERVED = new Date('2024-06-01T00:00:00Z');

/** Test support: a feed identity. */
export const FEED: FeedIdentity = { name: 'test-feed', provider: 'Test Provider' };

/** Test support: chunks a whole input in pieces of `pieceBytes`. */
export function chunkAll(input: Uint8Array | string, opts: ChunkerOptions = {}, pieceBytes = 64 * 1024) {
  const bytes = typeof input === 'string' ? Buffer.from(input) : input;
  const chunker = new LineChunker(opts);
  const chunks: RawChunk[] = [];
  for (let i = 0; i < bytes.length; i += pieceBytes) chunks.push(...chunker.push(bytes.subarray(i, i + pieceBytes)));
  chunks.push(...chunker.end());
  return { chunks, errors: chunker.takeErrors(), summary: chunker.summary() };
}

/** Test support: parses a whole input with a parser config (chunked as the parser asks). */
export function parseAll(config: ParserConfigInput, input: Uint8Array | string, opts: ChunkerOptions = {}): ParsedChunk {
  const parser = createParser(config, FEED);
  const { chunks, errors, summary } = chunkAll(input, { ...parser.chunking, ...opts });
  const out: ParsedChunk = { events: [], errors: [...errors] };
  for (const c of chunks) {
    const r = parser.parseChunk(c, { header: summary.header, observedAt: OBSERVED });
    out.events.push(...r.events);
    out.errors.push(...r.errors);
  }
  return out;
}
