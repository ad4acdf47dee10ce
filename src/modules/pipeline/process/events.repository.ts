import type { PGlite } from '@electric-sql/pglite';
import type { Kysely } from 'kysely';
import type { DB } from '../../../platform/db/schema.ts';
import { formatTime } from '../parse/timestamp.ts';
import type { ProcessedEvent } from '../pipeline.types.ts';
import type { FeedStamp } from './event-rows.ts';
import { encodeEvents } from './events-copy.ts';
import { eventSink } from './events-sink.ts';

/** What the chunk processor knows of the chunk whose events it stores. */
export type EventContext = { feedId: string; reportId: string; feed: FeedStamp; now: Date };

/**
 * Stores a chunk's events as lean rows (event-rows.ts) in the chunk's transaction, as one binary
 * COPY: through the embedded engine's session (`pglite`, held by `tx`), or `tx`'s connection to a
 * PostgreSQL server. On a server it replaced `insert ... select from unnest(...)` in batches of
 * 5,000, which serialized every value into array literals for the server to parse again.
 */
export async function insertEvents(tx: Kysely<DB>, pglite: PGlite | null, events: readonly ProcessedEvent[], ctx: EventContext): Promise<void> {
  if (events.length === 0) return;
  await eventSink(tx, pglite)(encodeEvents(events, ctx, formatTime(ctx.now.getTime())));
}
