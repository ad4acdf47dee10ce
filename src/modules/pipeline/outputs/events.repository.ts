import { sql, type Kysely } from 'kysely';
import type { DB } from '../../../platform/db/schema.ts';
import type { OrgScope } from '../../constituency/index.ts';
import { createEventReader, type EventReader, type ReadableEventRow } from '../process/event-reader.ts';
import type { StoredEvent } from './events.format.ts';

/** Keyset position: time_observation (ISO) and id of the last row seen. */
export type EventCursor = { t: string; i: string };

/** What an events query may filter on; `scope` is decided by the service, never by the caller. */
export type EventFilter = {
  scope: OrgScope;
  organizationId?: string | undefined;
  feedId?: string | undefined;
  taxonomy?: string | undefined;
  type?: string | undefined;
  /** A single address or a CIDR (already validated). */
  ip?: string | undefined;
  asn?: number | undefined;
  since: Date;
  until: Date;
  order: 'asc' | 'desc';
};

const COLUMNS = [
  'id',
  'time_observation',
  'time_source',
  'feed_id',
  'organization_id',
  'classification_taxonomy',
  'classification_type',
  'source_ip',
  'source_port',
  'source_asn',
  'source_fqdn',
  'source_url',
  'source_cc',
  'tlp',
  'data',
  'report_id',
  'line_no',
] as const;

function filtered(db: Kysely<DB>, f: EventFilter) {
  let q = db.selectFrom('events').where('time_observation', '>=', f.since).where('time_observation', '<', f.until);
  const scope = f.scope;
  if (scope.kind === 'organization') q = q.where('organization_id', '=', scope.organizationId);
  else if (scope.kind === 'center') q = q.where('organization_id', 'in', db.selectFrom('center_organizations').select('organization_id').where('center_id', '=', scope.centerId));
  else if (scope.kind === 'none') q = q.where(sql<boolean>`false`);
  if (f.organizationId) q = q.where('organization_id', '=', f.organizationId);
  if (f.feedId) q = q.where('feed_id', '=', f.feedId);
  if (f.taxonomy) q = q.where('classification_taxonomy', '=', f.taxonomy);
  if (f.type) q = q.where('classification_type', '=', f.type);
  if (f.ip) q = q.where(sql<boolean>`source_ip <<= ${f.ip}::inet`);
  if (f.asn !== undefined) q = q.where('source_asn', '=', f.asn);
  return q;
}

function after(f: EventFilter, cursor: EventCursor | undefined) {
  if (!cursor) return sql<boolean>`true`;
  const op = f.order === 'asc' ? sql`>` : sql`<`;
  return sql<boolean>`(time_observation, id) ${op} (${cursor.t}::timestamptz, ${cursor.i}::bigint)`;
}

/** The queries of the events outputs (pull API, analyst API, digests). */
export function createEventsRepository() {
  return {
    /**
     * One page in keyset order (time_observation, id); `data` of each row is the full harmonized
     * event (rebuilt from the lean row, see process/event-rows.ts), with `raw` when `withRaw`.
     * Pass one `reader` for the pages of one listing (it caches feeds and report chunks).
     */
    async list(db: Kysely<DB>, f: EventFilter, cursor: EventCursor | undefined, limit: number, options: { withRaw?: boolean; reader?: EventReader } = {}): Promise<StoredEvent[]> {
      const rows = (await filtered(db, f)
        .select(COLUMNS)
        .where(after(f, cursor))
        .orderBy('time_observation', f.order)
        .orderBy('id', f.order)
        .limit(limit)
        .execute()) as (StoredEvent & ReadableEventRow)[];
      const events = await (options.reader ?? createEventReader(db)).expand(rows, { withRaw: options.withRaw === true });
      return rows.map((r, i) => ({ ...r, data: events[i] }));
    },

    /** The key of the `n`-th row (1-based) from `cursor`, and whether a row follows it. */
    async keyAt(db: Kysely<DB>, f: EventFilter, cursor: EventCursor | undefined, n: number): Promise<{ key: EventCursor; hasMore: boolean } | null> {
      const rows = await filtered(db, f)
        .select(['time_observation', 'id'])
        .where(after(f, cursor))
        .orderBy('time_observation', f.order)
        .orderBy('id', f.order)
        .offset(n - 1)
        .limit(2)
        .execute();
      const first = rows[0];
      return first ? { key: { t: first.time_observation.toISOString(), i: String(first.id) }, hasMore: rows.length > 1 } : null;
    },

    /** Events per classification in a range (for digest summaries). */
    countByType: (db: Kysely<DB>, f: EventFilter) =>
      filtered(db, f)
        .select(['classification_taxonomy as taxonomy', 'classification_type as type'])
        .select((eb) => eb.fn.countAll<string>().as('count'))
        .groupBy(['classification_taxonomy', 'classification_type'])
        .orderBy('count', 'desc')
        .execute()
        .then((rows) => rows.map((r) => ({ taxonomy: r.taxonomy, type: r.type, count: Number(r.count) }))),
  };
}

export type EventsRepository = ReturnType<typeof createEventsRepository>;
