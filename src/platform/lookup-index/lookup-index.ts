/**
 * In-memory lookup index of the constituency registry: given an IP, CIDR, ASN, domain, URL or
 * e-mail address, returns the owning organizations' assets, most specific first. Pure, no I/O.
 * Every asset is stored as one immutable Match record, so lookups allocate no per-match objects.
 */
import { parseAsn } from './asn.ts';
import { parseCidr, parseCidrInto } from './cidr.ts';
import type { Cidr } from './cidr.ts';
import { labelCount, normalizeDomain } from './domain-name.ts';
import { DomainTable } from './domain-table.ts';
import { isIPv4Mapped } from './ip.ts';
import { PrefixTableBuilder } from './prefix-build.ts';
import { DEFAULT_COMPACT_THRESHOLD, PrefixStore } from './prefix-store.ts';
import { classifyQuery } from './query.ts';
import type { LookupKey } from './query.ts';
import { fail, ok } from './result.ts';
import type { Result } from './result.ts';
import { mergeBySpecificity, toMatch } from './types.ts';
import type { Asset, AssetError, IndexStats, LookupResult, Match } from './types.ts';

export interface LookupIndexOptions {
  /** Pending prefix changes (delta + tombstones) per family that trigger a base rebuild. */
  readonly compactThreshold?: number;
}

/** Where a validated asset goes: its Match record plus the parsed key. */
type Placement =
  | { kind: 'prefix'; record: Match; words: Uint32Array; family: 4 | 6 }
  | { kind: 'asn'; record: Match; asn: number }
  | { kind: 'domain'; record: Match; domain: string };

const MAX_REPORTED_ERRORS = 1000;
// Rough V8 object sizes used by stats().approxBytes (64-bit heap, no pointer compression).
const RECORD_BYTES = 80 + 48; // the Match record + its entry in the assets Map
const ASN_BYTES = 120;
// An IPv4 /n is the IPv4-mapped IPv6 /(96 + n).
const MAPPED_BITS = 96;

/**
 * Validates an asset and builds its record. Record values are the asset's value as given (the
 * database's canonical text); the parsed key (network words, ASN, normalized domain) is what is indexed.
 */
function place(asset: Asset): Result<Placement> {
  switch (asset.type) {
    case 'cidr': {
      const c = parseCidr(asset.value);
      if (!c.ok) return c;
      return ok({ kind: 'prefix', record: toMatch(asset, 'prefix', c.value.length), words: c.value.words, family: c.value.family });
    }
    case 'asn': {
      const asn = parseAsn(asset.value);
      return asn.ok ? ok({ kind: 'asn', record: toMatch(asset, 'asn', 0), asn: asn.value }) : asn;
    }
    case 'domain':
    case 'email_domain': {
      const d = normalizeDomain(asset.value);
      if (!d.ok) return d;
      return ok({ kind: 'domain', record: toMatch(asset, asset.type, labelCount(d.value)), domain: d.value });
    }
    default:
      return fail('asset.invalid_type', `asset type "${String(asset.type)}" is not indexed`);
  }
}

export class LookupIndex {
  /** Database change sequence this index reflects (set by the owner). */
  version = 0;
  private readonly records = new Map<string, Match>();
  private v4: PrefixStore;
  private v6: PrefixStore;
  private readonly threshold: number;
  private readonly asns = new Map<number, Match[]>();
  private readonly domains = new DomainTable<Match>();
  private readonly emailDomains = new DomainTable<Match>();
  private readonly errors: AssetError[] = [];
  private rejectedCount = 0;

  /** An empty index; prefer LookupIndex.build for bulk loads. */
  constructor(options: LookupIndexOptions = {}) {
    this.threshold = options.compactThreshold ?? DEFAULT_COMPACT_THRESHOLD;
    this.v4 = new PrefixStore(4, null, this.threshold);
    this.v6 = new PrefixStore(6, null, this.threshold);
  }

