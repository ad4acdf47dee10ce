import { sql, type Kysely, type Updateable } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import type { FeedErrorRow, FeedReportRow, FeedRow, FeedRunResult, FeedsTable } from './pipeline.tables.ts';

export type NewFeed = Omit<FeedRow, 'version' | 'next_run_at' | 'http_etag' | 'http_last_modified' | 'last_run_at' | 'last_result' | 'last_error' | 'reports_total' | 'events_total' | 'errors_total' | 'last_report_at' | 'last_report_events_per_sec'>;
export type FeedError = Omit<FeedErrorRow, 'id'>;

/** SQL of the feeds, their status columns and their error log. */
export function createFeedsRepository() {
  return {
    list: (db: Kysely<DB>) => db.selectFrom('feeds').selectAll().orderBy('name').execute(),
    findById: (db: Kysely<DB>, id: string) => db.selectFrom('feeds').selectAll().where('id', '=', id).executeTakeFirst(),
    findByName: (db: Kysely<DB>, name: string) => db.selectFrom('feeds').selectAll().where('name', '=', name).executeTakeFirst(),
    findByIdForUpdate: (tx: Kysely<DB>, id: string) => tx.selectFrom('feeds').selectAll().where('id', '=', id).forUpdate().executeTakeFirst(),
    insert: (tx: Kysely<DB>, row: NewFeed) => tx.insertInto('feeds').values({ ...row, config: JSON.stringify(row.config), parser: JSON.stringify(row.parser), rules: JSON.stringify(row.rules), dedup: JSON.stringify(row.dedup) }).returningAll().executeTakeFirstOrThrow(),
    async update(tx: Kysely<DB>, id: string, version: number, patch: Updateable<FeedsTable>): Promise<FeedRow | undefined> {
      return tx.updateTable('feeds').set({ ...patch, version: version + 1 }).where('id', '=', id).where('version', '=', version).returningAll().executeTakeFirst();
    },
    delete: (tx: Kysely<DB>, id: string) => tx.deleteFrom('feeds').where('id', '=', id).execute(),
    /** Enabled pulled feeds whose next run is due. */
    listDue: (db: Kysely<DB>, kinds: readonly string[], now: Date) =>
      db.selectFrom('feeds').selectAll().where('is_enabled', '=', true).where('kind', 'in', kinds as FeedRow['kind'][]).where((eb) => eb.or([eb('next_run_at', 'is', null), eb('next_run_at', '<=', now)])).orderBy('next_run_at').execute(),
    /** Claims a due pull run for this process: moves next_run_at forward only if still due. */
    async claimRun(db: Kysely<DB>, id: string, now: Date, next: Date): Promise<boolean> {
      const r = await db.updateTable('feeds').set({ next_run_at: next }).where('id', '=', id).where((eb) => eb.or([eb('next_run_at', 'is', null), eb('next_run_at', '<=', now)])).returning('id').executeTakeFirst();
      return r !== undefined;
    },
    recordRun: (db: Kysely<DB>, id: string, at: Date, result: FeedRunResult, error: string | null) =>
      db.updateTable('feeds').set({ last_run_at: at, last_result: result, last_error: error?.slice(0, 2000) ?? null }).where('id', '=', id).execute(),
    setValidators: (db: Kysely<DB>, id: string, etag: string | null, lastModified: string | null) =>
      db.updateTable('feeds').set({ http_etag: etag, http_last_modified: lastModified }).where('id', '=', id).execute(),
    addErrors: async (tx: Kysely<DB>, rows: readonly FeedError[]) => {
      if (!rows.length) return;
      await sql`insert into feed_errors (feed_id, report_id, line, code, field, message, excerpt, created_at)
        select * from unnest(${rows.map((r) => r.feed_id)}::uuid[], ${rows.map((r) => r.report_id)}::uuid[], ${rows.map((r) => r.line)}::int4[],
          ${rows.map((r) => r.code)}::text[], ${rows.map((r) => r.field)}::text[], ${rows.map((r) => r.message)}::text[], ${rows.map((r) => r.excerpt)}::text[],
          ${rows.map((r) => r.created_at.toISOString())}::timestamptz[])`.execute(tx);
    },
    addErrorCount: (tx: Kysely<DB>, id: string, n: number) => tx.updateTable('feeds').set((eb) => ({ errors_total: eb('errors_total', '+', n) })).where('id', '=', id).execute(),
    listErrors: (db: Kysely<DB>, feedId: string, beforeId: number | null, limit: number): Promise<FeedErrorRow[]> => {
      let q = db.selectFrom('feed_errors').selectAll().where('feed_id', '=', feedId);
      if (beforeId !== null) q = q.where('id', '<', beforeId);
      return q.orderBy('id', 'desc').limit(limit).execute();
    },
    listReports: (db: Kysely<DB>, feedId: string, limit: number): Promise<FeedReportRow[]> =>
      db.selectFrom('feed_reports').selectAll().where('feed_id', '=', feedId).orderBy('received_at', 'desc').limit(limit).execute(),
  };
}

export type FeedsRepository = ReturnType<typeof createFeedsRepository>;
