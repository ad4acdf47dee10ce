import { sql, type Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import { parseIPv4, parseIPv6 } from '../../platform/lookup-index/index.ts';

/** An observable of something new (an incident's or an event's), in incident-observable vocabulary. */
export type NewObservable = { type: string; value: string };
/** A candidate correlation: intel observable (object_id, kind, value) matches `matched` of the target. */
export type Candidate = { object_id: string; kind: string; value: string; matched: string; match: 'exact' | 'range' | 'domain' };

type Entry = { objectId: string; value: string };
type Row = { object_id: string; kind: string; value: string; net: string | null };

const CHUNK = 100_000;

/** Adds the entry under `key` unless it is there already; returns whether it was added. */
function push<K>(map: Map<K, Entry[]>, key: K, e: Entry): boolean {
  const list = map.get(key);
  if (!list) map.set(key, [e]);
  else if (!list.some((x) => x.objectId === e.objectId && x.value === e.value)) list.push(e);
  else return false;
  return true;
}

function ipv6ToBig(s: string): bigint | null {
  const w = parseIPv6(s);
  return w ? (BigInt(w[0]!) << 96n) | (BigInt(w[1]!) << 64n) | (BigInt(w[2]!) << 32n) | BigInt(w[3]!) : null;
}

/** Prefix tables of one family: per prefix length, the network prefix (address >> host bits) -> entries. */
class PrefixTable<K extends number | bigint> {
  readonly byLength = new Map<number, Map<K, Entry[]>>();
  lengths: number[] = [];
  private readonly prefix: (address: K, hostBits: number) => K;
  private readonly bits: number;
  constructor(prefix: (address: K, hostBits: number) => K, bits: number) {
    this.prefix = prefix;
    this.bits = bits;
  }

  add(address: K, length: number, e: Entry): boolean {
    if (!(length >= 0 && length <= this.bits)) return false;
    let m = this.byLength.get(length);
    if (!m) {
      this.byLength.set(length, (m = new Map()));
      this.lengths = [...this.byLength.keys()].sort((a, b) => b - a);
    }
    return push(m, this.prefix(address, this.bits - length), e);
  }

  /** Entries whose prefix holds `address`; `exact` when the entry is a single address. */
  forEach(address: K, fn: (e: Entry, exact: boolean) => void): void {
    for (const len of this.lengths) {
      const list = this.byLength.get(len)!.get(this.prefix(address, this.bits - len));
      if (list) for (const e of list) fn(e, len === this.bits);
    }
  }
}

/**
 * The stored intel observables (intel_observables) in memory, for matching what is new (incident
 * observables, pipeline events) at insert time with a hash lookup per observable: exact values by
 * kind, IPv4/IPv6 addresses and ranges in per-prefix-length tables, domains by name (a new name's
 * parent domains are looked up too). Built on first use, then brought up to date before each match
 * by reading the objects stored since (stix_objects.seq, which imports write in commit order under
 * their advisory lock). Entries of replaced or deleted observables may linger: every candidate is
 * confirmed against intel_observables before anything is written, so they never correlate.
 */
export class IntelIndex {
  private names = new Map<string, Entry[]>();
  private v4 = new PrefixTable<number>((a, host) => Math.floor(a / 2 ** host), 32);
  private v6 = new PrefixTable<bigint>((a, host) => a >> BigInt(host), 128);
  private maxSeq: number | null = null;
  private size = 0;
  private pending: Promise<void> = Promise.resolve();

  /** Entries held and the last stix_objects.seq read. */
  stats() {
    return { entries: this.size, maxSeq: this.maxSeq };
  }

  /** Adds observables rows (kind, value, net) of intel objects. */
  addRows(rows: readonly Row[]): void {
    for (const r of rows) if (this.addRow(r)) this.size++;
  }

  private addRow(r: Row): boolean {
    const e = { objectId: r.object_id, value: r.value };
    if ((r.kind !== 'ipv4' && r.kind !== 'ipv6') || !r.net) return push(this.names, `${r.kind}\u0000${r.value}`, e);
    const slash = r.net.indexOf('/');
    const addr = slash < 0 ? r.net : r.net.slice(0, slash);
    const len = slash < 0 ? (r.kind === 'ipv4' ? 32 : 128) : Number(r.net.slice(slash + 1));
    if (r.kind === 'ipv4') {
      const a = parseIPv4(addr);
      return a !== null && this.v4.add(a >>> 0, len, e);
    }
    const a = ipv6ToBig(addr);
    return a !== null && this.v6.add(a, len, e);
  }

  /** Reads what was stored since the last call (everything the first time); serialized per process. */
  catchUp(db: Kysely<DB>): Promise<void> {
    const run = this.pending.then(() => this.read(db));
    this.pending = run.catch(() => undefined);
    return run;
  }

  /** Re-reads the observables of these objects (after a delete left an older version). */
  async reload(db: Kysely<DB>, objectIds: readonly string[]): Promise<void> {
    if (!objectIds.length) return;
    const { rows } = await sql<Row>`select object_id, kind, value, net::text as net from intel_observables where object_id = any(${[...objectIds]}::text[])`.execute(db);
    this.addRows(rows);
  }

  private async read(db: Kysely<DB>): Promise<void> {
    const { rows } = await sql<{ seq: string | null }>`select max(seq)::text as seq from stix_objects where seq > ${this.maxSeq ?? -1}`.execute(db);
    const top = rows[0]?.seq == null ? null : Number(rows[0].seq);
    if (top === null) {
      this.maxSeq ??= 0;
      return;
    }
    if (this.maxSeq === null) await this.readAll(db);
    else {
      const changed = await sql<Row>`select o.object_id, o.kind, o.value, o.net::text as net from intel_observables o
        where o.object_id in (select id from stix_objects where seq > ${this.maxSeq} and seq <= ${top})`.execute(db);
      this.addRows(changed.rows);
    }
    this.maxSeq = top;
  }

  private async readAll(db: Kysely<DB>): Promise<void> {
    let after: Row | null = null;
    for (;;) {
      const key: Row | null = after;
      const page: { rows: Row[] } = await sql<Row>`select object_id, kind, value, net::text as net from intel_observables
        ${key ? sql`where (object_id, kind, value) > (${key.object_id}, ${key.kind}, ${key.value})` : sql``}
        order by object_id, kind, value limit ${CHUNK}`.execute(db);
      this.addRows(page.rows);
      if (page.rows.length < CHUNK) return;
      after = page.rows[page.rows.length - 1]!;
    }
  }

  /** The intel observables that `o` matches: same value, address inside a range, name under a domain. */
  match(o: NewObservable, fn: (c: Candidate) => void): void {
    const hit = (kind: string, match: Candidate['match']) => (e: Entry) => fn({ object_id: e.objectId, kind, value: e.value, matched: o.value, match });
    if (o.type === 'ipv4') {
      const a = parseIPv4(o.value);
      if (a !== null) this.v4.forEach(a >>> 0, (e, exact) => hit('ipv4', exact ? 'exact' : 'range')(e));
    } else if (o.type === 'ipv6') {
      const a = ipv6ToBig(o.value);
      if (a !== null) this.v6.forEach(a, (e, exact) => hit('ipv6', exact ? 'exact' : 'range')(e));
    } else if (o.type === 'domain') {
      this.names.get(`domain\u0000${o.value}`)?.forEach(hit('domain', 'exact'));
      for (let dot = o.value.indexOf('.'); dot >= 0; dot = o.value.indexOf('.', dot + 1)) {
        const parent = o.value.slice(dot + 1);
        if (!parent.includes('.')) break; // intel domains have at least two labels
        this.names.get(`domain\u0000${parent}`)?.forEach(hit('domain', 'domain'));
      }
    } else this.names.get(`${o.type}\u0000${o.value}`)?.forEach(hit(o.type, 'exact'));
  }
}