  /** Bulk-builds an index; invalid or duplicate assets are skipped and reported by rejected(). */
  static build(assets: Iterable<Asset>, options: LookupIndexOptions = {}): LookupIndex {
    const index = new LookupIndex(options);
    const builders = { 4: new PrefixTableBuilder<Match>(4, 1 << 16), 6: new PrefixTableBuilder<Match>(6, 1 << 14) };
    const words = new Uint32Array(4);
    for (const asset of assets) {
      if (index.records.has(asset.assetId)) {
        index.reject({ assetId: asset.assetId, code: 'asset.duplicate_id', message: `asset id "${asset.assetId}" appears more than once` });
        continue;
      }
      const code = asset.type === 'cidr' ? parseCidrInto(asset.value, words) : -1;
      if (code >= 0) {
        // Fast path for the bulk of the data: canonical prefixes, parsed without allocation.
        const record = toMatch(asset, 'prefix', code & 0xff);
        index.records.set(asset.assetId, record);
        builders[code >> 8 === 4 ? 4 : 6].add(words, 0, code & 0xff, record);
        continue;
      }
      const placed = place(asset);
      if (placed.ok) index.insert(placed.value, builders);
      else index.reject({ assetId: asset.assetId, code: placed.code, message: placed.message });
    }
    index.v4 = new PrefixStore(4, builders[4].build(), index.threshold);
    index.v6 = new PrefixStore(6, builders[6].build(), index.threshold);
    return index;
  }

  /** The indexed assets (what `build` takes to make an equal index, e.g. in another thread). */
  assets(): Asset[] {
    const out: Asset[] = [];
    for (const m of this.records.values()) out.push({ assetId: m.assetId, organizationId: m.organizationId, type: m.type, value: m.value });
    return out;
  }

  /** Adds (or replaces, by assetId) an asset; lookups see it immediately. Returns the stored record. */
  add(asset: Asset): Result<Match> {
    const placed = place(asset);
    if (!placed.ok) return placed;
    this.remove(asset.assetId);
    this.insert(placed.value, null);
    return ok(placed.value.record);
  }

  /** Removes an asset by id; returns false when unknown. */
  remove(assetId: string): boolean {
    const record = this.records.get(assetId);
    if (record === undefined) return false;
    this.records.delete(assetId);
    if (record.type === 'cidr') (record.value.indexOf(':') >= 0 ? this.v6 : this.v4).remove(assetId);
    else if (record.type === 'asn') this.removeAsn(record);
    else {
      const domain = normalizeDomain(record.value); // the same key insert() used
      if (domain.ok) (record.type === 'domain' ? this.domains : this.emailDomains).remove(domain.value, assetId);
    }
    return true;
  }

  /** Folds pending prefix changes into rebuilt base tables. */
  compact(): void {
    this.v4.compact();
    this.v6.compact();
  }

  /** Classifies a free-text query and returns its matches, most specific first. */
  lookup(query: string): Result<LookupResult> {
    const q = classifyQuery(query);
    if (!q.ok) return q;
    return ok({ kind: q.value.kind, normalized: q.value.normalized, matches: this.lookupKey(q.value.key) });
  }

  /**
   * Matches for an already classified key, most specific first (e-mail: email_domain first on
   * ties), as a new array. An IPv4-mapped IPv6 address also gets its IPv4 address's prefixes.
   */
  lookupKey(key: LookupKey): Match[] {
    // Each source returns a fresh array already ordered; two contributing sources are merged.
    switch (key.type) {
      case 'ipv4':
        return this.v4.matchAddress(key.value);
      case 'ipv6': {
        const v6 = this.v6.matchAddress(key.value);
        // An IPv4-mapped address (::ffff:a.b.c.d) also matches a.b.c.d's prefixes, IPv4 /n ranking as /(96 + n).
        return isIPv4Mapped(key.value) ? mergeBySpecificity(v6, this.v4.matchAddress(key.value[3]!), MAPPED_BITS) : v6;
      }
      case 'cidr':
        return (key.value.family === 4 ? this.v4 : this.v6).covering(key.value);
      case 'asn':
        return this.asns.get(key.value)?.slice() ?? [];
      case 'domain':
        return this.domains.matches(key.value);
      case 'email_domain':
        return mergeBySpecificity(this.emailDomains.matches(key.value), this.domains.matches(key.value));
    }
  }

