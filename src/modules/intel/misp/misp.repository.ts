import { sql, type Insertable, type Kysely, type Updateable } from 'kysely';
import type { DB } from '../../../platform/db/schema.ts';
import type { MispFeedRow, MispFeedsTable } from './misp.tables.ts';

export type MispRepository = ReturnType<typeof createMispRepository>;

/** SQL of MISP feeds and the events already imported from each. */
export function createMispRepository() {
  return {
    list: (db: Kysely<DB>): Promise<MispFeedRow[]> => db.selectFrom('misp_feeds').selectAll().orderBy('created_at').orderBy('id').execute(),
    find: (db: Kysely<DB>, id: string) => db.selectFrom('misp_feeds').selectAll().where('id', '=', id).executeTakeFirst(),
    insert: (db: Kysely<DB>, row: Insertable<MispFeedsTable>) => db.insertInto('misp_feeds').values(row).execute(),
    update: (db: Kysely<DB>, id: string, patch: Updateable<MispFeedsTable>) => db.updateTable('misp_feeds').set(patch).where('id', '=', id).returningAll().executeTakeFirstOrThrow(),
    /** Claims the feed due soonest for this period (one process runs it). */
    async claimDue(db: Kysely<DB>, now: Date): Promise<MispFeedRow | undefined> {
      const { rows } = await sql<MispFeedRow>`
        update misp_feeds set next_run_at = ${now}::timestamptz + make_interval(secs => interval_seconds)
        where id = (select id from misp_feeds where enabled and next_run_at <= ${now}::timestamptz order by next_run_at limit 1 for update skip locked)
        returning *`.execute(db);
      return rows[0];
    },
    async seen(db: Kysely<DB>, feedId: string): Promise<Map<string, number>> {
      const rows = await db.selectFrom('misp_feed_events').select(['event_uuid', 'event_timestamp']).where('feed_id', '=', feedId).execute();
      return new Map(rows.map((r) => [r.event_uuid, Number(r.event_timestamp)]));
    },
    /** Marks an event imported at this timestamp (inside the import's transaction). */
    markSeen: (tx: Kysely<DB>, feedId: string, uuid: string, ts: number, at: Date) =>
      tx
        .insertInto('misp_feed_events')
        .values({ feed_id: feedId, event_uuid: uuid, event_timestamp: ts, imported_at: at })
        .onConflict((oc) => oc.columns(['feed_id', 'event_uuid']).doUpdateSet({ event_timestamp: ts, imported_at: at }))
        .execute(),
    recordRun: (db: Kysely<DB>, id: string, r: { at: Date; outcome: string; error: string | null; count: number }) =>
      db.updateTable('misp_feeds').set({ last_run_at: r.at, last_outcome: r.outcome, last_error: r.error, last_count: r.count }).where('id', '=', id).execute(),
  };
}
