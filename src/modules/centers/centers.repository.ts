import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';

export type CentersRepository = ReturnType<typeof createCentersRepository>;

export function createCentersRepository() {
  return {
    list: (db: Kysely<DB>, onlyId?: string) => {
      let q = db
        .selectFrom('centers')
        .selectAll()
        .select((eb) => eb.selectFrom('center_organizations').select(eb.fn.countAll<number>().as('n')).whereRef('center_id', '=', 'centers.id').as('organization_count'))
        .orderBy('name_key');
      if (onlyId) q = q.where('id', '=', onlyId);
      return q.execute();
    },
    find: (db: Kysely<DB>, id: string) => db.selectFrom('centers').selectAll().where('id', '=', id).executeTakeFirst(),
    insert: (db: Kysely<DB>, row: { id: string; name: string; name_key: string; created_at: Date; updated_at: Date }) => db.insertInto('centers').values(row).execute(),
    organizationIds: async (db: Kysely<DB>, centerId: string) =>
      (await db.selectFrom('center_organizations').select('organization_id').where('center_id', '=', centerId).execute()).map((r) => r.organization_id),
    async replaceOrganizations(db: Kysely<DB>, centerId: string, organizationIds: string[]) {
      await db.deleteFrom('center_organizations').where('center_id', '=', centerId).execute();
      if (organizationIds.length) {
        await db.insertInto('center_organizations').values(organizationIds.map((organization_id) => ({ center_id: centerId, organization_id }))).execute();
      }
    },
  };
}