  /** Hot path: one of the most specific live prefix records containing IPv4 address a (uint32), or null. */
  lookupIPv4Fast(a: number): Match | null {
    return this.v4.firstV4(a);
  }

  /** Registered prefixes overlapping a CIDR: those containing/equal to it and those inside it (capped by limit). */
  overlaps(cidr: string | Cidr, limit = 100): Result<{ covering: Match[]; coveredBy: Match[] }> {
    const parsed = typeof cidr === 'string' ? parseCidr(cidr) : ok(cidr);
    if (!parsed.ok) return parsed;
    const store = parsed.value.family === 4 ? this.v4 : this.v6;
    const coveredBy: Match[] = [];
    store.coveredBy(parsed.value, limit, coveredBy);
    return ok({ covering: store.covering(parsed.value), coveredBy });
  }

  /** The stored record of an asset. */
  get(assetId: string): Match | undefined {
    return this.records.get(assetId);
  }

  /** Number of live assets. */
  get size(): number {
    return this.records.size;
  }

  /** Assets refused by build() (first 1000; stats().rejected has the total). */
  rejected(): readonly AssetError[] {
    return this.errors;
  }

  /** Counts per kind, pending incremental changes and an approximate memory footprint. */
  stats(): IndexStats {
    const v4 = this.v4.pending;
    const v6 = this.v6.pending;
    const domainBytes = this.domains.byteSize() + this.emailDomains.byteSize();
    const approxBytes = this.v4.byteSize() + this.v6.byteSize() + this.records.size * RECORD_BYTES + domainBytes + this.asns.size * ASN_BYTES;
    let asn = 0;
    for (const list of this.asns.values()) asn += list.length;
    return {
      version: this.version,
      assets: this.records.size,
      counts: { cidr4: this.v4.size, cidr6: this.v6.size, asn, domain: this.domains.size, emailDomain: this.emailDomains.size },
      prefixSlots: { v4: this.v4.baseSlots, v6: this.v6.baseSlots },
      pending: { v4Delta: v4.delta, v6Delta: v6.delta, tombstones: v4.tombstones + v6.tombstones },
      rejected: this.rejectedCount,
      approxBytes,
    };
  }

  /** Stores a placed record; prefixes go to the bulk builders when given, else to the delta. */
  private insert(p: Placement, builders: Record<4 | 6, PrefixTableBuilder<Match>> | null): void {
    const record = p.record;
    this.records.set(record.assetId, record);
    if (p.kind === 'prefix') {
      if (builders) builders[p.family].add(p.words, 0, record.specificity, record);
      else (p.family === 4 ? this.v4 : this.v6).add(record, p.words, record.specificity);
    } else if (p.kind === 'asn') {
      const list = this.asns.get(p.asn);
      if (list === undefined) this.asns.set(p.asn, [record]);
      else list.push(record);
    } else (record.type === 'domain' ? this.domains : this.emailDomains).add(p.domain, record);
  }

  private reject(error: AssetError): void {
    this.rejectedCount++;
    if (this.errors.length < MAX_REPORTED_ERRORS) this.errors.push(error);
  }

  private removeAsn(record: Match): void {
    const asn = parseAsn(record.value);
    const list = asn.ok ? this.asns.get(asn.value) : undefined;
    if (!asn.ok || list === undefined) return;
    const rest = list.filter((m) => m.assetId !== record.assetId);
    if (rest.length === 0) this.asns.delete(asn.value);
    else this.asns.set(asn.value, rest);
  }
}
