import { sql, type Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import type { Principal } from '../../platform/http/context.ts';
import type { IncidentFilter, IncidentsRepository } from './incidents.repository.ts';
import type { IncidentRow } from './incidents.tables.ts';
import { visibleTo } from './incidents.visibility.ts';

const MAX_EXPORT = 100_000;
const COLUMNS = ['ref', 'title', 'state', 'severity', 'rsit_taxonomy', 'rsit_type', 'tlp', 'pap', 'organization', 'sector', 'source', 'created_at', 'updated_at', 'closed_at'];

function cell(v: unknown): string {
  const s = v instanceof Date ? v.toISOString() : String(v ?? '');
  const safe = /^[=+\-@\t\r]/.test(s) && !/^-?\d+(\.\d+)?$/.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

type Stat = { count: number; medianSeconds: number | null; p90Seconds: number | null };

/** CSV export of the cases a viewer may see, and the queue's metrics over a period. */
export function createIncidentReports(deps: { db: Kysely<DB>; repo: IncidentsRepository }) {
  const { db, repo } = deps;

  async function durations(p: Principal, kind: string, from: Date, to: Date): Promise<Stat> {
    const { rows } = await sql<{ n: number; median: number | null; p90: number | null }>`
      select count(*)::int as n,
        percentile_cont(0.5) within group (order by extract(epoch from c.met_at - c.started_at)) as median,
        percentile_cont(0.9) within group (order by extract(epoch from c.met_at - c.started_at)) as p90
      from incident_clocks c join incidents on incidents.id = c.incident_id
      where c.kind = ${kind} and c.met_at is not null and incidents.created_at >= ${from} and incidents.created_at < ${to}
        and incidents.id in (${db.selectFrom('incidents').select('incidents.id').where((eb) => visibleTo(eb, p))})`.execute(db);
    const r = rows[0];
    const round = (v: number | null | undefined) => (v === null || v === undefined ? null : Math.round(Number(v)));
    return { count: r?.n ?? 0, medianSeconds: round(r?.median), p90Seconds: round(r?.p90) };
  }

  const counted = (p: Principal, from: Date, to: Date) =>
    db
      .selectFrom('incidents')
      .leftJoin('organizations', 'organizations.id', 'incidents.organization_id')
      .where((eb) => visibleTo(eb, p))
      .where('incidents.created_at', '>=', from)
      .where('incidents.created_at', '<', to);

  return {
    /** Every matching visible case as CSV (at most 100,000 rows), newest change first. */
    async exportCsv(p: Principal, filter: IncidentFilter): Promise<string> {
      const lines = [COLUMNS.join(',')];
      const orgNames = new Map<string, { name: string; sector: string }>();
      let after: { u: string; i: string } | undefined;
      while (lines.length <= MAX_EXPORT) {
        const rows: IncidentRow[] = await repo.list(db, p, filter, after, 1000);
        if (!rows.length) break;
        const missing = [...new Set(rows.map((r) => r.organization_id).filter((id): id is string => !!id && !orgNames.has(id)))];
        if (missing.length) for (const o of await db.selectFrom('organizations').select(['id', 'name', 'sector']).where('id', 'in', missing).execute()) orgNames.set(o.id, o);
        for (const r of rows) {
          const org = r.organization_id ? orgNames.get(r.organization_id) : undefined;
          lines.push([r.ref, r.title, r.state, r.severity, r.rsit_taxonomy, r.rsit_type, r.tlp, r.pap, org?.name, org?.sector, r.source, r.created_at, r.updated_at, r.closed_at].map(cell).join(','));
        }
        const last = rows.at(-1)!;
        after = { u: last.updated_at.toISOString(), i: last.id };
      }
      return `${lines.join('\r\n')}\r\n`;
    },

    async metrics(p: Principal, from: Date, to: Date) {
      const [ack, resolve, bySector, byTaxonomy, byWeek] = await Promise.all([
        durations(p, 'sla.acknowledge', from, to),
        durations(p, 'sla.resolve', from, to),
        counted(p, from, to).select(['organizations.sector as key']).select((eb) => eb.fn.countAll<number>().as('count')).groupBy('organizations.sector').orderBy('count', 'desc').execute(),
        counted(p, from, to).select(['incidents.rsit_taxonomy as key']).select((eb) => eb.fn.countAll<number>().as('count')).groupBy('incidents.rsit_taxonomy').orderBy('count', 'desc').execute(),
        counted(p, from, to).select(sql<string>`to_char(date_trunc('week', incidents.created_at at time zone 'UTC'), 'IYYY-"W"IW')`.as('key')).select((eb) => eb.fn.countAll<number>().as('count')).groupBy(sql`1`).orderBy(sql`1`).execute(),
      ]);
      const list = (rows: { key: string | null; count: number | string }[]) => rows.map((r) => ({ key: r.key ?? 'unknown', count: Number(r.count) }));
      return { from: from.toISOString(), to: to.toISOString(), timeToAcknowledge: ack, timeToResolve: resolve, bySector: list(bySector), byTaxonomy: list(byTaxonomy), byWeek: list(byWeek) };
    },
  };
}
