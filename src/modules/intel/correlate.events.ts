import { sql, type Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import { intToIpv4, Ipv4Index, ipv4ToInt } from './correlate.ipv4.ts';
import { NameArena, NameIndex } from './correlate.names.ts';
import type { ObservableRow } from './intel.repository.ts';

/** One correlation found: intel observable (object_id, kind, value) seen in event `target_id`. */
export type EventMatch = { object_id: string; kind: string; value: string; target_id: string; matched: string; match: 'exact' | 'range' | 'domain' };
/** Per intel object: the number of distinct events matched and the matches of the first `cap` of them. */
export type ObjectMatches = { total: number; samples: EventMatch[] };

const CHUNK = 200_000;
const PARENT_LEVELS = 6;

type Source = Pick<ObservableRow, 'object_id' | 'kind' | 'value'>;
type EventChunkRow = { id: number; us: number | null; ip4: number | null; fqdn: string | null; url: string | null };
/**
 * A match seen by a lookup; `matched` is the text, or (not to build strings for matches that are
 * only counted) an IPv4 address as a number for ipv4, a NameArena reference for a domain. Returns
 * false to stop the lookup.
 */
type Hit = (o: Source, id: number, match: EventMatch['match'], matched: string | number) => boolean;

/**
 * The pipeline's events (by design the biggest set of observables) in memory: IPv4 addresses
 * sorted for point and range lookups, names (fqdn, its parent domains up to 6 levels, url) hashed,
 * with the event's name kept for parent-domain matches. Built from the events table on first use
 * (one pass of a cursor), then kept current before each correlation: the events whose id is above
 * the highest one seen are read only when the events' id sequence moved past what was read, and
 * everything is rebuilt when the oldest event read is gone (retention; a primary-key probe).
 * IPv6 events stay in SQL (`source_ip` index), they are few.
 */
export class EventIndex {
  private ip4 = new Ipv4Index();
  private names = new NameIndex();
  private arena = new NameArena();
  private maxId = 0;
  /** The id sequence's value before the last read: ids up to it are read. */
  private readTo = 0;
  /** The oldest event read: id and time_observation in microseconds since 1970 (exact in a float64). */
  private oldest: { id: number; us: number } | null = null;
  private built = false;

  /** Number of entries (addresses + names) and approximate bytes held. */
  stats() {
    return { addresses: this.ip4.size, names: this.names.size, bytes: this.ip4.bytes + this.names.bytes + this.arena.bytes, maxId: this.maxId };
  }

  /** Reads the events added since the last call (all of them the first time). */
  async catchUp(db: Kysely<DB>): Promise<number> {
    if (this.built && !(await this.oldestStored(db))) this.reset();
    const { rows } = await sql<{ last: number | null }>`select pg_sequence_last_value(pg_get_serial_sequence('events', 'id')::regclass)::float8 as last`.execute(db);
    const last = rows[0]?.last ?? null;
    if (this.built && (last === null || last <= Math.max(this.readTo, this.maxId))) return 0;
    const added = await this.readNew(db);
    if (last !== null) this.readTo = Math.max(this.readTo, last);
    this.built = true;
    this.ip4.merge();
    return added;
  }

  private async oldestStored(db: Kysely<DB>): Promise<boolean> {
    if (!this.oldest) return true;
    const { rows } = await sql<{ ok: boolean }>`select exists (select 1 from events
      where time_observation = 'epoch'::timestamptz + ${this.oldest.us}::float8 * interval '1 microsecond' and id = ${this.oldest.id}) as ok`.execute(db);
    return rows[0]?.ok === true;
  }

  /** One pass over the new events (no id index: a cursor, not pages that would each scan the table). */
  private async readNew(db: Kysely<DB>): Promise<number> {
    const withTime = this.oldest === null;
    const read = async (tx: Kysely<DB>) => {
      await sql`declare vigil_event_index no scroll cursor for
        select id::float8 as id, ${withTime ? sql`(extract(epoch from time_observation) * 1000000)::float8` : sql`null::float8`} as us,
               case when family(source_ip) = 4 then (source_ip - '0.0.0.0'::inet)::float8 end as ip4, source_fqdn as fqdn, source_url as url
          from events where id > ${sql.lit(this.maxId)}`.execute(tx);
      let added = 0;
      for (;;) {
        const { rows } = await sql<EventChunkRow>`fetch forward ${sql.raw(String(CHUNK))} from vigil_event_index`.execute(tx);
        this.addRows(rows);
        added += rows.length;
        if (rows.length < CHUNK) break;
      }
      await sql`close vigil_event_index`.execute(tx);
      return added;
    };
    return db.isTransaction ? read(db) : db.transaction().execute(read);
  }

  private reset(): void {
    this.ip4 = new Ipv4Index();
    this.names = new NameIndex();
    this.arena = new NameArena();
    this.maxId = 0;
    this.readTo = 0;
    this.oldest = null;
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
      if (r.url) this.names.add(`url\u0000${r.url}`, id, 0);
      if (id > this.maxId) this.maxId = id;
      if (r.us !== null && (this.oldest === null || id < this.oldest.id)) this.oldest = { id, us: Number(r.us) };
    }
    this.ip4.addAll(keys, ids);
  }

  private addName(fqdn: string, id: number): void {
    this.names.add(`domain\u0000${fqdn}`, id, 0);
    let ref = 0;
    let p = fqdn;
    for (let level = 0; level < PARENT_LEVELS; level++) {
      const dot = p.indexOf('.');
      if (dot < 0) return;
      p = p.slice(dot + 1);
      if (!p.includes('.')) return; // intel domains have at least two labels
      if (ref === 0) ref = this.arena.add(fqdn);
      this.names.add(`domain\u0000${p}`, id, ref);
    }
  }

  /**
   * Matches of IPv4, domain and url observables, per intel object: the count of distinct events,
   * and all matches of the first `cap` events (in the order found). `found` are matches made
   * elsewhere (IPv6, in SQL), counted and sampled with the rest of their object's.
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
      const x = extra.get(objectId);
      const m = list.length === 1 && !x ? this.matchOne(list[0]!, cap) : this.matchObject(list, cap, x ?? []);
      if (m.total) out.set(objectId, m);
    }
    return out;
  }

  private sample(o: Source, id: number, match: EventMatch['match'], matched: string | number): EventMatch {
    const text = typeof matched === 'string' ? matched : o.kind === 'ipv4' ? intToIpv4(matched) : this.arena.get(matched);
    return { object_id: o.object_id, kind: o.kind, value: o.value, target_id: String(id), matched: text, match };
  }

  /** An object with one observable: each event matches it once, so the total is a count and only `cap` matches are walked. */
  private matchOne(o: ObservableRow, cap: number): ObjectMatches {
    const r = o.kind === 'ipv4' ? this.range(o) : null;
    const total = r ? this.ip4.countRange(r[0], r[1]) : o.kind === 'domain' || o.kind === 'url' ? this.names.countOf(`${o.kind}\u0000${o.value}`) : 0;
    const samples: EventMatch[] = [];
    if (total && cap > 0) {
      this.lookup(o, r, (src, id, match, matched) => {
        samples.push(this.sample(src, id, match, matched));
        return samples.length < cap;
      });
    }
    return { total, samples };
  }

  private matchObject(list: readonly ObservableRow[], cap: number, extra: readonly EventMatch[]): ObjectMatches {
    const sampled = new Set<number>();
    const seen = new Set<number>();
    const samples: EventMatch[] = [];
    const hit: Hit = (o, id, match, matched) => {
      seen.add(id);
      if (sampled.has(id) || sampled.size < cap) {
        sampled.add(id);
        samples.push(this.sample(o, id, match, matched));
      }
      return true;
    };
    for (const o of list) this.lookup(o, o.kind === 'ipv4' ? this.range(o) : null, hit);
    for (const e of extra) hit(e, Number(e.target_id), e.match, e.matched);
    return { total: seen.size, samples };
  }

  /** The first and last address of an ipv4 observable's network, and whether it is one address. */
  private range(o: ObservableRow): [number, number, boolean] | null {
    if (!o.net) return null;
    const slash = o.net.indexOf('/');
    const lo = ipv4ToInt(slash < 0 ? o.net : o.net.slice(0, slash));
    const bits = slash < 0 ? 32 : Number(o.net.slice(slash + 1));
    return lo === null ? null : [lo, lo + 2 ** (32 - bits) - 1, bits === 32];
  }

  private lookup(o: ObservableRow, r: [number, number, boolean] | null, hit: Hit): void {
    if (o.kind === 'ipv4') {
      if (r) this.ip4.forRange(r[0], r[1], (a, id) => hit(o, id, r[2] ? 'exact' : 'range', a));
    } else if (o.kind === 'domain') {
      this.names.forEach(`domain\u0000${o.value}`, (id, name) => (name ? hit(o, id, 'domain', name) : hit(o, id, 'exact', o.value)));
    } else if (o.kind === 'url') {
      this.names.forEach(`url\u0000${o.value}`, (id) => hit(o, id, 'exact', o.value));
    }
  }
}
