import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Clock } from '../../../platform/clock.ts';
import type { DB } from '../../../platform/db/schema.ts';
import { AppError, isUniqueViolation } from '../../../platform/errors.ts';
import { ChunkBuffers, type ChunkerSummary } from '../parse/chunker.ts';
import type { FeedRow, ReportSource } from '../pipeline.tables.ts';
import type { LineError, RawChunk } from '../pipeline.types.ts';
import type { ReportsRepository } from './reports.repository.ts';

/**
 * Cuts a byte stream into chunks of whole lines while hashing it (the parsers' chunker, with the
 * options the feed's format and parser ask for); the generator returns the stream's summary.
 * Chunks given back to `buffers` are reused for the next ones.
 */
export type Chunker = (feed: FeedRow, source: AsyncIterable<Uint8Array>, onErrors: (errors: LineError[]) => void, buffers?: ChunkBuffers) => AsyncGenerator<RawChunk, ChunkerSummary>;

export type StoreInput = {
  feed: FeedRow;
  source: ReportSource;
  sourceRef: string | null;
  body: AsyncIterable<Uint8Array>;
  /** Past this many bytes the report is refused (413 `feed.report_too_large`) and nothing is kept. */
  maxBytes: number;
};

export type StoredReport = { reportId: string; duplicate: boolean; sha256: string; bytes: number; lines: number; chunks: number };

/** Stops the stream past `maxBytes`. */
async function* capped(body: AsyncIterable<Uint8Array>, maxBytes: number): AsyncIterable<Uint8Array> {
  let bytes = 0;
  for await (const piece of body) {
    bytes += piece.byteLength;
    if (bytes > maxBytes) throw new AppError('feed.report_too_large', `The report is larger than ${maxBytes} bytes`, 413, { maxBytes });
    yield piece;
  }
}

/**
 * The raw report store. A report is streamed into chunk rows as it arrives (memory: one chunk),
 * hashed on the way, and only when the last byte is stored does one transaction give it its
 * SHA-256 and release its chunks to the workers. The same content for the same feed again is the
 * existing report (`duplicate: true`). A stream that fails midway leaves nothing behind.
 */
export function createReportStore(deps: { db: Kysely<DB>; repo: ReportsRepository; clock: Clock; chunker: Chunker; checkHeader?: (feed: FeedRow, header: string | null) => void }) {
  const { db, repo, clock, chunker } = deps;

  async function receive(input: StoreInput, reportId: string): Promise<StoredReport> {
    const lineErrors: LineError[] = [];
    const buffers = new ChunkBuffers();
    const chunks = chunker(input.feed, capped(input.body, input.maxBytes), (errors) => lineErrors.push(...errors.slice(0, 10_000 - lineErrors.length)), buffers);
    let next = await chunks.next();
    while (!next.done) {
      await repo.addChunk(db, reportId, input.feed.id, next.value, clock.now());
      // Stored (the statement copied the bytes): the next chunk may reuse them.
      buffers.give(next.value.data);
      next = await chunks.next();
    }
    const sum = next.value;
    if (sum.fatal) throw new AppError(sum.fatal.code, sum.fatal.message, 413, { hint: sum.fatal.hint });
    deps.checkHeader?.(input.feed, sum.header);
    const stored = { reportId, duplicate: false, sha256: sum.sha256, bytes: sum.bytes, lines: sum.lines, chunks: sum.chunks };
    try {
      await db.transaction().execute(async (tx) => {
        await repo.release(tx, { id: reportId, feedId: input.feed.id, sha256: sum.sha256, bytes: sum.bytes, lines: sum.lines, chunks: sum.chunks, header: sum.header, now: clock.now() });
        await repo.addLineErrors(tx, input.feed.id, reportId, lineErrors, clock.now());
      });
      return stored;
    } catch (err) {
      if (!isUniqueViolation(err, 'feed_reports_sha_uq')) throw err;
      await repo.discard(db, reportId);
      const existing = await repo.findBySha(db, input.feed.id, sum.sha256);
      if (!existing) throw err;
      return { ...stored, reportId: existing.id, duplicate: true };
    }
  }

  return {
    /** Stores a report durably before anything is acknowledged; see the factory's comment. */
    async store(input: StoreInput): Promise<StoredReport> {
      const reportId = randomUUID();
      await repo.begin(db, { id: reportId, feedId: input.feed.id, source: input.source, sourceRef: input.sourceRef, now: clock.now() });
      try {
        return await receive(input, reportId);
      } catch (err) {
        await repo.discard(db, reportId).catch(() => undefined);
        throw err;
      }
    },
    queuedBytes: () => repo.queuedBytes(db),
    purgeAbandoned: (idleMs: number) => repo.purgeAbandoned(db, clock.now(), idleMs),
  };
}

export type ReportStore = ReturnType<typeof createReportStore>;
