import { sql, type Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import { versionOf, type StixObject, type StoredVersion, type Tlp, type VersionMatch } from '../sharing/index.ts';
import { versionCondition } from '../intel/index.ts';
import type { TaxiiStatusRow } from './taxii.tables.ts';

export type StatusDetail = { id: string; version?: string | undefined; message?: string | undefined };

/** What a TAXII read asks of the store (the agreement's TLP levels and types already applied). */
export type PageFilter = {
  types?: readonly string[] | undefined;
  ids?: readonly string[] | undefined;
  versions?: readonly VersionMatch[] | undefined;
  specVersions?: readonly string[] | undefined;
  addedAfter?: Date | undefined;
  afterSeq: number;
  tlpAllowed: readonly Tlp[];
  limit: number;
};

// [seq, id, type, spec_version, tlp, source, date_added (epoch ms), modified (epoch ms), object]
type PageTuple = [number, string, string, string, Tlp, string, number, number, StixObject];

const epochMs = (column: string) => sql`floor(extract(epoch from ${sql.ref(column)}) * 1000)`;

/** SQL of TAXII: status resources, and the page query on the intel store every read goes through. */
export function createTaxiiRepository() {
  return {
    insertStatus: (db: Kysely<DB>, row: { id: string; partner_id: string | null; user_id: string; collection_id: string; total_count: number; pending_count: number; pendings: StatusDetail[]; at: Date }) =>
      db
        .insertInto('taxii_status')
        .values({
          id: row.id,
          partner_id: row.partner_id,
          user_id: row.user_id,
          collection_id: row.collection_id,
          status: 'pending',
          request_timestamp: row.at,
          total_count: row.total_count,
          pending_count: row.pending_count,
          pendings: JSON.stringify(row.pendings),
          updated_at: row.at,
        })
        .execute(),
    completeStatus: (db: Kysely<DB>, id: string, r: { successes: StatusDetail[]; failures: StatusDetail[]; at: Date }) =>
      db
        .updateTable('taxii_status')
        .set({
          status: 'complete',
          success_count: r.successes.length,
          failure_count: r.failures.length,
          pending_count: 0,
          successes: JSON.stringify(r.successes),
          failures: JSON.stringify(r.failures),
          pendings: '[]',
          updated_at: r.at,
        })
        .where('id', '=', id)
        .execute(),
    findStatus: (db: Kysely<DB>, id: string): Promise<TaxiiStatusRow | undefined> => db.selectFrom('taxii_status').selectAll().where('id', '=', id).executeTakeFirst(),

    /**
     * One page of stored versions in insertion (seq) order after `afterSeq`. The page comes back as
     * one JSON text that is parsed once: a row per version, a field per column, costs more to
     * decode than the query costs to run (the embedded engine's wire parser is JavaScript).
     */
    async listPage(db: Kysely<DB>, f: PageFilter): Promise<StoredVersion[]> {
      if (!f.tlpAllowed.length || f.limit < 1) return [];
      let q = db.selectFrom('stix_objects').where('tlp', 'in', [...f.tlpAllowed]).where('seq', '>', f.afterSeq);
      if (f.types) q = f.types.length ? q.where('type', 'in', [...f.types]) : q.where(sql<boolean>`false`);
      if (f.ids) q = f.ids.length ? q.where('id', 'in', [...f.ids]) : q.where(sql<boolean>`false`);
      if (f.specVersions?.length) q = q.where('spec_version', 'in', [...f.specVersions]);
      if (f.addedAfter) q = q.where('date_added', '>', f.addedAfter);
      const versions = f.versions?.length ? f.versions : ['last'];
      if (!versions.includes('all')) q = q.where((eb) => eb.or(versions.map((v) => versionCondition(eb, v))));
      const page = q
        .select(['seq', 'id', 'type', 'spec_version', 'tlp', 'source', epochMs('date_added').as('added_ms'), epochMs('modified').as('modified_ms'), 'object'])
        .orderBy('seq')
        .limit(f.limit);
      const { rows } = await sql<{ page: string }>`
        select coalesce(json_agg(json_build_array(p.seq, p.id, p.type, p.spec_version, p.tlp, p.source, p.added_ms, p.modified_ms, p.object) order by p.seq), '[]')::text as page
          from (${page}) p`.execute(db);
      return (JSON.parse(rows[0]!.page) as PageTuple[]).map(([seq, id, type, specVersion, tlp, source, addedMs, modifiedMs, object]) => ({
        seq,
        id,
        type,
        version: versionOf(object, new Date(modifiedMs)),
        dateAdded: new Date(addedMs),
        specVersion,
        tlp,
        source,
        object,
      }));
    },
  };
}

export type TaxiiRepository = ReturnType<typeof createTaxiiRepository>;
