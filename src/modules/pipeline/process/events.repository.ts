import type { PGlite } from '@electric-sql/pglite';
import { sql, type Kysely } from 'kysely';
import type { DB } from '../../../platform/db/schema.ts';
import { formatTime } from '../parse/timestamp.ts';
import type { ProcessedEvent } from '../pipeline.types.ts';
import { newLeanRow, splitEvent, type FeedStamp } from './event-rows.ts';
import { copyEvents } from './events-copy.ts';

/** What the chunk processor knows of the chunk whose events it stores. */
export type EventContext = { feedId: string; reportId: string; feed: FeedStamp; now: Date };

/**
 * Stores a chunk's events as lean rows (event-rows.ts) in the chunk's transaction: a binary COPY
 * on the embedded engine (`pglite`: the engine's only session, held by `tx`), set-based `unnest`
 * inserts on a PostgreSQL server (many workers, each its own connection).
 */
export async function insertEvents(tx: Kysely<DB>, pglite: PGlite | null, events: readonly ProcessedEvent[], ctx: EventContext): Promise<void> {
  const observed = formatTime(ctx.now.getTime());
  if (pglite) return copyEvents(pglite, events, ctx, observed);
  // Batches of a few thousand rows: one huge array literal costs more per row.
  for (let i = 0; i < events.length; i += INSERT_BATCH) await insertBatch(tx, events.slice(i, i + INSERT_BATCH), ctx, observed);
}

const INSERT_BATCH = 5000;

/** The column arrays of a batch of events, one array per column (for `unnest`). */
function columns(events: readonly ProcessedEvent[], ctx: EventContext, observed: string) {
  const n = events.length;
  const cols = {
    time_source: new Array<string | null>(n), line_no: new Array<number>(n), organization_id: new Array<string | null>(n),
    taxonomy: new Array<string>(n), type: new Array<string>(n), ip: new Array<string | null>(n), port: new Array<number | null>(n),
    asn: new Array<number | null>(n), fqdn: new Array<string | null>(n), url: new Array<string | null>(n), cc: new Array<string | null>(n),
    tlp: new Array<string>(n), dedup_key: new Array<string>(n), data: new Array<string>(n),
  };
  const row = newLeanRow();
  for (let i = 0; i < n; i++) {
    const p = events[i]!;
    splitEvent(p, ctx.feed, observed, row);
    cols.time_source[i] = Number.isNaN(row.timeSourceMs) ? null : new Date(row.timeSourceMs).toISOString();
    cols.line_no[i] = p.line;
    cols.organization_id[i] = p.organizationId;
    cols.taxonomy[i] = row.taxonomy;
    cols.type[i] = row.type;
    cols.ip[i] = row.ipv4 >= 0 ? `${row.ipv4 >>> 24}.${(row.ipv4 >>> 16) & 255}.${(row.ipv4 >>> 8) & 255}.${row.ipv4 & 255}` : row.ip;
    cols.port[i] = row.port;
    cols.asn[i] = row.asn;
    cols.fqdn[i] = row.fqdn;
    cols.url[i] = row.url;
    cols.cc[i] = row.cc;
    cols.tlp[i] = row.tlp;
    cols.dedup_key[i] = p.dedupKey;
    cols.data[i] = row.data;
  }
  return cols;
}

async function insertBatch(tx: Kysely<DB>, events: readonly ProcessedEvent[], ctx: EventContext, observed: string): Promise<void> {
  const c = columns(events, ctx, observed);
  await sql`insert into events (time_observation, feed_id, report_id, line_no, organization_id, classification_taxonomy, classification_type,
      source_ip, source_port, source_asn, source_fqdn, source_url, source_cc, tlp, dedup_key, data, time_source)
    select ${ctx.now.toISOString()}::timestamptz, ${ctx.feedId}::uuid, ${ctx.reportId}::uuid, u.l, u.o, u.ta, u.ty, u.ip, u.po, u.asn, u.fq, u.url, u.cc, u.tlp, u.k, u.d::json, u.ts from unnest(
      ${c.line_no}::int4[], ${c.organization_id}::uuid[], ${c.taxonomy}::text[], ${c.type}::text[], ${c.ip}::inet[], ${c.port}::int4[],
      ${c.asn}::int8[], ${c.fqdn}::text[], ${c.url}::text[], ${c.cc}::text[], ${c.tlp}::text[], ${c.dedup_key}::text[], ${c.data}::text[],
      ${c.time_source}::timestamptz[]) as u(l, o, ta, ty, ip, po, asn, fq, url, cc, tlp, k, d, ts)`.execute(tx);
}
