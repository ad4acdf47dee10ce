import { sql, type Expression, type ExpressionBuilder, type Kysely, type SqlBool } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import type { Pap, StixRow, Tlp } from './intel.tables.ts';
import type { TxCopy } from '../../platform/db/copy.ts';
import { EDGE_COLUMNS, encodeEdges, encodeObjects, encodeObservables, OBJECT_COLUMNS, OBSERVABLE_COLUMNS } from './intel.copy.ts';
import { microsOf, unnestRows, type ColumnTypes } from './intel.sql.ts';

// Imports take this transaction lock so that seq order is commit order (stateless keyset cursors).
const IMPORT_LOCK = 7_361_014;
const INSERT_BATCH = 5000;

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
export type InsertedRow = { id: string; modified: string };
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

/** The TAXII `match[version]` condition on stix_objects (`all`, `last`, `first` or a timestamp); the TAXII page reuses it. */
export function versionCondition(eb: Eb, v: VersionMatch): Expression<SqlBool> {
  if (v === 'all') return eb.lit(true);
  if (v === 'last') return eb('stix_objects.superseded', '=', false);
  if (v === 'first') {
    const later = eb
      .selectFrom('stix_objects as o2')
      .select('o2.seq')
      .whereRef('o2.id', '=', 'stix_objects.id')
      .whereRef('o2.modified', '<', 'stix_objects.modified');
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
     * The highest insertion order stored (0 when none). Under the imports' lock, the versions an
     * import inserts are exactly those above its value before the insert, up to its value after.
     */
    async lastSeq(tx: Kysely<DB>): Promise<number> {
      const { rows } = await sql<{ seq: string | number | null }>`select max(seq) as seq from stix_objects`.execute(tx);
      return Number(rows[0]?.seq ?? 0);
    },

    /** The stored versions (`micros` text) of each of `ids`: one index probe per id, in one statement. */
    async storedVersions(tx: Kysely<DB>, ids: readonly string[]): Promise<Map<string, string[]>> {
      const out = new Map<string, string[]>();
      if (!ids.length) return out;
      const { rows } = await sql<{ id: string; modified: string }>`select id, ${microsOf('modified')} as modified from stix_objects where id = any(${[...ids]}::text[])`.execute(tx);
      for (const r of rows) {
        const l = out.get(r.id);
        if (l) l.push(r.modified);
        else out.set(r.id, [r.modified]);
      }
      return out;
    },

    /**
     * Inserts versions the caller found not stored; returns those inserted. With `copy` (the
     * caller holds the imports' lock, so nothing else can have written them in between) a binary
     * COPY; else `on conflict do nothing` keeps a version another writer stored first.
     */
    async insertObjects(tx: Kysely<DB>, rows: readonly NewObjectRow[], copy: TxCopy | null): Promise<InsertedRow[]> {
      if (!rows.length) return [];
      const data = copy ? encodeObjects(rows) : null;
      if (copy && data) {
        await copy('stix_objects', OBJECT_COLUMNS, data);
        return rows.map((r) => ({ id: r.id, modified: r.modified }));
      }
      const out: InsertedRow[] = [];
      // Batches of a few thousand rows: one huge array literal costs more per row on a server.
      for (let i = 0; i < rows.length; i += INSERT_BATCH) {
        const { rows: inserted } = await sql<InsertedRow>`
          insert into stix_objects ${unnestRows(OBJECT_TYPES, rows.slice(i, i + INSERT_BATCH))}
          on conflict (id, modified) do nothing
          returning id, ${microsOf('modified')} as modified`.execute(tx);
        out.push(...inserted);
      }
      return out;
    },

    /**
     * Marks every version of each id older than its newest (`newest`: id -> micros) superseded: after
     * an import stored a version of an id that already had one (or several of one id), whichever came
     * last in time. Ids with a single version have nothing to mark and need not be passed.
     */
    async supersede(tx: Kysely<DB>, newest: ReadonlyMap<string, string>): Promise<void> {
      if (!newest.size) return;
      const list = JSON.stringify([...newest].map(([id, modified]) => ({ id, modified })));
      await sql`update stix_objects s set superseded = true
          from json_to_recordset(${list}::json) as n(id text, modified timestamptz)
         where s.id = n.id and s.modified < n.modified and not s.superseded`.execute(tx);
    },

    /** Sets `superseded` again for every version of `id` (after versions were deleted). */
    async resetSuperseded(tx: Kysely<DB>, id: string): Promise<void> {
      await sql`update stix_objects s set superseded = (s.modified < m.newest)
          from (select max(modified) as newest from stix_objects where id = ${id}) m
         where s.id = ${id} and s.superseded <> (s.modified < m.newest)`.execute(tx);
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

    /**
     * Edges of relationships and sightings. With `copy` (under the imports' lock), the edges of
     * objects in `firstStored` (stored for the first time by this import: no edges yet) go in by
     * binary COPY; the others, which may be there, with `on conflict do nothing`.
     */
    async insertEdges(tx: Kysely<DB>, rows: readonly EdgeRow[], copy: TxCopy | null = null, firstStored: ReadonlySet<string> = new Set()): Promise<void> {
      const known: EdgeRow[] = [];
      const fresh = new Map<string, EdgeRow>();
      for (const r of rows) {
        if (copy && firstStored.has(r.id)) fresh.set(`${r.id} ${r.source_ref} ${r.target_ref}`, r);
        else known.push(r);
      }
      if (copy && fresh.size) await copy('stix_edges', EDGE_COLUMNS, encodeEdges([...fresh.values()]));
      if (known.length) await sql`insert into stix_edges ${unnestRows(EDGE_TYPES, known)} on conflict do nothing`.execute(tx);
    },

    /**
     * Replaces the observables of the given objects (their latest version changed). With `copy`
     * (under the imports' lock) the rows go in by binary COPY: the caller guarantees that objects of
     * `rows` not in `objectIds` have none stored (stored for the first time), and no row twice.
     */
    async replaceObservables(tx: Kysely<DB>, objectIds: readonly string[], rows: readonly ObservableRow[], copy: TxCopy | null = null): Promise<void> {
      if (objectIds.length) await tx.deleteFrom('intel_observables').where('object_id', '=', sql<string>`any(${[...objectIds]}::text[])`).execute();
      if (!rows.length) return;
      const data = copy ? encodeObservables(rows) : null;
      if (copy && data) await copy('intel_observables', OBSERVABLE_COLUMNS, data);
      else await sql`insert into intel_observables ${unnestRows(OBSERVABLE_TYPES, rows)} on conflict do nothing`.execute(tx);
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
