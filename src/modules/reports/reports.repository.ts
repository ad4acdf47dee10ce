import { sql, type Insertable, type Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import type { ReportStatus, ReportsTable } from './reports.tables.ts';

type NewReport = Insertable<ReportsTable>;
export type ReportFilter = { status?: ReportStatus | undefined; category?: string | undefined; after?: { at: Date; id: string } | undefined; limit: number };
export type ReportChanges = { status?: ReportStatus; public_status_note?: string | null; incident_id?: string | null; updated_at: Date };

const LIST_COLUMNS = ['id', 'tracking_code', 'category', 'rsit_taxonomy', 'rsit_type', 'status', 'created_at', 'updated_at', 'incident_id'] as const;

export type ReportsRepository = ReturnType<typeof createReportsRepository>;

/** All SQL of the reports module. */
export function createReportsRepository() {
  return {
    /** The value of a settings key, created with `candidate` if absent (first writer wins across processes). */
    async settingOrCreate(db: Kysely<DB>, key: string, candidate: string): Promise<string> {
      await db.insertInto('settings').values({ key, value: JSON.stringify(candidate) }).onConflict((oc) => oc.column('key').doNothing()).execute();
      const row = await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirstOrThrow();
      return row.value as string;
    },

    findRate: (db: Kysely<DB>, key: string) => db.selectFrom('report_rate').select(['window_start', 'count']).where('key', '=', key).executeTakeFirst(),

    /** Counts one more hit in a fixed window of `windowMs` (a new window starts once it is over). */
    hitRate: (db: Kysely<DB>, key: string, now: Date, windowMs: number) => {
      const over = sql<boolean>`report_rate.window_start <= ${new Date(now.getTime() - windowMs)}`;
      return db
        .insertInto('report_rate')
        .values({ key, window_start: now, count: 1 })
        .onConflict((oc) =>
          oc.column('key').doUpdateSet({
            window_start: sql`case when ${over} then excluded.window_start else report_rate.window_start end`,
            count: sql`case when ${over} then 1 else report_rate.count + 1 end`,
          }),
        )
        .returning(['window_start', 'count'])
        .executeTakeFirstOrThrow();
    },

    /** Marks a proof-of-work challenge used; false when it was used already. */
    async spendChallenge(db: Kysely<DB>, id: string, expiresAt: Date): Promise<boolean> {
      const rows = await db.insertInto('report_pow_spent').values({ challenge_id: id, expires_at: expiresAt }).onConflict((oc) => oc.column('challenge_id').doNothing()).returning('challenge_id').execute();
      return rows.length === 1;
    },

    insertAttachment: (db: Kysely<DB>, row: { sha256: string; size: number; sniffed_type: string; data: Uint8Array; created_at: Date }) =>
      db.insertInto('attachments').values(row).onConflict((oc) => oc.column('sha256').doNothing()).execute(),

    insertReport: (db: Kysely<DB>, row: NewReport) => db.insertInto('reports').values(row).execute(),

    linkAttachments: async (db: Kysely<DB>, rows: { report_id: string; sha256: string; position: number; filename: string; declared_type: string | null }[]) => {
      if (rows.length) await db.insertInto('report_attachments').values(rows).execute();
    },

    findByTrackingCode: (db: Kysely<DB>, code: string) =>
      db.selectFrom('reports').select(['id', 'tracking_code', 'secret_hash', 'status', 'category', 'created_at', 'updated_at', 'public_status_note']).where('tracking_code', '=', code).executeTakeFirst(),

    findById: (db: Kysely<DB>, id: string) => db.selectFrom('reports').selectAll().where('id', '=', id).executeTakeFirst(),

    /** Newest first, keyset paged on (created_at, id); one row more than `limit` says there is a next page. */
    list: (db: Kysely<DB>, f: ReportFilter) => {
      let q = db
        .selectFrom('reports')
        .select(LIST_COLUMNS)
        .select((eb) => [
          sql<string | null>`left(${eb.ref('description')}, 200)`.as('description_preview'),
          sql<number>`jsonb_array_length(${eb.ref('observables')})`.as('observable_count'),
          eb.selectFrom('report_attachments').select(eb.fn.countAll<number>().as('n')).whereRef('report_id', '=', 'reports.id').as('attachment_count'),
        ])
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(f.limit + 1);
      if (f.status) q = q.where('status', '=', f.status);
      if (f.category) q = q.where('category', '=', f.category);
      if (f.after) {
        const { at, id } = f.after;
        q = q.where((eb) => eb.or([eb('created_at', '<', at), eb.and([eb('created_at', '=', at), eb('id', '<', id)])]));
      }
      return q.execute();
    },

    attachmentsOf: (db: Kysely<DB>, reportId: string) =>
      db
        .selectFrom('report_attachments as ra')
        .innerJoin('attachments as a', 'a.sha256', 'ra.sha256')
        .select(['ra.sha256', 'ra.filename', 'ra.declared_type', 'a.sniffed_type', 'a.size'])
        .where('ra.report_id', '=', reportId)
        .orderBy('ra.position')
        .execute(),

    /** The bytes of an attachment, only through a report that carries it. */
    attachmentData: (db: Kysely<DB>, reportId: string, sha256: string) =>
      db
        .selectFrom('report_attachments as ra')
        .innerJoin('attachments as a', 'a.sha256', 'ra.sha256')
        .select(['ra.filename', 'a.data', 'a.size'])
        .where('ra.report_id', '=', reportId)
        .where('ra.sha256', '=', sha256)
        .orderBy('ra.position')
        .limit(1)
        .executeTakeFirst(),

    lockById: (db: Kysely<DB>, id: string) =>
      db.selectFrom('reports').select(['id', 'tracking_code', 'status', 'public_status_note', 'incident_id']).where('id', '=', id).forUpdate().executeTakeFirst(),

    update: (db: Kysely<DB>, id: string, changes: ReportChanges) => db.updateTable('reports').set(changes).where('id', '=', id).execute(),

    async purgeThrottles(db: Kysely<DB>, now: Date, keepMs: number) {
      await db.deleteFrom('report_rate').where('window_start', '<', new Date(now.getTime() - keepMs)).execute();
      await db.deleteFrom('report_pow_spent').where('expires_at', '<', now).execute();
    },
  };
}
