import { sql, type Expression, type ExpressionBuilder, type Kysely, type SqlBool } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import type { Pap, StixRow, Tlp } from './intel.tables.ts';
import { microsOf, unnestRows, type ColumnTypes } from './intel.sql.ts';

// Imports take this transaction lock so that seq order is commit order (stateless keyset cursors).
const IMPORT_LOCK = 7_361_014;

export type NewObjectRow = {
  id: string;
  modified: string;
  created: string;
  type: string;
  spec_version: string;
  date_added: Date;
  tlp: Tlp;
  pap: Pap | null;
  source: string;
  revoked: boolean;
  label: string | null;
  object: string;
  sha256: string;
};
const OBJECT_TYPES: ColumnTypes<NewObjectRow> = {
  id: 'text', modified: 'timestamptz', created: 'timestamptz', type: 'text', spec_version: 'text', date_added: 'timestamptz',
  tlp: 'text', pap: 'text', source: 'text', revoked: 'bool', label: 'text', object: 'jsonb', sha256: 'text',
};
export type InsertedRow = { id: string; modified: string; seq: number; existed: boolean; superseded: boolean };
export type EdgeRow = { id: string; source_ref: string; target_ref: string; relationship_type: string };
const EDGE_TYPES: ColumnTypes<EdgeRow> = { id: 'text', source_ref: 'text', target_ref: 'text', relationship_type: 'text' };
export type ObservableRow = { object_id: string; kind: string; value: string; net: string | null; origin: 'pattern' | 'sco' };
const OBSERVABLE_TYPES: ColumnTypes<ObservableRow> = { object_id: 'text', kind: 'text', value: 'text', net: 'cidr', origin: 'text' };

/** Which versions of each object: the last, the first, all, or those modified at given times. */
export type VersionMatch = 'last' | 'first' | 'all' | string;

export type ListFilter = {
  types?: string[] | undefined;
  ids?: string[] | undefined;
  versions?: VersionMatch[] | undefined;
  specVersions?: string[] | undefined;
  addedAfter?: Date | undefined;
  afterSeq?: number | undefined;
  tlpAllowed?: Tlp[] | undefined;
  q?: string | undefined;
  limit: number;
};

type Eb = ExpressionBuilder<DB, 'stix_objects'>;

function versionCondition(eb: Eb, v: VersionMatch): Expression<SqlBool> {
  if (v === 'all') return eb.lit(true);
  if (v === 'last' || v === 'first') {
    const later = eb
      .selectFrom('stix_objects as o2')
      .select('o2.seq')
      .whereRef('o2.id', '=', 'stix_objects.id')
      .whereRef('o2.modified', v === 'last' ? '>' : '<', 'stix_objects.modified');
    return eb.not(eb.exists(later));
  }
  return eb('stix_objects.modified', '=', sql<Date>`${v}::timestamptz`);
}

