/**
 * The CPU part of a chunk, without I/O and without the database: parse -> experts (rules, ASN,
 * constituency, dedup key) -> the events encoded as binary COPY rows. It runs in a worker thread
 * (chunk.worker.ts, through chunk-pool.ts) while the main thread stores the previous chunk; the
 * main thread then dedupes the keys, COPYs the rows it keeps and marks the chunk done, in the
 * chunk's transaction (stages.ts). What crosses threads is compact: the keys, one byte stream with
 * row offsets (transferred, not copied), the line errors, and the few events an auto-incident rule
 * matches (so that intents are computed over the kept events only, as keepNew does).
 */
import type { LookupIndex } from '../../constituency/index.ts';
import type { AsnTable } from '../asn/asn-expert.ts';
import { createEnricher } from '../experts/enrich.ts';
import { compileFeedExperts, processBatch, type ExpertsContext, type FeedExperts } from '../experts/process-batch.ts';
import { DedupConfig, FeedRules } from '../experts/rules.schemas.ts';
import { createParser, formatTime, ParserConfigSchema, type Parser } from '../parse/index.ts';
import type { FeedRow } from '../pipeline.tables.ts';
import type { LineError, OrgInfo, ProcessedEvent, RawChunk } from '../pipeline.types.ts';
import { CopyWriter } from './copy-binary.ts';
import { feedStamp, LINE_FORMATS } from './event-rows.ts';
import { rowEncoder } from './events-copy.ts';

/** A feed's parser and experts, compiled once per feed version. */
export type CompiledFeed = { version: string; parser: Parser; experts: FeedExperts };

/** The version a feed's compiled form is valid for. */
export const feedVersion = (feed: Pick<FeedRow, 'version' | 'updated_at'>): string => `${feed.version}:${feed.updated_at.getTime()}`;

/** Compiles a feed's parser and experts. */
export function compileFeed(feed: FeedRow): CompiledFeed {
  // Line formats: `raw` is the line itself, rebuilt on demand from the stored report (event-reader.ts),
  // so the parser never base64s every line into the event (a `raw` from the input itself stays).
  const parserConfig = ParserConfigSchema.parse({ ...(feed.parser as object), format: feed.format, ...(LINE_FORMATS.has(feed.format) ? { raw: false } : {}) });
  const identity = { name: feed.name, provider: feed.provider ?? undefined, accuracy: feed.accuracy ?? undefined, code: feed.code ?? undefined };
  return { version: feedVersion(feed), parser: createParser(parserConfig, identity), experts: compileFeedExperts(FeedRules.parse(feed.rules), DedupConfig.parse(feed.dedup), feed.id) };
}

/** What the experts read besides the chunk (shared by every feed). */
export type WorkContext = { index: LookupIndex | null; orgs: ReadonlyMap<string, OrgInfo>; asn: AsnTable | null };

/** One chunk to work on. `encode`: also encode the events as COPY rows (the benchmark's stage b does not). */
export type ChunkJob = { feed: FeedRow; header: string | null; chunk: RawChunk; reportId: string; nowMs: number; encode: boolean };

/** The result of a chunk, ready for the dedupe and the COPY. */
export type ChunkWork = {
  errors: LineError[];
  /** Events dropped by rules. */
  dropped: number;
  /** Dedup key of each event that passed the rules, in order. */
  keys: string[];
  /** 1 for each event (as keys) that has an owner. */
  owners: Uint8Array;
  /** COPY stream (header, one row per key, trailer) and the offsets of its rows (n + 1), when encoded. */
  stream: Uint8Array | null;
  offsets: Uint32Array | null;
  /** The events an auto-incident rule matches, with their position among the keys. */
  candidates: { at: number; event: ProcessedEvent }[];
};

/** The experts' context of a feed over a work context (enricher built by the caller once per context). */
export function expertsContext(experts: FeedExperts, ctx: WorkContext, enricher: ExpertsContext['enricher']): ExpertsContext {
  return { ...experts, enricher, asn: ctx.asn, orgs: ctx.orgs };
}

/** Enricher of a work context (null without a constituency). */
export const enricherOf = (ctx: WorkContext) => (ctx.index ? createEnricher(ctx.index, ctx.orgs) : null);

/** Parses, enriches and (when asked) encodes one chunk. */
export function workChunk(compiled: CompiledFeed, experts: ExpertsContext, job: ChunkJob): ChunkWork {
  const now = new Date(job.nowMs);
  const parsed = compiled.parser.parseChunk(job.chunk, { header: job.header, observedAt: now });
  // No intents here: the main thread groups the kept candidates (below) once the dedupe is known.
  const batch = processBatch(parsed, experts.incidentRules.length === 0 ? experts : { ...experts, incidentRules: [] });
  const events = batch.events;
  const keys = new Array<string>(events.length);
  const owners = new Uint8Array(events.length);
  for (let i = 0; i < events.length; i++) {
    keys[i] = events[i]!.dedupKey;
    if (events[i]!.organizationId !== null) owners[i] = 1;
  }
  const work: ChunkWork = { errors: parsed.errors, dropped: batch.dropped, keys, owners, stream: null, offsets: null, candidates: candidatesOf(events, experts) };
  if (job.encode) encodeInto(work, events, job, now);
  return work;
}

function encodeInto(work: ChunkWork, events: readonly ProcessedEvent[], job: ChunkJob, now: Date): void {
  const w = new CopyWriter(events.length * 320);
  const enc = rowEncoder({ feedId: job.feed.id, reportId: job.reportId, feed: feedStamp(job.feed), now }, formatTime(job.nowMs));
  const offsets = new Uint32Array(events.length + 1);
  for (let i = 0; i < events.length; i++) {
    offsets[i] = w.pos;
    enc(w, events[i]!);
  }
  offsets[events.length] = w.pos;
  // A copy of its own (the writer's buffer may be a slice of Node's pool): transferable.
  work.stream = new Uint8Array(w.end());
  work.offsets = offsets;
}

/** The events some auto-incident rule matches (collectIntents only ever groups those). */
function candidatesOf(events: readonly ProcessedEvent[], ctx: ExpertsContext): ChunkWork['candidates'] {
  const out: ChunkWork['candidates'] = [];
  if (ctx.incidentRules.length === 0) return out;
  for (let i = 0; i < events.length; i++) {
    const pe = events[i]!;
    const org = pe.organizationId === null ? undefined : ctx.orgs.get(pe.organizationId);
    if (org !== undefined && ctx.incidentRules.some((r) => r.test(pe.event, org))) out.push({ at: i, event: pe });
  }
  return out;
}
