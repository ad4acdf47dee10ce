/**
 * The CPU part of a chunk, without I/O and without the database: parse -> experts (rules, ASN,
 * constituency, dedup key) -> the events encoded as binary COPY rows. It runs in a worker thread
 * (chunk.worker.ts, through chunk-pool.ts) while the main thread stores the previous chunk; the
 * main thread then dedupes the keys, COPYs the rows it keeps and marks the chunk done, in the
 * chunk's transaction (stages.ts). What crosses threads is compact: the keys, one byte stream with
 * row offsets (transferred, not copied), the line errors, and the few events an auto-incident rule
 * matches (so that intents are computed over the kept events only, as keepNew does).
 */
import type { AsnTable } from '../asn/asn-expert.ts';
import { createEnricher, type OwnerSource } from '../experts/enrich.ts';
import { compileFeedExperts, processBatch, type ExpertsContext, type FeedExperts } from '../experts/process-batch.ts';
import type { DedupConfigT, FeedRulesT } from '../experts/rules.schemas.ts';
import type { ParserConfig } from '../parse/config.schema.ts';
import { parserOf } from '../parse/parser-of.ts';
import type { Parser } from '../parse/parser.types.ts';
import { formatTime } from '../parse/timestamp.ts';
import type { FeedRow } from '../pipeline.tables.ts';
import type { FeedIdentity, LineError, OrgInfo, ProcessedEvent, RawChunk } from '../pipeline.types.ts';
import { CopyWriter } from '../../../platform/db/copy-binary.ts';
import { feedStamp } from './event-rows.ts';
import { rowEncoder } from './events-copy.ts';

/**
 * A feed's configuration validated and with its defaults (feed-compile.ts, on the main thread): what
 * a parse thread compiles, so that it loads neither the schemas nor their library.
 */
export type FeedConfig = { version: string; feedId: string; identity: FeedIdentity; parser: ParserConfig; rules: FeedRulesT; dedup: DedupConfigT };

/** A feed's parser and experts, compiled once per feed version, with the configuration they come from. */
export type CompiledFeed = { version: string; config: FeedConfig; parser: Parser; experts: FeedExperts };

/** The version a feed's compiled form is valid for. */
export const feedVersion = (feed: Pick<FeedRow, 'version' | 'updated_at'>): string => `${feed.version}:${feed.updated_at.getTime()}`;

/** Compiles a validated feed configuration: its parser and experts. */
export function compileConfig(config: FeedConfig): CompiledFeed {
  return { version: config.version, config, parser: parserOf(config.parser, config.identity), experts: compileFeedExperts(config.rules, config.dedup, config.feedId) };
}

/** What the experts read besides the chunk (shared by every feed); `index`: the lookup index or a thread's owner view of it. */
export type WorkContext = { index: OwnerSource | null; orgs: ReadonlyMap<string, OrgInfo>; asn: AsnTable | null };

/** One chunk to work on, with its feed's validated configuration. `encode`: also encode the events as COPY rows (the benchmark's stage b does not). */
export type ChunkJob = { feed: FeedRow; config: FeedConfig; header: string | null; chunk: RawChunk; reportId: string; nowMs: number; encode: boolean };

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

/**
 * A chunk's events are parsed, enriched and encoded a slice of lines at a time (line formats), so
 * that each slice's objects die in the young generation instead of ~8k events living through the
 * whole chunk and being promoted (stage b of bench:pipeline, 2 parse threads, medians of 5 on a quiet
 * machine: peak RSS 862 -> 758 MB at the same ~300k events/s).
 */
export const SLICE_BYTES = 128 * 1024;

/** Parses, enriches and (when asked) encodes one chunk, a slice at a time. */
export function workChunk(compiled: CompiledFeed, experts: ExpertsContext, job: ChunkJob): ChunkWork {
  const now = new Date(job.nowMs);
  const ctx = experts.incidentRules.length === 0 ? experts : { ...experts, incidentRules: [] };
  const work: ChunkWork = { errors: [], dropped: 0, keys: [], owners: new Uint8Array(0), stream: null, offsets: null, candidates: [] };
  const owners: number[] = [];
  const offsets: number[] = [];
  const w = job.encode ? new CopyWriter(Math.max(1024, job.chunk.data.byteLength * 3)) : null;
  const enc = w ? rowEncoder({ feedId: job.feed.id, reportId: job.reportId, feed: feedStamp(job.feed), now }, formatTime(job.nowMs)) : null;
  const parts = compiled.parser.chunking.document ? [job.chunk] : sliceChunk(job.chunk, SLICE_BYTES);
  for (const part of parts) {
    const parsed = compiled.parser.parseChunk(part, { header: job.header, observedAt: now });
    // No intents here: the main thread groups the kept candidates (below) once the dedupe is known.
    const batch = processBatch(parsed, ctx);
    for (const e of parsed.errors) work.errors.push(e);
    work.dropped += batch.dropped;
    const at = work.keys.length;
    for (const c of candidatesOf(batch.events, experts)) work.candidates.push({ at: at + c.at, event: c.event });
    for (const pe of batch.events) {
      work.keys.push(pe.dedupKey);
      owners.push(pe.organizationId === null ? 0 : 1);
      if (w !== null) {
        offsets.push(w.pos);
        enc!(w, pe);
      }
    }
  }
  work.owners = Uint8Array.from(owners);
  if (w !== null) {
    offsets.push(w.pos);
    // A copy of its own (the writer's buffer may be a slice of Node's pool): transferable.
    work.stream = new Uint8Array(w.end());
    work.offsets = Uint32Array.from(offsets);
  }
  return work;
}

/**
 * Splits a chunk of whole lines into slices of about `bytes`, each ending at a line end and
 * numbered on from the previous one. A slice never starts with a byte order mark (the parser
 * would drop it as the report's): such a line stays with the slice before it.
 */
export function* sliceChunk(chunk: RawChunk, bytes: number): Generator<RawChunk> {
  const d = chunk.data;
  let from = 0;
  let line = chunk.firstLine;
  while (from < d.length) {
    let end = d.length;
    if (from + bytes < d.length) {
      let nl = d.indexOf(0x0a, from + bytes);
      while (nl >= 0 && d[nl + 1] === 0xef && d[nl + 2] === 0xbb && d[nl + 3] === 0xbf) nl = d.indexOf(0x0a, nl + 1);
      if (nl >= 0) end = nl + 1;
    }
    let lines = 0;
    for (let i = d.indexOf(0x0a, from); i >= 0 && i < end; i = d.indexOf(0x0a, i + 1)) lines++;
    if (end === d.length && (end === from || d[end - 1] !== 0x0a)) lines++;
    yield { seq: chunk.seq, firstLine: line, lineCount: lines, data: d.subarray(from, end) };
    line += lines;
    from = end;
  }
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
