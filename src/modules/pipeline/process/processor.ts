import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Clock } from '../../../platform/clock.ts';
import { embeddedPglite } from '../../../platform/db/database.ts';
import type { DB } from '../../../platform/db/schema.ts';
import type { Logger } from '../../../platform/logger.ts';
import type { FeedRow } from '../pipeline.tables.ts';
import type { IncidentIntent, LineError, ParsedChunk, ParsedEvent, ProcessedEvent, RawChunk } from '../pipeline.types.ts';
import { feedStamp } from './event-rows.ts';
import { insertEvents } from './events.repository.ts';
import type { ClaimedChunk, QueueRepository } from './queue.repository.ts';

/** The stages a chunk goes through, supplied by the parsers and the experts. */
export type ChunkStages = {
  /** Parses one chunk of a report (`header`: the report's header line, if the chunker withheld one). */
  parse(feed: FeedRow, header: string | null, chunk: RawChunk, now: Date): ParsedChunk;
  /**
   * What the experts read besides the chunk (lookup index, organizations, ASN table), loaded before
   * the chunk's transaction opens: the embedded engine has one connection, which the transaction holds.
   */
  prepare(feed: FeedRow): Promise<unknown>;
  /** Rules, enrichment and deduplication of the chunk's events, inside the chunk's transaction. */
  experts(feed: FeedRow, prepared: unknown, events: ParsedEvent[], tx: Kysely<DB>, now: Date): Promise<{ events: ProcessedEvent[]; intents: IncidentIntent[]; errors: LineError[] }>;
  /**
   * Parse + experts of a chunk in a worker thread, ahead of its transaction (the parse threads'
   * pool): `submit` starts it, `store` dedupes and stores the result inside the chunk's transaction.
   * `depth`: chunks in flight (the one being stored and those being parsed meanwhile).
   */
  offload?: {
    depth: number;
    submit(feed: FeedRow, prepared: unknown, header: string | null, chunk: RawChunk, reportId: string, now: Date): Promise<unknown>;
    store(tx: Kysely<DB>, feed: FeedRow, prepared: unknown, work: unknown, now: Date): Promise<{ stored: number; intents: IncidentIntent[]; errors: LineError[] }>;
  };
  /** The chunk's transaction committed: the experts may record what they checked (dedup keys). */
  committed?(feed: FeedRow): void;
  /** The chunk's transaction did not commit: forget what the experts checked of it (dedup keys). */
  rolledBack?(feed: FeedRow): void;
};

/** Opens or updates the incidents that auto-incident rules asked for, inside the chunk's transaction. */
export type IntentSink = (tx: Kysely<DB>, feed: FeedRow, intents: readonly IncidentIntent[], now: Date) => Promise<void>;

export type ProcessorOptions = {
  leaseMs?: number;
  maxAttempts?: number;
  /** Delay before the next attempt after `attempt` failed. */
  backoffMs?: (attempt: number) => number;
  workerId?: string;
};

export type ChunkOutcome = 'done' | 'failed' | 'lost';

/** A claimed chunk whose parse runs in the pool. */
type Ahead = { c: ClaimedChunk; feed: FeedRow; prepared: unknown; now: Date; work: Promise<unknown> };

const defaultBackoff = (attempt: number) => Math.min(3600_000, 5000 * 2 ** Math.max(0, attempt - 1));

/**
 * The chunk processor: claims chunks (SKIP LOCKED, under a lease) and processes each in ONE
 * transaction: parse -> experts (incl. DB dedupe) -> bulk insert events -> feed errors ->
 * auto-incidents -> chunk done. A crash at any point rolls the whole chunk back; its lease runs
 * out and another attempt stores its events, so each event is stored exactly once.
 */
