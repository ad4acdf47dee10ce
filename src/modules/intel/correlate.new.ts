import { sql, type Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import type { Candidate, IntelIndex, NewObservable } from './correlate.intel-index.ts';

type TargetKind = 'incident' | 'event';
/** Something new with observables: an incident that gained them, or a stored pipeline event. */
export type NewItem = { kind: TargetKind; id: string; observables: readonly NewObservable[] };
export type NewCorrelations = { objects: number; samples: number; overCorrelated: string[] };
type Match = Candidate & { target_id: string };

const tripleKey = (c: Pick<Candidate, 'object_id' | 'kind' | 'value'>) => `${c.object_id}\u0000${c.kind}\u0000${c.value}`;
const byObject = (a: { object_id: string }, b: { object_id: string }) => (a.object_id < b.object_id ? -1 : a.object_id > b.object_id ? 1 : 0);

function matchAll(index: IntelIndex, items: readonly NewItem[], kind: TargetKind): Match[] {
  const out: Match[] = [];
  for (const it of items) {
    if (it.kind !== kind) continue;
    for (const o of it.observables) index.match(o, (c) => out.push({ ...c, target_id: it.id }));
  }
  return out;
}

/** The candidates whose intel observable is still stored (the index may hold replaced ones). */
async function confirmed<T extends Candidate>(tx: Kysely<DB>, list: T[]): Promise<T[]> {
  if (!list.length) return list;
  const uniq = [...new Map(list.map((c) => [tripleKey(c), c])).values()];
  const { rows } = await sql<{ object_id: string; kind: string; value: string }>`select u.o as object_id, u.k as kind, u.v as value
    from unnest(${uniq.map((c) => c.object_id)}::text[], ${uniq.map((c) => c.kind)}::text[], ${uniq.map((c) => c.value)}::text[]) as u(o, k, v)
    where exists (select 1 from intel_observables i where i.object_id = u.o and i.kind = u.k and i.value = u.v)`.execute(tx);
  const ok = new Set(rows.map(tripleKey));
  return list.filter((c) => ok.has(tripleKey(c)));
}

/**
 * For incidents beyond the sample cap that are not sampled: whether the incident already matched
 * the object through observables it had before (then it is counted already). Returns "object|target" keys.
 */
async function countedBefore(tx: Kysely<DB>, index: IntelIndex, items: readonly NewItem[], pairs: readonly Match[]): Promise<Set<string>> {
  const targets = [...new Set(pairs.map((p) => p.target_id))];
  if (!targets.length) return new Set();
  const fresh = new Set(items.flatMap((it) => it.observables.map((o) => `${it.id}\u0000${o.type}\u0000${o.value}`)));
  const { rows } = await sql<{ id: string; type: string; value: string }>`select incident_id::text as id, type, value from incident_observables
    where incident_id = any(${targets}::uuid[])`.execute(tx);
  const earlier: NewItem[] = rows.filter((r) => !fresh.has(`${r.id}\u0000${r.type}\u0000${r.value}`)).map((r) => ({ kind: 'incident', id: r.id, observables: [r] }));
  const wanted = new Set(pairs.map((p) => `${p.object_id}|${p.target_id}`));
  const prior = (await confirmed(tx, matchAll(index, earlier, 'incident'))).map((m) => `${m.object_id}|${m.target_id}`);
  return new Set(prior.filter((k) => wanted.has(k)));
}

/** Locks (creating at zero) the count rows of these objects, in id order; returns total and sampled targets. */
async function stateOf(tx: Kysely<DB>, kind: TargetKind, objects: string[], now: Date) {
  await sql`insert into intel_correlation_counts (object_id, target_kind, total, is_over, updated_at)
    select o, ${kind}, 0, false, ${now}::timestamptz from unnest(${objects}::text[]) as o order by o on conflict do nothing`.execute(tx);
  const { rows: counts } = await sql<{ object_id: string; total: number }>`select object_id, total from intel_correlation_counts
    where target_kind = ${kind} and object_id = any(${objects}::text[]) order by object_id for update`.execute(tx);
  const { rows: sampled } = await sql<{ object_id: string; target_id: string }>`select distinct object_id, target_id from intel_correlations
    where target_kind = ${kind} and object_id = any(${objects}::text[])`.execute(tx);
  const state = new Map(counts.map((c) => [c.object_id, { total: Number(c.total), targets: new Set<string>() }]));
  for (const s of sampled) state.get(s.object_id)?.targets.add(s.target_id);
  return state;
}

async function write(tx: Kysely<DB>, kind: TargetKind, samples: Match[], totals: Map<string, number>, cap: number, now: Date): Promise<void> {
  samples.sort(byObject);
  const col = <K extends keyof Match>(k: K) => samples.map((s) => s[k]);
  if (samples.length) {
    await sql`insert into intel_correlations (object_id, target_kind, target_id, kind, value, matched, match, created_at)
      select o, ${kind}, t, k, v, m, x, ${now}::timestamptz
        from unnest(${col('object_id')}::text[], ${col('target_id')}::text[], ${col('kind')}::text[], ${col('value')}::text[], ${col('matched')}::text[], ${col('match')}::text[]) as u(o, t, k, v, m, x)
      on conflict do nothing`.execute(tx);
  }
  const ids = [...totals.keys()];
  if (ids.length) {
    await sql`update intel_correlation_counts c set total = u.t, is_over = u.t > ${cap}, updated_at = ${now}::timestamptz
      from unnest(${ids}::text[], ${ids.map((id) => totals.get(id)!)}::int[]) as u(o, t)
      where c.object_id = u.o and c.target_kind = ${kind}`.execute(tx);
  }
}

/** Correlates the new items of one kind: samples under the cap, true totals, over-correlation flags. */
async function correlateKind(tx: Kysely<DB>, index: IntelIndex, items: readonly NewItem[], kind: TargetKind, cap: number, now: Date): Promise<NewCorrelations> {
  const matches = await confirmed(tx, matchAll(index, items, kind));
  if (!matches.length) return { objects: 0, samples: 0, overCorrelated: [] };
  const pairs = new Map<string, Match[]>();
  for (const m of matches) {
    const k = `${m.object_id}|${m.target_id}`;
    pairs.set(k, [...(pairs.get(k) ?? []), m]);
  }
  const state = await stateOf(tx, kind, [...new Set(matches.map((m) => m.object_id))].sort(), now);
  const unsampled = [...pairs.values()].map((l) => l[0]!).filter((m) => {
    const s = state.get(m.object_id)!;
    return !s.targets.has(m.target_id) && s.total > s.targets.size;
  });
  const counted = kind === 'incident' ? await countedBefore(tx, index, items, unsampled) : new Set<string>();
  const samples: Match[] = [];
  const totals = new Map<string, number>();
  for (const [key, list] of pairs) {
    const s = state.get(list[0]!.object_id)!;
    const target = list[0]!.target_id;
    if (s.targets.has(target)) samples.push(...list);
    else if (!counted.has(key)) {
      s.total++;
      totals.set(list[0]!.object_id, s.total);
      if (s.targets.size < cap) {
        s.targets.add(target);
        samples.push(...list);
      }
    }
  }
  await write(tx, kind, samples, totals, cap, now);
  const over = [...state].filter(([, s]) => s.total > cap).map(([id]) => id);
  return { objects: state.size, samples: samples.length, overCorrelated: over };
}

/**
 * Matches new incidents' observables and new pipeline events against the stored intel (exact value,
 * address inside a range, domain under a domain) and records the correlations in the caller's
 * transaction: at most `cap` sampled targets per intel object and target kind, the true number of
 * distinct targets, and the over-correlation flag. Nothing is written when nothing matches (the
 * common case costs a hash lookup per observable and one indexed read to catch up the index).
 */
export async function correlateNew(tx: Kysely<DB>, index: IntelIndex, items: readonly NewItem[], cap: number, now: Date): Promise<NewCorrelations> {
  if (!items.some((it) => it.observables.length)) return { objects: 0, samples: 0, overCorrelated: [] };
  await index.catchUp(tx);
  const a = await correlateKind(tx, index, items, 'incident', cap, now);
  const b = await correlateKind(tx, index, items, 'event', cap, now);
  return { objects: a.objects + b.objects, samples: a.samples + b.samples, overCorrelated: [...a.overCorrelated, ...b.overCorrelated] };
}

/** A pipeline event as stored: its id and the source columns correlation reads. */
export type StoredEvent = { id: string | number | bigint; sourceIp?: string | null; sourceFqdn?: string | null; sourceUrl?: string | null };

/** The correlation items of stored events: source_ip as ipv4/ipv6, source_fqdn as a domain, source_url as a url. */
export function eventItems(events: readonly StoredEvent[]): NewItem[] {
  const out: NewItem[] = [];
  for (const e of events) {
    const observables: NewObservable[] = [];
    if (e.sourceIp) {
      const slash = e.sourceIp.indexOf('/');
      const ip = slash < 0 ? e.sourceIp : e.sourceIp.slice(0, slash);
      observables.push({ type: ip.includes(':') ? 'ipv6' : 'ipv4', value: ip });
    }
    if (e.sourceFqdn) observables.push({ type: 'domain', value: e.sourceFqdn.toLowerCase().replace(/\.$/, '') });
    if (e.sourceUrl) observables.push({ type: 'url', value: e.sourceUrl });
    if (observables.length) out.push({ kind: 'event', id: String(e.id), observables });
  }
  return out;
}

/** An event of a chunk about to be (or just) stored: the source columns correlation reads, no id yet. */
export type ChunkEvent = Omit<StoredEvent, 'id'>;

/**
 * Correlates a chunk's events with stored intel without knowing their ids up front: the events
 * that match something are found with hash lookups, and only for those does `resolveIds` read the
 * ids (by position in `events`; null = not stored). The common case (no match) reads nothing but
 * the index catch-up.
 */
export async function correlateChunk(
  tx: Kysely<DB>,
  index: IntelIndex,
  events: readonly ChunkEvent[],
  resolveIds: (positions: number[]) => Promise<(string | null)[]>,
  cap: number,
  now: Date,
): Promise<NewCorrelations> {
  const none = { objects: 0, samples: 0, overCorrelated: [] };
  if (!events.length) return none;
  await index.catchUp(tx);
  const hits = eventItems(events.map((e, i) => ({ ...e, id: i }))).filter((it) => it.observables.some((o) => matchesAny(index, o)));
  if (!hits.length) return none;
  const ids = await resolveIds(hits.map((it) => Number(it.id)));
  const items: NewItem[] = [];
  hits.forEach((it, k) => {
    const id = ids[k];
    if (id != null) items.push({ ...it, id });
  });
  return items.length ? correlateKind(tx, index, items, 'event', cap, now) : none;
}

function matchesAny(index: IntelIndex, o: NewObservable): boolean {
  let hit = false;
  index.match(o, () => {
    hit = true;
  });
  return hit;
}
