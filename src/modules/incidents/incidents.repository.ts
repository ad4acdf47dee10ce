import { sql, type Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import type { Principal } from '../../platform/http/context.ts';
import type { ClockRow, IncidentRow, IncidentsTable, TimelineRow } from './incidents.tables.ts';
import type { SelectQueryBuilder, Updateable } from 'kysely';
import { seesAll, visibleTo } from './incidents.visibility.ts';
import { column, unnestRows, type ColumnTypes } from './incidents.unnest.ts';

export type IncidentFilter = {
  states?: string[] | undefined;
  severities?: string[] | undefined;
  tlps?: string[] | undefined;
  organizationId?: string | undefined;
  centerId?: string | undefined;
  sector?: string | undefined;
  taxonomy?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  q?: string | undefined;
};
export type IncidentCursor = { u: string; i: string };

const COLUMNS = [
  'incidents.id', 'incidents.ref', 'incidents.title', 'incidents.description', 'incidents.state', 'incidents.severity',
  'incidents.rsit_taxonomy', 'incidents.rsit_type', 'incidents.tlp', 'incidents.pap', 'incidents.organization_id',
  'incidents.cii_object', 'incidents.source', 'incidents.source_center_id', 'incidents.external_id',
  'incidents.assignee_user_id', 'incidents.assignee_center_id', 'incidents.detected_at', 'incidents.started_at',
  'incidents.aware_at', 'incidents.affected_systems', 'incidents.merged_into', 'incidents.version',
  'incidents.created_at', 'incidents.updated_at', 'incidents.closed_at',
] as const;

export type IncidentsRepository = ReturnType<typeof createIncidentsRepository>;
/** The fields a center notification sets. */
export type IntakeFields = Pick<IncidentRow, 'title' | 'description' | 'severity' | 'rsit_taxonomy' | 'rsit_type' | 'tlp' | 'pap' | 'organization_id' | 'cii_object' | 'detected_at' | 'started_at' | 'affected_systems'>;

type ObservableRow = { incident_id: string; type: string; value: string };
type NewTimelineEntry = Omit<TimelineRow, 'id' | 'data'> & { data: unknown };

const INCIDENT_TYPES: ColumnTypes<IncidentRow> = {
  id: 'uuid', ref: 'text', title: 'text', description: 'text', state: 'text', severity: 'text', rsit_taxonomy: 'text', rsit_type: 'text',
  tlp: 'text', pap: 'text', organization_id: 'uuid', cii_object: 'text', source: 'text', source_center_id: 'uuid', external_id: 'text',
  assignee_user_id: 'uuid', assignee_center_id: 'uuid', detected_at: 'timestamptz', started_at: 'timestamptz', aware_at: 'timestamptz',
  affected_systems: 'text', merged_into: 'uuid', version: 'int4', created_at: 'timestamptz', updated_at: 'timestamptz', closed_at: 'timestamptz',
};
const OBSERVABLE_TYPES: ColumnTypes<ObservableRow> = { incident_id: 'uuid', type: 'text', value: 'text' };
const TIMELINE_TYPES: ColumnTypes<NewTimelineEntry> = { incident_id: 'uuid', at: 'timestamptz', actor_id: 'uuid', actor_label: 'text', kind: 'text', data: 'jsonb' };
const CLOCK_TYPES: ColumnTypes<ClockRow> = {
  incident_id: 'uuid', kind: 'text', label: 'text', source: 'text', started_at: 'timestamptz', due_at: 'timestamptz',
  met_at: 'timestamptz', paused_at: 'timestamptz', escalated_at: 'timestamptz', breached_at: 'timestamptz',
};
const PATCH_TYPES: ColumnTypes<IntakeFields & { id: string; version: number }> = {
  id: 'uuid', version: 'int4', title: 'text', description: 'text', severity: 'text', rsit_taxonomy: 'text', rsit_type: 'text', tlp: 'text', pap: 'text',
  organization_id: 'uuid', cii_object: 'text', detected_at: 'timestamptz', started_at: 'timestamptz', affected_systems: 'text',
};
const PATCH_COLUMNS = Object.keys(PATCH_TYPES) as (keyof typeof PATCH_TYPES)[];

const YEAR_MS = 365 * 24 * 3600_000;

/**
 * Whether the range ended longer ago than it lasted: then fewer cases were created in it than have
 * changed since, and reading the range beats walking the queue. A range without a start counts as a year.
 */
function isPastRange(f: IncidentFilter, now: Date): boolean {
  if (!f.to) return false;
  const from = f.from?.getTime() ?? f.to.getTime() - YEAR_MS;
  return f.to.getTime() - from < now.getTime() - f.to.getTime();
}

/** The filters, the caller's visibility and the keyset position; national CERT staff skip the visibility predicate. */
function filtered<O>(q: SelectQueryBuilder<DB, 'incidents', O>, p: Principal, f: IncidentFilter, after: IncidentCursor | undefined): SelectQueryBuilder<DB, 'incidents', O> {
  if (!seesAll(p)) q = q.where((eb) => visibleTo(eb, p));
  if (f.states?.length) q = q.where('incidents.state', 'in', f.states as IncidentRow['state'][]);
  if (f.severities?.length) q = q.where('incidents.severity', 'in', f.severities as IncidentRow['severity'][]);
  if (f.tlps?.length) q = q.where('incidents.tlp', 'in', f.tlps as IncidentRow['tlp'][]);
  if (f.organizationId) q = q.where('incidents.organization_id', '=', f.organizationId);
  if (f.centerId) q = q.where((eb) => eb.or([eb('incidents.source_center_id', '=', f.centerId!), eb('incidents.assignee_center_id', '=', f.centerId!)]));
  if (f.sector) q = q.where('incidents.organization_id', 'in', (eb) => eb.selectFrom('organizations').select('id').where('sector', '=', f.sector!));
  if (f.taxonomy) q = q.where('incidents.rsit_taxonomy', '=', f.taxonomy);
  if (f.from) q = q.where('incidents.created_at', '>=', f.from);
  if (f.to) q = q.where('incidents.created_at', '<', f.to);
  if (f.q) q = q.where(sql<boolean>`incidents.search @@ websearch_to_tsquery('simple', ${f.q})`);
  if (after) q = q.where((eb) => eb(eb.refTuple('incidents.updated_at', 'incidents.id'), '<', eb.tuple(new Date(after.u) as never, after.i)));
  return q;
}

export function createIncidentsRepository() {
  const base = (db: Kysely<DB>) => db.selectFrom('incidents').select(COLUMNS);
  return {
    async nextRef(tx: Kysely<DB>, year: number): Promise<string> {
      const { rows } = await sql<{ n: number }>`select nextval('incident_ref_seq')::int8 as n`.execute(tx);
      return `INC-${year}-${String(rows[0]?.n ?? 0).padStart(6, '0')}`;
    },
    insert: (tx: Kysely<DB>, row: IncidentRow) => tx.insertInto('incidents').values(row).execute(),
    findVisible: (db: Kysely<DB>, id: string, p: Principal) =>
      base(db).where('incidents.id', '=', id).where((eb) => visibleTo(eb, p)).executeTakeFirst() as Promise<IncidentRow | undefined>,
    findForUpdate: (tx: Kysely<DB>, id: string) => base(tx).where('incidents.id', '=', id).forUpdate().executeTakeFirst() as Promise<IncidentRow | undefined>,
    /** Several refs at once, in sequence order. */
    async nextRefs(tx: Kysely<DB>, year: number, count: number): Promise<string[]> {
      if (count === 0) return [];
      const { rows } = await sql<{ n: number }>`select nextval('incident_ref_seq')::int8 as n from generate_series(1, ${count}::int)`.execute(tx);
      return rows.map((r) => `INC-${year}-${String(r.n).padStart(6, '0')}`);
    },
    async insertMany(tx: Kysely<DB>, rows: readonly IncidentRow[]): Promise<void> {
      if (rows.length) await sql`insert into incidents ${unnestRows(INCIDENT_TYPES, rows)}`.execute(tx);
    },
    /** A center's incidents by its own ids, locked in id order (so concurrent batches cannot deadlock). */
    findByExternalIdsForUpdate: (tx: Kysely<DB>, centerId: string, externalIds: readonly string[]) =>
      externalIds.length === 0
        ? Promise.resolve([] as IncidentRow[])
        : (base(tx).where('incidents.source_center_id', '=', centerId).where('incidents.external_id', 'in', externalIds).orderBy('incidents.id').forUpdate().execute() as Promise<IncidentRow[]>),
    findByExternalForUpdate: (tx: Kysely<DB>, centerId: string, externalId: string) =>
      base(tx).where('incidents.source_center_id', '=', centerId).where('incidents.external_id', '=', externalId).forUpdate().executeTakeFirst() as Promise<IncidentRow | undefined>,
    /** Applies `patch` only if the row is still at `version`; undefined means someone else won. */
    updateIfVersion: (tx: Kysely<DB>, id: string, version: number, patch: Updateable<IncidentsTable>) =>
      tx.updateTable('incidents').set({ ...patch, version: version + 1 }).where('id', '=', id).where('version', '=', version).returning(COLUMNS.map((c) => c.slice(10)) as never).executeTakeFirst() as Promise<IncidentRow | undefined>,

    /**
     * A page of the queue, newest change first. Most filters walk an index in queue order and stop
     * after `limit` rows. A date range that ended long ago is read from incidents_created_idx and
     * sorted instead: walking in queue order would first pass every newer case, and the planner
     * cannot know that (created_at follows updated_at closely).
     */
    async list(db: Kysely<DB>, p: Principal, f: IncidentFilter, after: IncidentCursor | undefined, limit: number, now = new Date()): Promise<IncidentRow[]> {
      if (!isPastRange(f, now)) return filtered(base(db), p, f, after).orderBy('incidents.updated_at', 'desc').orderBy('incidents.id', 'desc').limit(limit).execute() as Promise<IncidentRow[]>;
      return db
        .with((wb) => wb('matching').materialized(), (qb) => filtered(qb.selectFrom('incidents').select(['incidents.id', 'incidents.updated_at']), p, f, after))
        .with('page', (qb) => qb.selectFrom('matching').select('matching.id').orderBy('matching.updated_at', 'desc').orderBy('matching.id', 'desc').limit(limit))
        .selectFrom('incidents')
        .innerJoin('page', 'page.id', 'incidents.id')
        .select(COLUMNS)
        .orderBy('incidents.updated_at', 'desc')
        .orderBy('incidents.id', 'desc')
        .execute() as Promise<IncidentRow[]>;
    },

    listObservables: (db: Kysely<DB>, incidentId: string) =>
      db.selectFrom('incident_observables').select(['type', 'value']).where('incident_id', '=', incidentId).orderBy('type').orderBy('value').execute(),
    async addObservables(tx: Kysely<DB>, incidentId: string, obs: { type: string; value: string }[]) {
      if (!obs.length) return [];
      return tx
        .insertInto('incident_observables')
        .values(obs.map((o) => ({ incident_id: incidentId, ...o })))
        .onConflict((oc) => oc.columns(['incident_id', 'type', 'value']).doNothing())
        .returning(['type', 'value'])
        .execute();
    },
    /** Observables of incidents created in this transaction (the caller de-duplicated them). */
    async insertObservables(tx: Kysely<DB>, rows: readonly ObservableRow[]): Promise<void> {
      if (rows.length) await sql`insert into incident_observables ${unnestRows(OBSERVABLE_TYPES, rows)}`.execute(tx);
    },
    /** Adds observables to existing incidents; returns the ones that were new. */
    async addObservablesMany(tx: Kysely<DB>, rows: readonly ObservableRow[]): Promise<ObservableRow[]> {
      if (!rows.length) return [];
      const { rows: added } = await sql<ObservableRow>`insert into incident_observables ${unnestRows(OBSERVABLE_TYPES, rows)}
        on conflict (incident_id, type, value) do nothing returning incident_id, type, value`.execute(tx);
      return added;
    },
    /**
     * Applies each patch only where the row is still at its version (one statement for all);
     * returns the rows that were changed.
     */
    async updateManyIfVersion(tx: Kysely<DB>, changes: readonly { id: string; version: number; patch: IntakeFields }[], now: Date): Promise<IncidentRow[]> {
      if (!changes.length) return [];
      const patches = changes.map((c) => ({ id: c.id, version: c.version, ...c.patch }));
      const { rows } = await sql<IncidentRow>`
        update incidents as i set title = v.title, description = v.description, severity = v.severity, rsit_taxonomy = v.rsit_taxonomy,
          rsit_type = v.rsit_type, tlp = v.tlp, pap = v.pap, organization_id = v.organization_id, cii_object = v.cii_object,
          detected_at = v.detected_at, started_at = v.started_at, affected_systems = v.affected_systems, updated_at = ${now}, version = i.version + 1
        from unnest(${sql.join(PATCH_COLUMNS.map((c) => column(patches, c, PATCH_TYPES[c])))}) as v(${sql.join(PATCH_COLUMNS.map((c) => sql.ref(c)))})
        where i.id = v.id and i.version = v.version
        returning ${sql.join(COLUMNS.map((c) => sql.ref(`i.${c.slice(10)}`)))}`.execute(tx);
      return rows;
    },
    /** Visible incidents sharing observables with this one, most shared first. */
    related: (db: Kysely<DB>, incidentId: string, p: Principal, limit: number) =>
      db
        .selectFrom('incident_observables as mine')
        .innerJoin('incident_observables as theirs', (j) => j.onRef('theirs.type', '=', 'mine.type').onRef('theirs.value', '=', 'mine.value'))
        .innerJoin('incidents', 'incidents.id', 'theirs.incident_id')
        .where('mine.incident_id', '=', incidentId)
        .where('theirs.incident_id', '!=', incidentId)
        .where((eb) => visibleTo(eb, p))
        .select(['incidents.id', 'incidents.ref', 'incidents.title', 'incidents.state', 'incidents.severity', 'incidents.created_at'])
        .select((eb) => [eb.fn.countAll<number>().as('shared'), sql<string[]>`array_agg(theirs.type || ':' || theirs.value)`.as('observables')])
        .groupBy(['incidents.id', 'incidents.ref', 'incidents.title', 'incidents.state', 'incidents.severity', 'incidents.created_at'])
        .orderBy('shared', 'desc')
        .orderBy('incidents.created_at', 'desc')
        .limit(limit)
        .execute(),

    appendTimeline: (tx: Kysely<DB>, e: Omit<TimelineRow, 'id' | 'data'> & { data: unknown }) =>
      tx.insertInto('incident_timeline').values({ ...e, data: JSON.stringify(e.data ?? {}) }).execute(),
    async appendTimelineMany(tx: Kysely<DB>, entries: readonly NewTimelineEntry[]): Promise<void> {
      if (entries.length) await sql`insert into incident_timeline ${unnestRows(TIMELINE_TYPES, entries.map((e) => ({ ...e, data: e.data ?? {} })))}`.execute(tx);
    },
    /** Inserts clocks; one that an incident already has is kept as it is. */
    async insertClocks(tx: Kysely<DB>, rows: readonly ClockRow[]): Promise<void> {
      if (rows.length) await sql`insert into incident_clocks ${unnestRows(CLOCK_TYPES, rows)} on conflict (incident_id, kind) do nothing`.execute(tx);
    },
    /** The incident tables changed enough since their last ANALYZE (autovacuum's rule: 50 rows + 10%). */
    async staleStatistics(db: Kysely<DB>): Promise<string[]> {
      const { rows } = await sql<{ relname: string }>`select relname from pg_stat_user_tables
        where relname in ('incidents', 'incident_observables', 'incident_clocks', 'incident_timeline')
          and n_mod_since_analyze > 50 + 0.1 * greatest(n_live_tup, 0)`.execute(db);
      return rows.map((r) => r.relname);
    },
    analyze: (db: Kysely<DB>, table: string) => sql`analyze ${sql.table(table)}`.execute(db),
    listTimeline: (db: Kysely<DB>, incidentId: string) => db.selectFrom('incident_timeline').selectAll().where('incident_id', '=', incidentId).orderBy('id').execute(),
  };
}
