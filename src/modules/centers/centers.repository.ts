import type { Insertable, Kysely, Updateable } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import { ops, type CenterContactRow, type CenterContactsTable, type CentersOpsTable } from './centers.tables.ts';

export type CentersRepository = ReturnType<typeof createCentersRepository>;
export type CenterUpdate = Pick<Updateable<CentersOpsTable>, 'name' | 'name_key' | 'description' | 'heartbeat_interval_seconds' | 'silent_after_seconds' | 'updated_at'>;

export function createCentersRepository() {
  return {
    /** Centers by name with their organization and contact counts; `onlyId` narrows to one. */
    list: (db: Kysely<DB>, onlyId?: string) => {
      let q = ops(db)
        .selectFrom('centers')
        .selectAll('centers')
        .select((eb) => [
          eb.selectFrom('center_organizations').select(eb.fn.countAll<string>().as('n')).whereRef('center_id', '=', 'centers.id').as('organization_count'),
          eb.selectFrom('center_contacts').select(eb.fn.countAll<string>().as('n')).whereRef('center_id', '=', 'centers.id').as('contact_count'),
        ])
        .orderBy('name_key');
      if (onlyId) q = q.where('id', '=', onlyId);
      return q.execute();
    },
    find: (db: Kysely<DB>, id: string) => ops(db).selectFrom('centers').selectAll().where('id', '=', id).executeTakeFirst(),
    /** The row, locked until the transaction ends (heartbeats of this center wait for it). */
    findForUpdate: (db: Kysely<DB>, id: string) => ops(db).selectFrom('centers').selectAll().where('id', '=', id).forUpdate().executeTakeFirst(),
    insert: (db: Kysely<DB>, row: Insertable<CentersOpsTable>) => ops(db).insertInto('centers').values(row).execute(),
    update: (db: Kysely<DB>, id: string, set: CenterUpdate) => ops(db).updateTable('centers').set(set).where('id', '=', id).returningAll().executeTakeFirstOrThrow(),
    /** Centers that have beaten at least once (only those can go silent). */
    listBeating: (db: Kysely<DB>) =>
      ops(db).selectFrom('centers').select(['id', 'name', 'last_heartbeat_at', 'heartbeat_interval_seconds', 'silent_after_seconds']).where('last_heartbeat_at', 'is not', null).execute(),

    /**
     * Stores a beat unless one was stored less than `minGapMs` ago (then returns undefined). One
     * conditional UPDATE, so concurrent beats on any number of processes store at most one.
     */
    recordHeartbeat: (db: Kysely<DB>, id: string, at: Date, report: unknown, minGapMs: number) =>
      ops(db)
        .updateTable('centers')
        .set({ last_heartbeat_at: at, last_heartbeat: JSON.stringify(report) })
        .where('id', '=', id)
        .where((eb) => eb.or([eb('last_heartbeat_at', 'is', null), eb('last_heartbeat_at', '<=', new Date(at.getTime() - minGapMs))]))
        .returningAll()
        .executeTakeFirst(),

    organizationIds: async (db: Kysely<DB>, centerId: string) =>
      (await db.selectFrom('center_organizations').select('organization_id').where('center_id', '=', centerId).execute()).map((r) => r.organization_id),
    async replaceOrganizations(db: Kysely<DB>, centerId: string, organizationIds: string[]) {
      await db.deleteFrom('center_organizations').where('center_id', '=', centerId).execute();
      if (organizationIds.length) {
        await db.insertInto('center_organizations').values(organizationIds.map((organization_id) => ({ center_id: centerId, organization_id }))).execute();
      }
    },

    /** Contacts of these centers, 24/7 ones first, then by name; `only24x7` keeps the duty ones. */
    contactsOf: async (db: Kysely<DB>, centerIds: string[], only24x7 = false): Promise<CenterContactRow[]> => {
      if (!centerIds.length) return [];
      let q = db.selectFrom('center_contacts').selectAll().where('center_id', 'in', centerIds);
      if (only24x7) q = q.where('is_24x7', '=', true);
      return q.orderBy('is_24x7', 'desc').orderBy('name').orderBy('id').execute();
    },
    insertContact: (db: Kysely<DB>, row: Insertable<CenterContactsTable>) => db.insertInto('center_contacts').values(row).returningAll().executeTakeFirstOrThrow(),
    deleteContact: (db: Kysely<DB>, centerId: string, contactId: string) =>
      db.deleteFrom('center_contacts').where('center_id', '=', centerId).where('id', '=', contactId).returningAll().executeTakeFirst(),
  };
}
