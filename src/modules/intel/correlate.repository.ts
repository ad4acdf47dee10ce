import type { PGlite } from '@electric-sql/pglite';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import type { CorrelationRow, Tlp } from './intel.tables.ts';
import type { ObservableRow } from './intel.repository.ts';
import { EventIndex } from './correlate.events.ts';
import { IntelIndex } from './correlate.intel-index.ts';
import { clearCorrelations, correlateEvents } from './correlate.write.ts';

// Matches of the new observables (`n`) against incident observables: exact value, address inside
// an intel range, domain under an intel domain.
const INCIDENT_MATCHES = sql`
  select n.object_id, n.kind, n.value, io.incident_id::text as target_id, io.value as matched, 'exact' as match
    from n join incident_observables io on io.type = n.kind and io.value = n.value
  union all
  select n.object_id, n.kind, n.value, io.incident_id::text, io.value, 'range'
    from n join incident_observables io on io.type = n.kind
   where n.net is not null and n.kind in ('ipv4', 'ipv6') and masklen(n.net) < case when family(n.net) = 4 then 32 else 128 end
     and io.value::inet <<= n.net
  union all
  select n.object_id, n.kind, n.value, io.incident_id::text, io.value, 'domain'
    from n join incident_observables io on io.type = 'domain'
   where n.kind = 'domain' and right(io.value, length(n.value) + 1) = '.' || n.value`;

function store(kind: 'incident' | 'event', matches: RawBuilder<unknown>, obs: readonly ObservableRow[], cap: number, now: Date) {
  const col = (k: keyof ObservableRow) => obs.map((o) => o[k]);
  return sql<{ object_id: string; total: number }>`
    with n as materialized (select * from unnest(${col('object_id')}::text[], ${col('kind')}::text[], ${col('value')}::text[], ${col('net')}::cidr[]) as n(object_id, kind, value, net)),
    m as (select distinct on (object_id, target_id, kind, value) * from (${matches}) x),
    ranked as (select m.*, dense_rank() over (partition by object_id order by target_id) as rk from m),
    ins as (
      insert into intel_correlations (object_id, target_kind, target_id, kind, value, matched, match, created_at)
      select object_id, ${kind}, target_id, kind, value, matched, match, ${now}::timestamptz from ranked where rk <= ${cap}
      on conflict do nothing returning 1)
    insert into intel_correlation_counts (object_id, target_kind, total, is_over, updated_at)
    select object_id, ${kind}, count(distinct target_id)::int, count(distinct target_id) > ${cap}, ${now}::timestamptz from m group by object_id
    on conflict (object_id, target_kind) do update set total = excluded.total, is_over = excluded.is_over, updated_at = excluded.updated_at
    returning object_id, total`;
}

export type Sighting = CorrelationRow;

/** SQL of correlations between intel observables and incidents / events (events through an in-memory index). */
export function createCorrelateRepository(options: { pglite?: PGlite | null } = {}) {
  const events = new EventIndex();
  const intel = new IntelIndex();
  let onPhase = (_phase: string): void => {};
  return {
    /** The in-memory index of the pipeline's events (built on first use). */
    events,
    /** The in-memory index of stored intel observables, for correlating what is new (built on first use). */
    intel,
    /** `fn` is told the name of each step of event correlation as it ends ('begin' first), for measurements. */
    onPhase(fn: (phase: string) => void): void {
      onPhase = fn;
    },

    /** Recomputes the stored correlations of the objects of these observables; returns the totals per object. */
    async correlate(tx: Kysely<DB>, kind: 'incident' | 'event', obs: readonly ObservableRow[], cap: number, now: Date): Promise<{ object_id: string; total: number }[]> {
      if (kind === 'event') return correlateEvents(tx, events, obs, cap, now, onPhase, options.pglite ?? null);
      const ids = [...new Set(obs.map((o) => o.object_id))];
      if (!ids.length) return [];
      await clearCorrelations(tx, kind, ids);
      const { rows } = await store(kind, INCIDENT_MATCHES, obs, cap, now).execute(tx);
      return rows;
    },

    async sightingsOf(db: Kysely<DB>, id: string) {
      const samples = await db.selectFrom('intel_correlations').selectAll().where('object_id', '=', id).orderBy('target_kind').orderBy('target_id').execute();
      const counts = await db.selectFrom('intel_correlation_counts').selectAll().where('object_id', '=', id).execute();
      return { samples, counts };
    },

    /** Intel (latest versions visible at `tlpAllowed`) whose observables match the incident's, live. */
    async matchesOfIncident(db: Kysely<DB>, incidentId: string, tlpAllowed: Tlp[] | undefined, limit: number) {
      const tlp = tlpAllowed ? sql`and s.tlp = any(${tlpAllowed}::text[])` : sql``;
      const { rows } = await sql<{ object_id: string; type: string; label: string | null; tlp: Tlp; kind: string; value: string; matched: string; match: string }>`
        with io as (select type, value from incident_observables where incident_id = ${incidentId}::uuid),
        m as (
          select o.object_id, o.kind, o.value, io.value as matched, 'exact' as match
            from io join intel_observables o on o.kind = io.type and o.value = io.value
          union all
          select o.object_id, o.kind, o.value, io.value, 'range'
            from io join intel_observables o on o.kind = io.type and o.net is not null
           where io.type in ('ipv4', 'ipv6') and masklen(o.net) < case when family(o.net) = 4 then 32 else 128 end and io.value::inet <<= o.net
          union all
          select o.object_id, o.kind, o.value, io.value, 'domain'
            from io join intel_observables o on o.kind = 'domain'
           where io.type = 'domain' and right(io.value, length(o.value) + 1) = '.' || o.value)
        select distinct on (m.object_id, m.kind, m.value) m.*, s.type, s.label, s.tlp
          from m join stix_objects s on s.id = m.object_id
         where not s.superseded ${tlp}
         order by m.object_id, m.kind, m.value
         limit ${limit}`.execute(db);
      return rows;
    },
  };
}

export type CorrelateRepository = ReturnType<typeof createCorrelateRepository>;
