import type { Kysely } from 'kysely';
import type { Clock } from '../../../platform/clock.ts';
import { embeddedPglite } from '../../../platform/db/database.ts';
import type { DB } from '../../../platform/db/schema.ts';
import { AppError } from '../../../platform/errors.ts';
import type { LookupIndex } from '../../../platform/lookup-index/index.ts';
import type { AsnTable } from '../asn/asn-expert.ts';
import { createDbDeduplicator } from '../experts/dedup-db.ts';
import { createEnricher } from '../experts/enrich.ts';
import { collectIntents } from '../experts/incident-rules.ts';
import { createOrgInfoCache } from '../experts/orgs.repository.ts';
import { keepNew, processBatch, type ExpertsContext } from '../experts/process-batch.ts';
import { DedupConfig, FeedRules } from '../experts/rules.schemas.ts';
import { chunkStream, ParserConfigSchema } from '../parse/index.ts';
import type { FeedRow } from '../pipeline.tables.ts';
import type { StageSchemas } from '../feeds.validate.ts';
import { createChunkPool, type ChunkPool } from './chunk-pool.ts';
import { feedVersion, type ChunkWork, type CompiledFeed } from './chunk-work.ts';
import { compileFeed } from './feed-compile.ts';
import { keepRows } from '../../../platform/db/copy-binary.ts';
import { createEmbeddedDeduplicator } from './dedup-embedded.ts';
import { eventSink } from './events-sink.ts';
import type { ChunkStages } from './processor.ts';
import type { Chunker } from './store.ts';

/** The schemas the parsers and experts own, for feed validation. */
export const stageSchemas: StageSchemas = { parser: ParserConfigSchema, rules: FeedRules, dedup: DedupConfig };

/** What `prepare` gives a chunk: the feed's experts over the shared context (and the index, for the pool). */
type Prepared = ExpertsContext & { index: LookupIndex | null };

/**
 * The parsers and experts as the runtime uses them: per feed (compiled once per feed version), the
 * parser and its chunking, and the experts with the shared constituency index, the organizations
 * and the ASN table; the dedupe runs in the chunk's transaction (in memory on the embedded engine).
 * With `parseThreads` > 0, parse + experts + encoding run in worker threads (`offload`,
 * chunk-pool.ts) while the main thread stores the previous chunk, on either engine.
 */
export function createStages(deps: { db: Kysely<DB>; clock: Clock; lookup: () => Promise<LookupIndex | null>; asn?: () => Promise<AsnTable | null>; chunkBytes?: number | undefined; parseThreads?: number | undefined }) {
  const compiled = new Map<string, CompiledFeed>();
  const orgs = createOrgInfoCache({ db: deps.db, clock: deps.clock });
  // One process on the embedded engine: dedupe in memory (dedup-embedded.ts); the shared table on a server.
  const pglite = embeddedPglite(deps.db);
  const embedded = pglite ? createEmbeddedDeduplicator() : null;
  const pool = (deps.parseThreads ?? 0) > 0 ? createChunkPool(deps.parseThreads!) : null;
  /** Which of `keys` are new, in the chunk's transaction `tx`. */
  const isNewKeys = (tx: Kysely<DB>, feed: FeedRow, windowMs: number, keys: string[], now: Date): Promise<boolean[]> =>
    embedded ? embedded.check(tx, feed.id, windowMs, keys, now) : createDbDeduplicator({ db: deps.db, windowMs }).check(keys, now, tx);

  function compile(feed: FeedRow): CompiledFeed {
    const hit = compiled.get(feed.id);
    if (hit?.version === feedVersion(feed)) return hit;
    const next = compileFeed(feed);
    compiled.set(feed.id, next);
    return next;
  }

  const chunker: Chunker = (feed, source, onErrors, buffers) => {
    const chunking = compile(feed).parser.chunking;
    return chunkStream(source, { ...chunking, ...(deps.chunkBytes ? { chunkBytes: deps.chunkBytes } : {}), buffers }, onErrors);
  };

  const stages: ChunkStages = {
    parse: (feed, header, chunk, now) => compile(feed).parser.parseChunk(chunk, { header, observedAt: now }),
    async prepare(feed): Promise<Prepared> {
      const { experts } = compile(feed);
      const [index, orgMap, asn] = await Promise.all([deps.lookup(), orgs.get(), deps.asn?.() ?? null]);
      // The enricher only when this thread enriches (no pool); the pool's workers build their own.
      return { ...experts, enricher: index && !pool ? createEnricher(index, orgMap) : null, asn, orgs: orgMap, index };
    },
    async experts(feed, prepared, events, tx, now) {
      const ctx = prepared as ExpertsContext;
      const experts = compile(feed).experts;
      const batch = processBatch({ events, errors: [] }, ctx);
      const keys = batch.events.map((e) => e.dedupKey);
      const isNew = await isNewKeys(tx, feed, experts.dedupWindowMs, keys, now);
      const kept = keepNew(batch, isNew, ctx);
      return { events: kept.events, intents: kept.intents, errors: [] };
    },
    offload: pool ? offload(pool) : undefined,
    committed(feed) {
      embedded?.committed(feed.id);
    },
    rolledBack(feed) {
      embedded?.rolledBack(feed.id);
    },
  };

  /** The chunk's CPU work in a worker thread; dedupe, COPY of the kept rows and intents here, in the chunk's transaction. */
  function offload(p: ChunkPool): NonNullable<ChunkStages['offload']> {
    return {
      depth: p.threads + 1,
      submit: (feed, prepared, header, chunk, reportId, now) => {
        const ctx = prepared as Prepared;
        return p.run({ feed, config: compile(feed).config, header, chunk, reportId, nowMs: now.getTime(), encode: true }, { index: ctx.index, orgs: ctx.orgs, asn: ctx.asn });
      },
      async store(tx, feed, prepared, result, now) {
        const ctx = prepared as Prepared;
        const work = result as ChunkWork;
        const isNew = await isNewKeys(tx, feed, ctx.dedupWindowMs, work.keys, now);
        let kept = 0;
        for (const k of isNew) if (k) kept++;
        if (kept > 0) await eventSink(tx, pglite)(keepRows(work.stream!, work.offsets!, isNew));
        const candidates = work.candidates.filter((c) => isNew[c.at] === true).map((c) => c.event);
        const intents = candidates.length ? collectIntents(ctx.incidentRules, candidates, ctx.orgs) : [];
        return { stored: kept, intents, errors: work.errors };
      },
    };
  }

  /** Refuses a report whose header the feed's parser cannot use (before its chunks are queued). */
  function checkHeader(feed: FeedRow, header: string | null): void {
    const problem = compile(feed).parser.checkHeader(header);
    if (problem) throw new AppError(problem.code, problem.message, 422, { hint: problem.hint });
  }

  /** Starts the parse threads with the current constituency (else the first chunk waits for them). */
  async function warm(): Promise<void> {
    if (!pool) return;
    const [index, orgMap, asn] = await Promise.all([deps.lookup(), orgs.get(), deps.asn?.() ?? null]);
    await pool.warm({ index, orgs: orgMap, asn });
  }

  return { chunker, stages, checkHeader, warm, close: async () => pool?.close() };
}
