import { DedupConfig, FeedRules } from '../experts/rules.schemas.ts';
import { ParserConfigSchema } from '../parse/config.schema.ts';
import type { FeedRow } from '../pipeline.tables.ts';
import { compileConfig, feedVersion, type CompiledFeed, type FeedConfig } from './chunk-work.ts';
import { LINE_FORMATS } from './event-rows.ts';

/**
 * A feed's configuration, validated and with its defaults (throws the schema's error when the stored
 * feed is not valid: feeds are validated when they are saved).
 */
export function feedConfig(feed: FeedRow): FeedConfig {
  // Line formats: `raw` is the line itself, rebuilt on demand from the stored report (event-reader.ts),
  // so the parser never base64s every line into the event (a `raw` from the input itself stays).
  const parser = ParserConfigSchema.parse({ ...(feed.parser as object), format: feed.format, ...(LINE_FORMATS.has(feed.format) ? { raw: false } : {}) });
  const identity = { name: feed.name, provider: feed.provider ?? undefined, accuracy: feed.accuracy ?? undefined, code: feed.code ?? undefined };
  return { version: feedVersion(feed), feedId: feed.id, identity, parser, rules: FeedRules.parse(feed.rules), dedup: DedupConfig.parse(feed.dedup) };
}

/** Validates and compiles a feed: its parser and experts (main thread; parse threads get the configuration). */
export function compileFeed(feed: FeedRow): CompiledFeed {
  return compileConfig(feedConfig(feed));
}
