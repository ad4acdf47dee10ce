import { sql, type ExpressionBuilder, type Kysely } from 'kysely';
import type { AssetRow, AssetType, ContactRow, DB, OrganizationRow, OrganizationUpdate } from '../../platform/db/schema.ts';
import type { OrgScope } from './scope.ts';

// Asset changes are numbered under this lock so that their order is their commit order.
const ASSET_CHANGES_LOCK = 7_361_004;

export type OrgFilter = { q?: string | undefined; sector?: string | undefined; isCii?: boolean | undefined };
export type OrgCursor = { k: string; i: string };
export type AssetChange = { op: 'add' | 'remove'; asset_id: string; organization_id: string; type: AssetType; value: string };

function inScope(eb: ExpressionBuilder<DB, 'organizations'>, scope: OrgScope) {
  switch (scope.kind) {
    case 'all':
      return eb.lit(true);
    case 'organization':
      return eb('organizations.id', '=', scope.organizationId);
    case 'center':
      return eb(
        'organizations.id',
        'in',
        eb.selectFrom('center_organizations').select('organization_id').where('center_id', '=', scope.centerId),
      );
    case 'none':
      return eb.lit(false);
  }
}

/** LIKE pattern for "contains", with the caller's %, _ and \ taken literally. */
function containsPattern(q: string): string {
  return `%${q.toLowerCase().replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
}

export type ConstituencyRepository = ReturnType<typeof createConstituencyRepository>;

export function createConstituencyRepository() {
  const withCounts = (db: Kysely<DB>) =>
    db
      .selectFrom('organizations')
      .selectAll('organizations')
      .select((eb) => [
        eb.selectFrom('network_assets').select(eb.fn.countAll<number>().as('n')).whereRef('organization_id', '=', 'organizations.id').as('asset_count'),
        eb.selectFrom('contacts').select(eb.fn.countAll<number>().as('n')).whereRef('organization_id', '=', 'organizations.id').as('contact_count'),
      ]);

  return {
    listSectors: (db: Kysely<DB>) => db.selectFrom('sectors').select(['code', 'name']).orderBy('name').execute(),
    insertSector: (db: Kysely<DB>, row: { code: string; name: string }) => db.insertInto('sectors').values(row).execute(),

    async listOrganizations(db: Kysely<DB>, scope: OrgScope, f: OrgFilter, after: OrgCursor | undefined, limit: number) {
      let q = withCounts(db).where((eb) => inScope(eb, scope));
      if (f.q) q = q.where(sql<boolean>`organizations.name_key like ${containsPattern(f.q)} escape '\\'`);
      if (f.sector) q = q.where('organizations.sector', '=', f.sector);
      if (f.isCii !== undefined) q = q.where('organizations.is_cii', '=', f.isCii);
      if (after) q = q.where((eb) => eb(eb.refTuple('organizations.name_key', 'organizations.id'), '>', eb.tuple(after.k, after.i)));
      return q.orderBy('organizations.name_key').orderBy('organizations.id').limit(limit).execute();
    },
    findOrganization: (db: Kysely<DB>, id: string, scope: OrgScope) =>
      withCounts(db).where('organizations.id', '=', id).where((eb) => inScope(eb, scope)).executeTakeFirst(),
    findOrganizationRow: (db: Kysely<DB>, id: string) => db.selectFrom('organizations').selectAll().where('id', '=', id).forUpdate().executeTakeFirst(),
    findOrganizationsByNameKeys: (db: Kysely<DB>, keys: string[]) =>
      keys.length ? db.selectFrom('organizations').selectAll().where('name_key', 'in', keys).execute() : Promise.resolve([] as OrganizationRow[]),
    findOrganizationsByIds: (db: Kysely<DB>, ids: string[], scope: OrgScope) =>
      ids.length
        ? db.selectFrom('organizations').select(['id', 'name', 'sector', 'is_cii']).where('id', 'in', ids).where((eb) => inScope(eb, scope)).execute()
        : Promise.resolve([]),
    insertOrganization: (db: Kysely<DB>, row: OrganizationRow) => db.insertInto('organizations').values(row).execute(),
    updateOrganization: (db: Kysely<DB>, id: string, patch: OrganizationUpdate) =>
      db.updateTable('organizations').set(patch).where('id', '=', id).returningAll().executeTakeFirstOrThrow(),
    deleteOrganization: (db: Kysely<DB>, id: string) => db.deleteFrom('organizations').where('id', '=', id).execute(),
    allOrganizations: (db: Kysely<DB>) => db.selectFrom('organizations').selectAll().orderBy('name_key').execute(),

    listAssets: (db: Kysely<DB>, organizationId: string) =>
      db.selectFrom('network_assets').selectAll().where('organization_id', '=', organizationId).orderBy('type').orderBy('value').execute(),
    listAssetsOf: (db: Kysely<DB>, organizationIds: string[]) =>
      organizationIds.length ? db.selectFrom('network_assets').selectAll().where('organization_id', 'in', organizationIds).execute() : Promise.resolve([] as AssetRow[]),
    findAsset: (db: Kysely<DB>, organizationId: string, id: string) =>
      db.selectFrom('network_assets').selectAll().where('id', '=', id).where('organization_id', '=', organizationId).executeTakeFirst(),
    insertAssets: (db: Kysely<DB>, rows: AssetRow[]) =>
      rows.length
        ? db.insertInto('network_assets').values(rows).onConflict((oc) => oc.columns(['organization_id', 'type', 'value']).doNothing()).returningAll().execute()
        : Promise.resolve([] as AssetRow[]),
    deleteAsset: (db: Kysely<DB>, id: string) => db.deleteFrom('network_assets').where('id', '=', id).execute(),

    listContacts: (db: Kysely<DB>, organizationId: string) =>
      db.selectFrom('contacts').selectAll().where('organization_id', '=', organizationId).orderBy('name').execute(),
    listContactsOf: (db: Kysely<DB>, organizationIds: string[]) =>
      organizationIds.length ? db.selectFrom('contacts').selectAll().where('organization_id', 'in', organizationIds).orderBy('name').execute() : Promise.resolve([] as ContactRow[]),
    findContact: (db: Kysely<DB>, organizationId: string, id: string) =>
      db.selectFrom('contacts').selectAll().where('id', '=', id).where('organization_id', '=', organizationId).executeTakeFirst(),
    insertContact: (db: Kysely<DB>, row: ContactRow) => db.insertInto('contacts').values(row).execute(),
    updateContact: (db: Kysely<DB>, id: string, patch: Partial<ContactRow>) =>
      db.updateTable('contacts').set(patch).where('id', '=', id).returningAll().executeTakeFirstOrThrow(),
    deleteContact: (db: Kysely<DB>, id: string) => db.deleteFrom('contacts').where('id', '=', id).execute(),

    /** Takes the asset change lock; before any organization row lock and the audit chain's lock. */
    async lockAssetChanges(tx: Kysely<DB>): Promise<void> {
      await sql`select pg_advisory_xact_lock(${sql.lit(ASSET_CHANGES_LOCK)})`.execute(tx);
    },
    async recordAssetChanges(tx: Kysely<DB>, changes: AssetChange[]): Promise<void> {
      if (!changes.length) return;
      await sql`select pg_advisory_xact_lock(${sql.lit(ASSET_CHANGES_LOCK)})`.execute(tx);
      for (let i = 0; i < changes.length; i += 1000) await tx.insertInto('asset_changes').values(changes.slice(i, i + 1000)).execute();
    },
    async latestChangeSeq(db: Kysely<DB>): Promise<number> {
      const r = await db.selectFrom('asset_changes').select((eb) => eb.fn.max('seq').as('seq')).executeTakeFirst();
      return Number(r?.seq ?? 0);
    },
    changesAfter: (db: Kysely<DB>, seq: number, limit: number) =>
      db.selectFrom('asset_changes').select(['seq', 'op', 'asset_id', 'organization_id', 'type', 'value']).where('seq', '>', seq).orderBy('seq').limit(limit).execute(),
    allAssetsForIndex: (db: Kysely<DB>) => db.selectFrom('network_assets').select(['id', 'organization_id', 'type', 'value']).execute(),
  };
}