/** The only SQL on the STIX tables. */
export function createIntelRepository() {
  return {
    async lockImports(tx: Kysely<DB>): Promise<Date> {
      await sql`select pg_advisory_xact_lock(${IMPORT_LOCK})`.execute(tx);
      const { rows } = await sql<{ now: Date }>`select clock_timestamp() as now`.execute(tx);
      return new Date(rows[0]!.now);
    },

    /**
     * Inserts new versions; existing (id, modified) pairs are left alone and not returned. Each row
     * says whether its id was stored before this statement (`existed`) and whether a later version
     * was (`superseded`): the statement's own rows are not visible to those checks.
     */
    async insertObjects(tx: Kysely<DB>, rows: readonly NewObjectRow[]): Promise<InsertedRow[]> {
      if (!rows.length) return [];
      const { rows: out } = await sql<InsertedRow>`
        with ins as (
          insert into stix_objects ${unnestRows(OBJECT_TYPES, rows)}
          on conflict (id, modified) do nothing
          returning id, modified, seq)
        select ins.id, ${microsOf('ins.modified')} as modified, ins.seq,
               exists (select 1 from stix_objects o where o.id = ins.id) as existed,
               exists (select 1 from stix_objects o where o.id = ins.id and o.modified > ins.modified) as superseded
          from ins`.execute(tx);
      return out;
    },

    /** The latest stored `modified` (as micros text) of each id. */
    async latestModified(tx: Kysely<DB>, ids: readonly string[]): Promise<Map<string, string>> {
      if (!ids.length) return new Map();
      const rows = await tx
        .selectFrom('stix_objects')
        .select(['id', sql<string>`to_char(max(modified) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as('modified')])
        .where('id', '=', sql<string>`any(${[...ids]}::text[])`)
        .groupBy('id')
        .execute();
      return new Map(rows.map((r) => [r.id, r.modified]));
    },

    async existingIds(db: Kysely<DB>, ids: readonly string[]): Promise<Set<string>> {
      if (!ids.length) return new Set();
      const rows = await db.selectFrom('stix_objects').select('id').distinct().where('id', '=', sql<string>`any(${[...ids]}::text[])`).execute();
      return new Set(rows.map((r) => r.id));
    },

    /** The latest stored version of each marking definition among `ids`. */
    async findMarkings(db: Kysely<DB>, ids: readonly string[]): Promise<Record<string, unknown>[]> {
      if (!ids.length) return [];
      const rows = await db
        .selectFrom('stix_objects')
        .select('object')
        .where('type', '=', 'marking-definition')
        .where('id', '=', sql<string>`any(${[...ids]}::text[])`)
        .orderBy('id')
        .orderBy('modified', 'desc')
        .execute();
      return rows.map((r) => r.object as Record<string, unknown>);
    },

    async insertEdges(tx: Kysely<DB>, rows: readonly EdgeRow[]): Promise<void> {
      if (rows.length) await sql`insert into stix_edges ${unnestRows(EDGE_TYPES, rows)} on conflict do nothing`.execute(tx);
    },

    /** Replaces the observables of the given objects (their latest version changed). */
    async replaceObservables(tx: Kysely<DB>, objectIds: readonly string[], rows: readonly ObservableRow[]): Promise<void> {
      if (objectIds.length) await tx.deleteFrom('intel_observables').where('object_id', '=', sql<string>`any(${[...objectIds]}::text[])`).execute();
      if (rows.length) await sql`insert into intel_observables ${unnestRows(OBSERVABLE_TYPES, rows)} on conflict do nothing`.execute(tx);
    },

    /** One page of object versions in insertion order (keyset on seq). */
    async list(db: Kysely<DB>, f: ListFilter): Promise<StixRow[]> {
      let q = db.selectFrom('stix_objects').selectAll();
      if (f.types?.length) q = q.where('type', 'in', f.types);
      if (f.ids?.length) q = q.where('id', 'in', f.ids);
      if (f.specVersions?.length) q = q.where('spec_version', 'in', f.specVersions);
      if (f.tlpAllowed) q = f.tlpAllowed.length ? q.where('tlp', 'in', f.tlpAllowed) : q.where(sql<boolean>`false`);
      if (f.addedAfter) q = q.where('date_added', '>', f.addedAfter);
      if (f.afterSeq !== undefined) q = q.where('seq', '>', f.afterSeq);
      if (f.q) {
        const like = `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        q = q.where((eb) => eb.or([eb('label', 'ilike', like), eb('id', '=', f.q!)]));
      }
      const versions = f.versions?.length ? f.versions : ['last'];
      if (!versions.includes('all')) q = q.where((eb) => eb.or(versions.map((v) => versionCondition(eb, v))));
      return q.orderBy('seq').limit(f.limit).execute();
    },

    /** Every version of an object, oldest first. */
    async versions(db: Kysely<DB>, id: string, tlpAllowed?: Tlp[]): Promise<StixRow[]> {
      let q = db.selectFrom('stix_objects').selectAll().where('id', '=', id);
      if (tlpAllowed) q = tlpAllowed.length ? q.where('tlp', 'in', tlpAllowed) : q.where(sql<boolean>`false`);
      return q.orderBy('modified').execute();
    },

    /** Edges touching an object, either end. */
    async edgesOf(db: Kysely<DB>, id: string, limit: number): Promise<EdgeRow[]> {
      return db.selectFrom('stix_edges').selectAll().where((eb) => eb.or([eb('source_ref', '=', id), eb('target_ref', '=', id)])).orderBy('id').limit(limit).execute();
    },

    /** Latest visible version of each id, for export and graph ends. */
    async latestOf(db: Kysely<DB>, ids: readonly string[], tlpAllowed?: Tlp[]): Promise<StixRow[]> {
      if (!ids.length) return [];
      return this.list(db, { ids: [...ids], versions: ['last'], tlpAllowed, limit: ids.length });
    },
  };
}

export type IntelRepository = ReturnType<typeof createIntelRepository>;
