import { sql, type Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import { intToIpv4, Ipv4Index, ipv4ToInt } from './correlate.ipv4.ts';
import { NameIndex } from './correlate.names.ts';
import type { ObservableRow } from './intel.repository.ts';

/** One correlation found: intel observable (object_id, kind, value) seen in event `target_id`. */
export type EventMatch = { object_id: string; kind: string; value: string; target_id: string; matched: string | null; match: 'exact' | 'range' | 'domain' };
/** Per intel object: the number of distinct events matched and the matches of the first `cap` of them. */
export type ObjectMatches = { total: number; samples: EventMatch[] };

const CHUNK = 200_000;
const PARENT_LEVELS = 6;

type Source = Pick<ObservableRow, 'object_id' | 'kind' | 'value'>;
type EventChunkRow = { id: number; ip4: number | null; fqdn: string | null; url: string | null };

/**
 * The pipeline's events (by design the biggest set of observables) in memory: IPv4 addresses
 * sorted for point and range lookups, names (fqdn, its parent domains up to 6 levels, url) hashed.
 * Built from the events table on first use, then kept current by reading the events whose id is
 * above the highest one seen, before each correlation; rebuilt when the oldest events were removed
 * (retention). IPv6 events stay in SQL (`source_ip` index), they are few.
 */
export class EventIndex {
  private ip4 = new Ipv4Index();
  private names = new NameIndex();
  private maxId = 0;
  private minId: number | null = null;
  private built = false;

  /** Number of entries (addresses + names) and approximate bytes held. */
  stats() {
    return { addresses: this.ip4.size, names: this.names.size, bytes: this.ip4.bytes + this.names.bytes, maxId: this.maxId };
  }

  /** Reads the events added since the last call (all of them the first time). */
  async catchUp(db: Kysely<DB>): Promise<number> {
    const { rows } = await sql<{ id: number | null }>`select min(id)::float8 as id from events`.execute(db);
    const oldest = rows[0]?.id ?? null;
    if (this.built && this.minId !== null && (oldest === null || oldest > this.minId)) this.reset();
    let added = 0;
    for (;;) {
      const chunk = await sql<EventChunkRow>`
        select id::float8 as id, case when family(source_ip) = 4 then (source_ip - '0.0.0.0'::inet)::float8 end as ip4,
               source_fqdn as fqdn, source_url as url
          from events where id > ${this.maxId} order by id limit ${CHUNK}`.execute(db);
      this.addRows(chunk.rows);
      added += chunk.rows.length;
      if (chunk.rows.length < CHUNK) break;
    }
    if (!this.built || this.minId === null) this.minId = oldest;
    this.built = true;
    this.ip4.merge();
    return added;
  }

  private reset(): void {
    this.ip4 = new Ipv4Index();
    this.names = new NameIndex();
    this.maxId = 0;
    this.minId = null;
    this.built = false;
  }

  private addRows(rows: readonly EventChunkRow[]): void {
    const keys: number[] = [];
    const ids: number[] = [];
    for (const r of rows) {
      const id = Number(r.id);
      if (r.ip4 !== null) {
        keys.push(Number(r.ip4));
        ids.push(id);
      }
      if (r.fqdn) this.addName(r.fqdn, id);
      if (r.url) this.names.add(`url\u0000${r.url}`, id, false);
      if (id > this.maxId) this.maxId = id;
    }
    this.ip4.addAll(keys, ids);
  }

  private addName(fqdn: string, id: number): void {
    this.names.add(`domain\u0000${fqdn}`, id, false);
    let p = fqdn;
    for (let level = 0; level < PARENT_LEVELS; level++) {
      const dot = p.indexOf('.');
      if (dot < 0) return;
      p = p.slice(dot + 1);
      if (!p.includes('.')) return; // intel domains have at least two labels
      this.names.add(`domain\u0000${p}`, id, true);
    }
  }

  /**
   * Matches of IPv4, domain and url observables, per intel object: the count of distinct events,
   * and all matches of the first `cap` events (in the order found). Parent-domain matches carry
   * `matched: null` (the event's name is read back for the samples only). `found` are matches
   * made elsewhere (IPv6, in SQL), counted and sampled with the rest of their object's.
   */
  match(obs: readonly ObservableRow[], cap: number, found: readonly EventMatch[] = []): Map<string, ObjectMatches> {
    const extra = new Map<string, EventMatch[]>();
    for (const f of found) {
      const l = extra.get(f.object_id);
      if (l) l.push(f);
      else extra.set(f.object_id, [f]);
    }
    const byObject = new Map<string, ObservableRow[]>();
    for (const o of obs) {
      const l = byObject.get(o.object_id);
      if (l) l.push(o);
      else byObject.set(o.object_id, [o]);
    }
    const out = new Map<string, ObjectMatches>();
    for (const [objectId, list] of byObject) {
      const m = this.matchObject(list, cap, extra.get(objectId) ?? []);
      if (m.total) out.set(objectId, m);
    }
    return out;
  }

  private matchObject(list: readonly ObservableRow[], cap: number, extra: readonly EventMatch[]): ObjectMatches {
    const sampled = new Set<number>();
    const seen = list.length > 1 || extra.length ? new Set<number>() : null;
    let total = 0;
    const samples: EventMatch[] = [];
    const hit = (o: Source, id: number, matched: string | null, match: EventMatch['match']) => {
      if (seen) {
        if (!seen.has(id)) total++;
        seen.add(id);
      } else total++;
      if (sampled.has(id) || sampled.size < cap) {
        sampled.add(id);
        samples.push({ object_id: o.object_id, kind: o.kind, value: o.value, target_id: String(id), matched, match });
      }
    };
    for (const o of list) this.lookup(o, hit);
    for (const e of extra) hit(e, Number(e.target_id), e.matched, e.match);
    return { total, samples };
  }

  private lookup(o: ObservableRow, hit: (o: Source, id: number, matched: string | null, match: EventMatch['match']) => void): void {
    if (o.kind === 'ipv4' && o.net) {
      const [addr, len] = o.net.split('/');
      const lo = ipv4ToInt(addr!);
      const bits = len === undefined ? 32 : Number(len);
      if (lo === null) return;
      const hi = lo + 2 ** (32 - bits) - 1;
      this.ip4.forRange(lo, hi, (a, id) => hit(o, id, intToIpv4(a), bits === 32 ? 'exact' : 'range'));
    } else if (o.kind === 'domain') {
      this.names.forEach(`domain\u0000${o.value}`, (id, parent) => hit(o, id, parent ? null : o.value, parent ? 'domain' : 'exact'));
    } else if (o.kind === 'url') {
      this.names.forEach(`url\u0000${o.value}`, (id) => hit(o, id, o.value, 'exact'));
    }
  }
}
