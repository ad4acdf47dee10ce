import { sql, type Insertable, type Kysely } from 'kysely';
import type { DB } from '../../../platform/db/schema.ts';
import type { OrgScope } from '../../constituency/index.ts';
import type { DigestDeliveriesTable, DigestRow, DigestScheduleRow, DigestSchedulesTable, DigestsTable } from './outputs.tables.ts';

export type DeliveryCursor = { t: string; i: string };

/** Every query of the digests. */
export function createDigestsRepository() {
  return {
    findSchedule: (db: Kysely<DB>, organizationId: string): Promise<DigestScheduleRow | undefined> =>
      db.selectFrom('digest_schedules').selectAll().where('organization_id', '=', organizationId).executeTakeFirst(),

    lockSchedule: (db: Kysely<DB>, organizationId: string): Promise<DigestScheduleRow | undefined> =>
      db.selectFrom('digest_schedules').selectAll().where('organization_id', '=', organizationId).forUpdate().executeTakeFirst(),

    async upsertSchedule(db: Kysely<DB>, row: Insertable<DigestSchedulesTable>): Promise<DigestScheduleRow> {
      const { organization_id: _key, created_at: _created, ...changes } = row;
      return db
        .insertInto('digest_schedules')
        .values(row)
        .onConflict((oc) => oc.column('organization_id').doUpdateSet({ ...changes, version: sql`digest_schedules.version + 1` }))
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    /** Schedules whose period ended by `dueBefore`, locked; rows another process holds are skipped. */
    lockDue: (db: Kysely<DB>, dueBefore: Date, limit: number): Promise<DigestScheduleRow[]> =>
      db
        .selectFrom('digest_schedules')
        .selectAll()
        .where('frequency', '<>', 'off')
        .where('next_period_end', '<=', dueBefore)
        .orderBy('next_period_end')
        .limit(limit)
        .forUpdate()
        .skipLocked()
        .execute(),

    advance: async (db: Kysely<DB>, organizationId: string, lastPeriodEnd: Date, nextPeriodEnd: Date | null): Promise<void> => {
      await db.updateTable('digest_schedules').set({ last_period_end: lastPeriodEnd, next_period_end: nextPeriodEnd }).where('organization_id', '=', organizationId).execute();
    },

    /** Inserts the digest of a period unless one exists (organization + period end is unique). */
    insertDigest: async (db: Kysely<DB>, row: Insertable<DigestsTable>): Promise<boolean> =>
      (await db.insertInto('digests').values(row).onConflict((oc) => oc.columns(['organization_id', 'period_end']).doNothing()).returning('id').executeTakeFirst()) !== undefined,

    lockDigest: (db: Kysely<DB>, id: string): Promise<DigestRow | undefined> => db.selectFrom('digests').selectAll().where('id', '=', id).forUpdate().executeTakeFirst(),

    markBuilt: async (db: Kysely<DB>, id: string, eventCount: number, csvSha256: string | null, at: Date): Promise<void> => {
      await db.updateTable('digests').set({ state: 'sent', event_count: eventCount, csv_sha256: csvSha256, built_at: at }).where('id', '=', id).execute();
    },

    listDigests: (db: Kysely<DB>, organizationId: string, limit: number): Promise<DigestRow[]> =>
      db.selectFrom('digests').selectAll().where('organization_id', '=', organizationId).orderBy('period_end', 'desc').limit(limit).execute(),

    insertDelivery: async (db: Kysely<DB>, row: Insertable<DigestDeliveriesTable>): Promise<void> => {
      await db.insertInto('digest_deliveries').values(row).onConflict((oc) => oc.columns(['digest_id', 'channel', 'recipient']).doNothing()).execute();
    },

    /** E-mail addresses of an organization's contacts: its 24/7 ones, or those with one of `roles`. */
    contactEmails: async (db: Kysely<DB>, organizationId: string, to: 'duty' | 'roles', roles: readonly string[]): Promise<string[]> => {
      let q = db.selectFrom('contacts').select('email').where('organization_id', '=', organizationId);
      q = to === 'duty' ? q.where('is_24x7', '=', true) : q.where(sql<boolean>`lower(role) = any(${roles.map((r) => r.toLowerCase())}::text[])`);
      return [...new Set((await q.orderBy('email').execute()).map((r) => r.email.toLowerCase()))];
    },

    /** True when the organization exists and lies within `scope`. */
    async isVisible(db: Kysely<DB>, scope: OrgScope, organizationId: string): Promise<boolean> {
      if (scope.kind === 'none' || (scope.kind === 'organization' && scope.organizationId !== organizationId)) return false;
      let q = db.selectFrom('organizations').select('id').where('id', '=', organizationId);
      if (scope.kind === 'center') q = q.where('id', 'in', db.selectFrom('center_organizations').select('organization_id').where('center_id', '=', scope.centerId));
      return (await q.executeTakeFirst()) !== undefined;
    },

    /** Those of `ids` that are active webhook endpoints (notify module), read in the caller's transaction. */
    activeEndpointIds: async (db: Kysely<DB>, ids: readonly string[]): Promise<string[]> =>
      ids.length ? (await db.selectFrom('webhook_endpoints').select('id').where('id', 'in', [...ids]).where('is_active', '=', true).execute()).map((r) => r.id) : [],

    organizationName: async (db: Kysely<DB>, id: string): Promise<string | null> => (await db.selectFrom('organizations').select('name').where('id', '=', id).executeTakeFirst())?.name ?? null,

    /** The sent log, newest first, within the caller's scope, with each notification's delivery state. */
    listDeliveries(db: Kysely<DB>, q: { scope: OrgScope; organizationId?: string | undefined; after?: DeliveryCursor | undefined; limit: number }) {
      let query = db
        .selectFrom('digest_deliveries as d')
        .leftJoin('notifications as n', 'n.id', 'd.notification_id')
        .leftJoin('organizations as o', 'o.id', 'd.organization_id')
        .selectAll('d')
        .select(['o.name as organization_name', 'n.status', 'n.sent_at', 'n.last_error'])
        .orderBy('d.created_at', 'desc')
        .orderBy('d.id', 'desc')
        .limit(q.limit);
      const s = q.scope;
      if (s.kind === 'organization') query = query.where('d.organization_id', '=', s.organizationId);
      else if (s.kind === 'center') query = query.where('d.organization_id', 'in', db.selectFrom('center_organizations').select('organization_id').where('center_id', '=', s.centerId));
      else if (s.kind === 'none') query = query.where(sql<boolean>`false`);
      if (q.organizationId) query = query.where('d.organization_id', '=', q.organizationId);
      const after = q.after;
      if (after) query = query.where(sql<boolean>`(d.created_at, d.id) < (${after.t}::timestamptz, ${after.i}::uuid)`);
      return query.execute();
    },
  };
}

export type DigestsRepository = ReturnType<typeof createDigestsRepository>;