export function createChunkProcessor(deps: { db: Kysely<DB>; queue: QueueRepository; stages: ChunkStages; intents: IntentSink; clock: Clock; log: Logger; options?: ProcessorOptions }) {
  const { db, queue, stages, clock, log } = deps;
  const leaseMs = deps.options?.leaseMs ?? 5 * 60_000;
  const maxAttempts = deps.options?.maxAttempts ?? 5;
  const backoff = deps.options?.backoffMs ?? defaultBackoff;
  const worker = deps.options?.workerId ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  let lastReclaim = 0;
  // Embedded engine: the chunk's bytes are read and its events COPYed through the engine's only session.
  const pglite = embeddedPglite(db);

  async function run(tx: Kysely<DB>, c: ClaimedChunk, feed: FeedRow, prepared: unknown): Promise<ChunkOutcome> {
    const owned = await queue.lockOwned(tx, c.id, worker, pglite);
    if (!owned) return 'lost';
    const report = await tx.selectFrom('feed_reports').select(['header']).where('id', '=', c.report_id).executeTakeFirstOrThrow();
    const now = clock.now();
    const parsed = stages.parse(feed, report.header, { seq: c.seq, firstLine: c.first_line, lineCount: c.line_count, data: owned.data }, now);
    const out = await stages.experts(feed, prepared, parsed.events, tx, now);
    await insertEvents(tx, pglite, out.events, { feedId: feed.id, reportId: c.report_id, feed: feedStamp(feed), now });
    return finish(tx, c, feed, out.events.length, [...parsed.errors, ...out.errors], out.intents, now);
  }

  /** A chunk parsed ahead (offload): dedupe + COPY of what it keeps, then the chunk's bookkeeping. */
  async function runAhead(tx: Kysely<DB>, a: Ahead, work: unknown): Promise<ChunkOutcome> {
    if (!(await queue.lockIfOwned(tx, a.c.id, worker))) return 'lost';
    const out = await stages.offload!.store(tx, a.feed, a.prepared, work, a.now);
    return finish(tx, a.c, a.feed, out.stored, out.errors, out.intents, a.now);
  }

  /** Errors, auto-incidents and counters of a chunk whose events are stored; the chunk is done. */
  async function finish(tx: Kysely<DB>, c: ClaimedChunk, feed: FeedRow, stored: number, errors: LineError[], intents: IncidentIntent[], now: Date): Promise<ChunkOutcome> {
    if (errors.length) {
      await tx.insertInto('feed_errors').values(errors.map((e) => ({ feed_id: feed.id, report_id: c.report_id, line: e.line, code: e.code, field: e.field ?? null, message: e.message.slice(0, 2000), excerpt: e.excerpt.slice(0, 200), created_at: now }))).execute();
    }
    if (intents.length) await deps.intents(tx, feed, intents, now);
    await queue.markDone(tx, c.id, stored, errors.length, now);
    const report2 = await queue.addToReport(tx, c.report_id, stored, errors.length, now);
    await queue.addFeedCounts(tx, feed.id, stored, errors.length);
    if (report2.finished && report2.storedAt) {
      const seconds = Math.max(0.001, (now.getTime() - report2.storedAt.getTime()) / 1000);
      await queue.setFeedRate(tx, feed.id, Math.round(report2.events / seconds));
    }
    return 'done';
  }

  async function fail(c: ClaimedChunk, err: unknown): Promise<void> {
    const dead = c.attempts >= maxAttempts;
    log.error({ err, chunkId: c.id, reportId: c.report_id, attempt: c.attempts, dead }, 'chunk failed');
    const message = err instanceof Error ? err.message : String(err);
    await queue.markFailed(db, c.id, worker, message, dead, new Date(clock.now().getTime() + backoff(c.attempts)));
  }

  /** Processes one claimed chunk; failures are recorded (retry with backoff, then dead letter). */
  async function processChunk(c: ClaimedChunk): Promise<ChunkOutcome> {
    let feed: FeedRow | undefined;
    try {
      feed = await db.selectFrom('feeds').selectAll().where('id', '=', c.feed_id).executeTakeFirst();
      if (!feed) return 'lost'; // deleted with its chunks
      const prepared = await stages.prepare(feed);
      const f = feed;
      const outcome = await db.transaction().execute((tx) => run(tx, c, f, prepared));
      stages.committed?.(f);
      return outcome;
    } catch (err) {
      if (feed) stages.rolledBack?.(feed);
      await fail(c, err);
      return 'failed';
    }
  }

  /** Starts a claimed chunk's parse in the pool (its bytes read outside any transaction); null when it is gone. */
  async function ahead(c: ClaimedChunk): Promise<Ahead | null> {
    try {
      const feed = await db.selectFrom('feeds').selectAll().where('id', '=', c.feed_id).executeTakeFirst();
      if (!feed) return null; // deleted with its chunks
      const prepared = await stages.prepare(feed);
      const read = await queue.readClaimed(db, c.id, c.report_id, pglite);
      if (!read) throw new Error(`chunk ${c.id} or its report is gone`);
      const now = clock.now();
      const work = stages.offload!.submit(feed, prepared, read.header, { seq: c.seq, firstLine: c.first_line, lineCount: c.line_count, data: read.data }, c.report_id, now);
      work.catch(() => undefined); // awaited (and its failure recorded) by storeAhead
      return { c, feed, prepared, now, work };
    } catch (err) {
      await fail(c, err);
      return null;
    }
  }

  /** Stores a chunk parsed ahead, in its transaction; failures are recorded like processChunk's. */
  async function storeAhead(a: Ahead): Promise<ChunkOutcome> {
    try {
      const work = await a.work;
      const outcome = await db.transaction().execute((tx) => runAhead(tx, a, work));
      stages.committed?.(a.feed);
      return outcome;
    } catch (err) {
      stages.rolledBack?.(a.feed);
      await fail(a.c, err);
      return 'failed';
    }
  }

  /** Up to `max` chunks, each parsed in the pool while the previous one is stored. */
  async function pipelined(max: number): Promise<number> {
    const inflight: (Ahead | null)[] = [];
    let n = 0;
    for (;;) {
      while (inflight.length < stages.offload!.depth && n < max) {
        const c = await claimOne();
        if (!c) break;
        n++;
        inflight.push(await ahead(c));
      }
      if (inflight.length === 0) return n;
      const a = inflight.shift();
      if (a) await storeAhead(a);
    }
  }

  async function claimOne(): Promise<ClaimedChunk | undefined> {
    const now = clock.now();
    if (now.getTime() - lastReclaim > Math.min(leaseMs, 10_000)) {
      lastReclaim = now.getTime();
      const n = await queue.reclaimExpired(db, now, maxAttempts);
      if (n) log.warn({ chunks: n }, 'chunks whose lease ran out were requeued');
    }
    return (await queue.claim(db, worker, now, new Date(now.getTime() + leaseMs), 1))[0];
  }

  return {
    workerId: worker,
    processChunk,
    /** Claims and processes one chunk; false when none is due. */
    async processOne(): Promise<boolean> {
      if (stages.offload) return (await pipelined(1)) > 0;
      const c = await claimOne();
      if (!c) return false;
      await processChunk(c);
      return true;
    },
    /** Processes due chunks until none is left (or `max` were taken); returns how many were taken. */
    async processPending(max = Number.POSITIVE_INFINITY): Promise<number> {
      if (stages.offload) return pipelined(max);
      let n = 0;
      while (n < max) {
        const c = await claimOne();
        if (!c) break;
        await processChunk(c);
        n++;
      }
      return n;
    },
  };
}

export type ChunkProcessor = ReturnType<typeof createChunkProcessor>;
