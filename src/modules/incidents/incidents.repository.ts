import { sql, type Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import type { Principal } from '../../platform/http/context.ts';
import type { IncidentRow, IncidentsTable, TimelineRow } from './incidents.tables.ts';
import type { Updateable } from 'kysely';
import { visibleTo } from './incidents.visibility.ts';

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
    findByExternalForUpdate: (tx: Kysely<DB>, centerId: string, externalId: string) =>
      base(tx).where('incidents.source_center_id', '=', centerId).where('incidents.external_id', '=', externalId).forUpdate().executeTakeFirst() as Promise<IncidentRow | undefined>,
    /** Applies `patch` only if the row is still at `version`; undefined means someone else won. */
    updateIfVersion: (tx: Kysely<DB>, id: string, version: number, patch: Updateable<IncidentsTable>) =>
      tx.updateTable('incidents').set({ ...patch, version: version + 1 }).where('id', '=', id).where('version', '=', version).returning(COLUMNS.map((c) => c.slice(10)) as never).executeTakeFirst() as Promise<IncidentRow | undefined>,

    async list(db: Kysely<DB>, p: Principal, f: IncidentFilter, after: IncidentCursor | undefined, limit: number): Promise<IncidentRow[]> {
      let q = base(db).where((eb) => visibleTo(eb, p));
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
      return q.orderBy('incidents.updated_at', 'desc').orderBy('incidents.id', 'desc').limit(limit).execute() as Promise<IncidentRow[]>;
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
    listTimeline: (db: Kysely<DB>, incidentId: string) => db.selectFrom('incident_timeline').selectAll().where('incident_id', '=', incidentId).orderBy('id').execute(),
  };
}
