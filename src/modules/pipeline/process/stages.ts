import type { Kysely } from 'kysely';
import type { Clock } from '../../../platform/clock.ts';
import { embeddedPglite } from '../../../platform/db/database.ts';
import type { DB } from '../../../platform/db/schema.ts';
import { AppError } from '../../../platform/errors.ts';
import type { LookupIndex } from '../../constituency/index.ts';
import type { AsnTable } from '../asn/asn-expert.ts';
import { createDbDeduplicator } from '../experts/dedup-db.ts';
import { createEnricher } from '../experts/enrich.ts';
import { createOrgInfoCache } from '../experts/orgs.repository.ts';
import { compileFeedExperts, keepNew, processBatch, type ExpertsContext, type FeedExperts } from '../experts/process-batch.ts';
import { DedupConfig, FeedRules } from '../experts/rules.schemas.ts';
import { chunkStream, createParser, ParserConfigSchema, type Parser } from '../parse/index.ts';
import type { FeedRow } from '../pipeline.tables.ts';
import type { StageSchemas } from '../feeds.validate.ts';
import { createEmbeddedDeduplicator } from './dedup-embedded.ts';
import { LINE_FORMATS } from './event-rows.ts';
import type { ChunkStages } from './processor.ts';
import type { Chunker } from './store.ts';

/** The schemas the parsers and experts own, for feed validation. */
export const stageSchemas: StageSchemas = { parser: ParserConfigSchema, rules: FeedRules, dedup: DedupConfig };

type Compiled = { version: string; parser: Parser; experts: FeedExperts };

/**
 * The parsers and experts as the runtime uses them: per feed (compiled once per feed version), the
 * parser and its chunking, and the experts with the shared constituency index, the organizations
 * and the ASN table; the dedupe runs in the chunk's transaction (in memory on the embedded engine).
 */
export function createStages(deps: { db: Kysely<DB>; clock: Clock; lookup: () => Promise<LookupIndex | null>; asn?: () => Promise<AsnTable | null>; chunkBytes?: number | undefined }) {
  const compiled = new Map<string, Compiled>();
  const orgs = createOrgInfoCache({ db: deps.db, clock: deps.clock });
  // One process on the embedded engine: dedupe in memory (dedup-embedded.ts); the shared table on a server.
  const embedded = embeddedPglite(deps.db) ? createEmbeddedDeduplicator() : null;

  function compile(feed: FeedRow): Compiled {
    const version = `${feed.version}:${feed.updated_at.getTime()}`;
    const hit = compiled.get(feed.id);
    if (hit?.version === version) return hit;
    // Line formats: `raw` is the line itself, rebuilt on demand from the stored report (event-reader.ts),
    // so the parser never base64s every line into the event (a `raw` from the input itself stays).
    const parserConfig = ParserConfigSchema.parse({ ...(feed.parser as object), format: feed.format, ...(LINE_FORMATS.has(feed.format) ? { raw: false } : {}) });
    const next = { version, parser: createParser(parserConfig, { name: feed.name, provider: feed.provider ?? undefined, accuracy: feed.accuracy ?? undefined, code: feed.code ?? undefined }), experts: compileFeedExperts(FeedRules.parse(feed.rules), DedupConfig.parse(feed.dedup), feed.id) };
    compiled.set(feed.id, next);
    return next;
  }

  const chunker: Chunker = (feed, source, onErrors) => {
    const chunking = compile(feed).parser.chunking;
    return chunkStream(source, deps.chunkBytes ? { ...chunking, chunkBytes: deps.chunkBytes } : chunking, onErrors);
  };

  const stages: ChunkStages = {
    parse: (feed, header, chunk, now) => compile(feed).parser.parseChunk(chunk, { header, observedAt: now }),
    async prepare(feed): Promise<ExpertsContext> {
      const { experts } = compile(feed);
      const [index, orgMap, asn] = await Promise.all([deps.lookup(), orgs.get(), deps.asn?.() ?? null]);
      return { ...experts, enricher: index ? createEnricher(index, orgMap) : null, asn, orgs: orgMap };
    },
    async experts(feed, prepared, events, tx, now) {
      const ctx = prepared as ExpertsContext;
      const experts = compile(feed).experts;
      const batch = processBatch({ events, errors: [] }, ctx);
      const keys = batch.events.map((e) => e.dedupKey);
      const isNew = embedded
        ? await embedded.check(tx, feed.id, experts.dedupWindowMs, keys, now)
        : await createDbDeduplicator({ db: deps.db, windowMs: experts.dedupWindowMs }).check(keys, now, tx);
      const kept = keepNew(batch, isNew, ctx);
      return { events: kept.events, intents: kept.intents, errors: [] };
    },
    rolledBack(feed) {
      embedded?.forget(feed.id);
    },
  };

  /** Refuses a report whose header the feed's parser cannot use (before its chunks are queued). */
  function checkHeader(feed: FeedRow, header: string | null): void {
    const problem = compile(feed).parser.checkHeader(header);
    if (problem) throw new AppError(problem.code, problem.message, 422, { hint: problem.hint });
  }

  return { chunker, stages, checkHeader };
}
