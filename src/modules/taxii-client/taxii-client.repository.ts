import { sql, type Insertable, type Kysely, type Updateable } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import type { ConnectionRow, PushRow, TaxiiConnectionsTable, TaxiiPushesTable } from './taxii-client.tables.ts';

export type TaxiiClientRepository = ReturnType<typeof createTaxiiClientRepository>;

/** SQL of TAXII client connections and their pushes. */
export function createTaxiiClientRepository() {
  return {
    list: (db: Kysely<DB>, partnerId: string): Promise<ConnectionRow[]> =>
      db.selectFrom('taxii_connections').selectAll().where('partner_id', '=', partnerId).orderBy('created_at').orderBy('id').execute(),
    find: (db: Kysely<DB>, id: string) => db.selectFrom('taxii_connections').selectAll().where('id', '=', id).executeTakeFirst(),
    insert: (db: Kysely<DB>, row: Insertable<TaxiiConnectionsTable>) => db.insertInto('taxii_connections').values(row).execute(),
    update: (db: Kysely<DB>, id: string, patch: Updateable<TaxiiConnectionsTable>) =>
      db.updateTable('taxii_connections').set(patch).where('id', '=', id).returningAll().executeTakeFirstOrThrow(),

    /**
     * Claims the connection due soonest: moves its next run forward by its interval in one
     * statement (SKIP LOCKED), so exactly one process runs it this period.
     */
    async claimDue(db: Kysely<DB>, now: Date): Promise<ConnectionRow | undefined> {
      const { rows } = await sql<ConnectionRow>`
        update taxii_connections set next_run_at = ${now}::timestamptz + make_interval(secs => interval_seconds)
        where id = (select id from taxii_connections where enabled and next_run_at <= ${now}::timestamptz
                    order by next_run_at limit 1 for update skip locked)
        returning *`.execute(db);
      return rows[0];
    },

    /** Commits the poll checkpoint (inside the page's import transaction). */
    setPollCheckpoint: (tx: Kysely<DB>, id: string, addedAfter: string) =>
      tx.updateTable('taxii_connections').set({ poll_added_after: addedAfter }).where('id', '=', id).execute(),
    setPushCheckpoint: (db: Kysely<DB>, id: string, afterSeq: number) =>
      db.updateTable('taxii_connections').set({ push_after_seq: afterSeq }).where('id', '=', id).execute(),
    recordRun: (db: Kysely<DB>, id: string, r: { at: Date; outcome: string; error: string | null; count: number }) =>
      db.updateTable('taxii_connections').set({ last_run_at: r.at, last_outcome: r.outcome, last_error: r.error, last_count: r.count }).where('id', '=', id).execute(),

    insertPush: (db: Kysely<DB>, row: Insertable<TaxiiPushesTable>) => db.insertInto('taxii_pushes').values(row).execute(),
    updatePush: (db: Kysely<DB>, id: string, patch: Updateable<TaxiiPushesTable>) => db.updateTable('taxii_pushes').set(patch).where('id', '=', id).execute(),
    pendingPushes: (db: Kysely<DB>, connectionId: string): Promise<PushRow[]> =>
      db.selectFrom('taxii_pushes').selectAll().where('connection_id', '=', connectionId).where('status', '=', 'pending').orderBy('created_at').limit(50).execute(),
    recentPushes: (db: Kysely<DB>, connectionId: string, limit: number): Promise<PushRow[]> =>
      db.selectFrom('taxii_pushes').selectAll().where('connection_id', '=', connectionId).orderBy('created_at', 'desc').orderBy('id').limit(limit).execute(),
  };
}
