/**
 * The shapes every stage of the event pipeline agrees on:
 *
 *   collect (raw report, stored content-addressed, split into chunks at line boundaries)
 *     -> parse (chunk -> harmonized events + line errors)
 *     -> experts (rules, enrichment, deduplication, auto-incident rules)
 *     -> store (one transaction per chunk: events + the chunk marked done)
 *     -> outputs (digests, pull API, IntelMQ export)
 *
 * A chunk is the unit of work: it is processed in one transaction, so a crash at any moment
 * stores each event exactly once.
 */

/** A harmonized event: IntelMQ field names (`source.ip`, `classification.type`, ...) to values. */
export type HarmonizedEvent = Record<string, EventValue>;
export type EventValue = string | number | boolean | { readonly [key: string]: unknown };

/** The formats a feed can carry. */
export type FeedFormat = 'csv' | 'jsonl' | 'list' | 'intelmq' | 'stix' | 'misp';

/** A piece of a raw report: whole lines only, at most a few MiB. `firstLine` is 1-based. */
export type RawChunk = {
  seq: number;
  firstLine: number;
  lineCount: number;
  data: Uint8Array;
};

/** A line (or object) of a report that did not become an event; the rest of the report goes on. */
export type LineError = {
  line: number;
  code: string;
  field?: string | undefined;
  message: string;
  /** The start of the offending line, for the feed's error log (at most 200 characters). */
  excerpt: string;
};

/** One event as parsed, with the line it came from (for errors, exactly-once and `raw`). */
export type ParsedEvent = { line: number; event: HarmonizedEvent };

export type ParsedChunk = { events: ParsedEvent[]; errors: LineError[] };

/**
 * What the feed says about itself; parsers stamp it onto every event (`feed.name`, ...). `tlp` is
 * the marking of events whose line gives none (default AMBER).
 */
export type FeedIdentity = { name: string; provider?: string | undefined; accuracy?: number | undefined; code?: string | undefined; tlp?: string | undefined };

/** An organization as enrichment sees it (loaded once per chunk batch, not per event). */
export type OrgInfo = {
  id: string;
  name: string;
  sector: string;
  isCii: boolean;
  ciiCategory: string | null;
  centerIds: readonly string[];
  /** Abuse / security contact e-mail addresses, the 24/7 ones first. */
  contacts: readonly string[];
};

/** An event after the experts: who owns it and the key it was deduplicated on. */
export type ProcessedEvent = ParsedEvent & {
  organizationId: string | null;
  /** Hex SHA-256 (or shorter stable hash) of the feed's dedup key fields. */
  dedupKey: string;
};

/** An auto-incident rule fired: the runtime opens (or updates) one incident per rule+organization. */
export type IncidentIntent = {
  ruleId: string;
  organizationId: string;
  severity: 'critical' | 'high' | 'medium' | 'low';
  taxonomy: string;
  type: string;
  title: string;
  events: ParsedEvent[];
};
