import { sql, type Kysely } from 'kysely';
import type { DB } from '../../../platform/db/schema.ts';
import type { HarmonizedEvent, ProcessedEvent } from '../pipeline.types.ts';

/** What the chunk processor knows of the chunk whose events it stores. */
export type EventContext = { feedId: string; reportId: string; tlp: string; now: Date };

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : null);
const int = (v: unknown): number | null => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN;
  return Number.isSafeInteger(n) ? n : null;
};

/** The column arrays of a batch of events, one array per column (for `unnest`). */
function columns(events: readonly ProcessedEvent[], ctx: EventContext) {
  const n = events.length;
  const cols = {
    time_source: new Array<string | null>(n), line_no: new Array<number>(n), organization_id: new Array<string | null>(n),
    taxonomy: new Array<string>(n), type: new Array<string>(n), ip: new Array<string | null>(n), port: new Array<number | null>(n),
    asn: new Array<number | null>(n), fqdn: new Array<string | null>(n), url: new Array<string | null>(n), cc: new Array<string | null>(n),
    tlp: new Array<string>(n), dedup_key: new Array<string>(n), data: new Array<string>(n),
  };
  const observed = ctx.now.toISOString();
  for (let i = 0; i < n; i++) {
    const p = events[i]!;
    const e: HarmonizedEvent = p.event;
    if (e['time.observation'] === undefined) e['time.observation'] = observed;
    cols.time_source[i] = str(e['time.source']);
    cols.line_no[i] = p.line;
    cols.organization_id[i] = p.organizationId;
    cols.taxonomy[i] = str(e['classification.taxonomy']) ?? 'other';
    cols.type[i] = str(e['classification.type']) ?? 'undetermined';
    cols.ip[i] = str(e['source.ip']);
    cols.port[i] = int(e['source.port']);
    cols.asn[i] = int(e['source.asn']);
    cols.fqdn[i] = str(e['source.fqdn']);
    cols.url[i] = str(e['source.url']);
    cols.cc[i] = str(e['source.geolocation.cc']);
    cols.tlp[i] = (str(e.tlp) ?? ctx.tlp).toLowerCase();
    cols.dedup_key[i] = p.dedupKey;
    cols.data[i] = JSON.stringify(e);
  }
  return cols;
}

/**
 * Inserts a batch of events in one set-based statement (one array parameter per column, unnested
 * on the server): far fewer parameters and round trips than a VALUES list, on both engines. The
 * documents travel as text[] and are cast per row: a jsonb[] literal costs ~30% more on PGlite.
 */
export async function insertEvents(tx: Kysely<DB>, events: readonly ProcessedEvent[], ctx: EventContext): Promise<void> {
  // Batches of a few thousand rows: one huge array literal costs PGlite more per row (measured ~30%).
  for (let i = 0; i < events.length; i += INSERT_BATCH) await insertBatch(tx, events.slice(i, i + INSERT_BATCH), ctx);
}

const INSERT_BATCH = 5000;

async function insertBatch(tx: Kysely<DB>, events: readonly ProcessedEvent[], ctx: EventContext): Promise<void> {
  const c = columns(events, ctx);
  await sql`insert into events (time_observation, feed_id, report_id, line_no, organization_id, classification_taxonomy, classification_type,
      source_ip, source_port, source_asn, source_fqdn, source_url, source_cc, tlp, dedup_key, data, time_source)
    select ${ctx.now.toISOString()}::timestamptz, ${ctx.feedId}::uuid, ${ctx.reportId}::uuid, u.l, u.o, u.ta, u.ty, u.ip, u.po, u.asn, u.fq, u.url, u.cc, u.tlp, u.k, u.d::jsonb, u.ts from unnest(
      ${c.line_no}::int4[], ${c.organization_id}::uuid[], ${c.taxonomy}::text[], ${c.type}::text[], ${c.ip}::inet[], ${c.port}::int4[],
      ${c.asn}::int8[], ${c.fqdn}::text[], ${c.url}::text[], ${c.cc}::text[], ${c.tlp}::text[], ${c.dedup_key}::text[], ${c.data}::text[],
      ${c.time_source}::timestamptz[]) as u(l, o, ta, ty, ip, po, asn, fq, url, cc, tlp, k, d, ts)`.execute(tx);
}
