import { sql, type Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import type { EventIndex, EventMatch, ObjectMatches } from './correlate.events.ts';
import type { ObservableRow } from './intel.repository.ts';

const isV6 = (o: ObservableRow) => o.kind === 'ipv6' && o.net !== null;

/** Matches of IPv6 observables against events, in SQL (one `source_ip` index range scan each). */
async function ipv6Matches(tx: Kysely<DB>, obs: readonly ObservableRow[]): Promise<EventMatch[]> {
  const v6 = obs.filter(isV6);
  if (!v6.length) return [];
  const { rows } = await sql<EventMatch>`
    select n.object_id, n.kind, n.value, e.id::text as target_id, host(e.source_ip) as matched,
           case when masklen(n.net) = 128 then 'exact' else 'range' end as match
      from unnest(${v6.map((o) => o.object_id)}::text[], ${v6.map((o) => o.kind)}::text[], ${v6.map((o) => o.value)}::text[], ${v6.map((o) => o.net)}::cidr[]) as n(object_id, kind, value, net)
      join events e on e.source_ip between set_masklen(network(n.net)::inet, 128) and set_masklen(broadcast(n.net), 128)
     where family(e.source_ip) = 6 and e.source_ip <<= n.net`.execute(tx);
  return rows;
}

/** The event names of parent-domain samples (their `matched`), read back by id. */
async function fillMatched(tx: Kysely<DB>, all: Map<string, ObjectMatches>): Promise<EventMatch[]> {
  const samples = [...all.values()].flatMap((m) => m.samples);
  const ids = [...new Set(samples.filter((s) => s.matched === null).map((s) => s.target_id))];
  if (ids.length) {
    const { rows } = await sql<{ id: string; name: string | null }>`select id::text as id, coalesce(source_fqdn, source_url) as name from events where id = any(${ids}::bigint[])`.execute(tx);
    const names = new Map(rows.map((r) => [r.id, r.name]));
    for (const s of samples) if (s.matched === null) s.matched = names.get(s.target_id) ?? null;
  }
  // An event removed since the index read it is no longer a sample.
  return samples.filter((s) => s.matched !== null);
}

/**
 * Correlates observables with the pipeline's events through the in-memory index (IPv6 in SQL) and
 * replaces the stored correlations of their objects: at most `cap` sampled events per object, the
 * true total and the over-correlation flag in intel_correlation_counts.
 */
export async function correlateEvents(tx: Kysely<DB>, index: EventIndex, obs: readonly ObservableRow[], cap: number, now: Date): Promise<{ object_id: string; total: number }[]> {
  const ids = [...new Set(obs.map((o) => o.object_id))];
  if (!ids.length) return [];
  await index.catchUp(tx);
  const all = index.match(obs, cap, await ipv6Matches(tx, obs));
  await tx.deleteFrom('intel_correlations').where('target_kind', '=', 'event').where('object_id', '=', sql<string>`any(${ids}::text[])`).execute();
  await tx.deleteFrom('intel_correlation_counts').where('target_kind', '=', 'event').where('object_id', '=', sql<string>`any(${ids}::text[])`).execute();
  // In key order: the btree of intel_correlations takes the rows in sequence, not at random places.
  const samples = (await fillMatched(tx, all)).sort((a, b) => (a.object_id < b.object_id ? -1 : a.object_id > b.object_id ? 1 : 0));
  const col = <K extends keyof EventMatch>(k: K) => samples.map((s) => s[k]);
  if (samples.length) {
    await sql`insert into intel_correlations (object_id, target_kind, target_id, kind, value, matched, match, created_at)
      select o, 'event', t, k, v, m, x, ${now}::timestamptz
        from unnest(${col('object_id')}::text[], ${col('target_id')}::text[], ${col('kind')}::text[], ${col('value')}::text[], ${col('matched')}::text[], ${col('match')}::text[]) as u(o, t, k, v, m, x)`.execute(tx);
  }
  const totals = [...all].map(([object_id, m]) => ({ object_id, total: m.total }));
  if (totals.length) {
    await sql`insert into intel_correlation_counts (object_id, target_kind, total, is_over, updated_at)
      select o, 'event', t, t > ${cap}, ${now}::timestamptz from unnest(${totals.map((t) => t.object_id)}::text[], ${totals.map((t) => t.total)}::int[]) as u(o, t)`.execute(tx);
  }
  return totals;
}
