/**
 * In-memory lookup index of the constituency registry: given an IP, CIDR, ASN, domain, URL or
 * e-mail address, returns the owning organizations' assets, most specific first. Pure, no I/O.
 */
import { parseAsn } from './asn.ts';
import { parseCidr, parseCidrInto } from './cidr.ts';
import type { Cidr, Family } from './cidr.ts';
import { normalizeDomain } from './domain-name.ts';
import { DomainTrie } from './domain-trie.ts';
import type { DomainHit } from './domain-trie.ts';
import { PrefixTableBuilder } from './prefix-build.ts';
import { DEFAULT_COMPACT_THRESHOLD, PrefixStore } from './prefix-store.ts';
import { classifyQuery } from './query.ts';
import type { LookupKey } from './query.ts';
import { fail, ok } from './result.ts';
import type { Result } from './result.ts';
import { toMatch } from './types.ts';
import type { Asset, AssetError, IndexStats, LookupResult, Match, MatchType } from './types.ts';

export interface LookupIndexOptions {
  /** Pending prefix changes (delta + tombstones) per family that trigger a base rebuild. */
  readonly compactThreshold?: number;
}

/** Parsed form of an asset value: where it goes in the index. */
type Placement =
  | { kind: 'prefix'; family: Family; words: Uint32Array; length: number }
  | { kind: 'asn'; asn: number }
  | { kind: 'domain'; domain: string };

const MAX_REPORTED_ERRORS = 1000;
// Rough V8 object sizes used by stats().approxBytes (64-bit, no pointer compression).
const ASSET_BYTES = 64 + 48; // the asset copy + its assets-Map entry
const TRIE_NODE_BYTES = 180;
const ASN_BYTES = 120;

function bySpecificityDesc(a: Match, b: Match): number {
  return b.specificity - a.specificity;
}

function sortMatches(out: Match[]): Match[] {
  for (let i = 1; i < out.length; i++) {
    if (out[i]!.specificity > out[i - 1]!.specificity) return out.sort(bySpecificityDesc);
  }
  return out;
}

function pushDomainHits(hits: DomainHit<Asset>[], matchType: MatchType, out: Match[]): void {
  for (const hit of hits) for (const asset of hit.entries) out.push(toMatch(asset, matchType, hit.labels));
}

/** Validates an asset value and works out where it is stored. */
function placeAsset(asset: Asset): Result<Placement> {
  switch (asset.type) {
    case 'cidr': {
      const cidr = parseCidr(asset.value);
      if (!cidr.ok) return cidr;
      return ok({ kind: 'prefix', family: cidr.value.family, words: cidr.value.words, length: cidr.value.length });
    }
    case 'asn': {
      const asn = parseAsn(asset.value);
      return asn.ok ? ok({ kind: 'asn', asn: asn.value }) : asn;
    }
    case 'domain':
    case 'email_domain': {
      const domain = normalizeDomain(asset.value);
      return domain.ok ? ok({ kind: 'domain', domain: domain.value }) : domain;
    }
    default:
      return fail('asset.invalid_type', `asset type "${String(asset.type)}" is not indexed`);
  }
}

export class LookupIndex {
  /** Database change sequence this index reflects (set by the owner). */
  version = 0;
  private readonly assets = new Map<string, Asset>();
  private readonly v4: PrefixStore;
  private readonly v6: PrefixStore;
  private readonly asns = new Map<number, Asset[]>();
  private readonly domains = new DomainTrie<Asset>();
  private readonly emailDomains = new DomainTrie<Asset>();
  private readonly errors: AssetError[] = [];
  private rejectedCount = 0;

  /** An empty index; prefer LookupIndex.build for bulk loads. */
  constructor(options: LookupIndexOptions = {}, v4: PrefixStore | null = null, v6: PrefixStore | null = null) {
    const threshold = options.compactThreshold ?? DEFAULT_COMPACT_THRESHOLD;
    this.v4 = v4 ?? new PrefixStore(4, null, threshold);
    this.v6 = v6 ?? new PrefixStore(6, null, threshold);
  }

  /** Bulk-builds an index; invalid or duplicate assets are skipped and reported in rejected(). */
  static build(assets: Iterable<Asset>, options: LookupIndexOptions = {}): LookupIndex {
    const threshold = options.compactThreshold ?? DEFAULT_COMPACT_THRESHOLD;
    const b4 = new PrefixTableBuilder<Asset>(4, 1 << 16);
    const b6 = new PrefixTableBuilder<Asset>(6, 1 << 14);
    const pending: Asset[] = [];
    const seen = new Map<string, Asset>();
    const rejects: AssetError[] = [];
    const words = new Uint32Array(4);
    for (const input of assets) {
      const asset: Asset = { assetId: input.assetId, organizationId: input.organizationId, type: input.type, value: input.value };
      if (seen.has(asset.assetId)) {
        rejects.push({ assetId: asset.assetId, code: 'asset.duplicate_id', message: `asset id "${asset.assetId}" appears more than once` });
        continue;
      }
      if (asset.type !== 'cidr') pending.push(asset);
      else {
        const code = parseCidrInto(asset.value, words);
        if (code >= 0) (code >> 8 === 4 ? b4 : b6).add(words, 0, code & 0xff, asset);
        else {
          const slow = parseCidr(asset.value); // tolerates surrounding whitespace
          if (!slow.ok) {
            rejects.push({ assetId: asset.assetId, code: slow.code, message: slow.message });
            continue;
          }
          (slow.value.family === 4 ? b4 : b6).add(slow.value.words, 0, slow.value.length, asset);
        }
      }
      seen.set(asset.assetId, asset);
    }
    const index = new LookupIndex(options, new PrefixStore(4, b4.build(), threshold), new PrefixStore(6, b6.build(), threshold));
    index.adoptBulk(seen, pending, rejects);
    return index;
  }

  /** Adds (or replaces, by assetId) an asset; lookups see it immediately. */
  add(input: Asset): Result<Asset> {
    const placement = placeAsset(input);
    if (!placement.ok) return placement;
    if (this.assets.has(input.assetId)) this.remove(input.assetId);
    const p = placement.value;
    const value = p.kind === 'domain' ? p.domain : input.value;
    const asset: Asset = { assetId: input.assetId, organizationId: input.organizationId, type: input.type, value };
    this.assets.set(asset.assetId, asset);
    if (p.kind === 'prefix') (p.family === 4 ? this.v4 : this.v6).add(asset, p.words, p.length);
    else if (p.kind === 'asn') this.addAsn(p.asn, asset);
    else (asset.type === 'domain' ? this.domains : this.emailDomains).add(p.domain, asset);
    return ok(asset);
  }

  /** Removes an asset by id; returns false when unknown. */
  remove(assetId: string): boolean {
    const asset = this.assets.get(assetId);
    if (asset === undefined) return false;
    this.assets.delete(assetId);
    if (asset.type === 'cidr') (asset.value.indexOf(':') >= 0 ? this.v6 : this.v4).remove(assetId);
    else if (asset.type === 'asn') this.removeAsn(asset);
    else (asset.type === 'domain' ? this.domains : this.emailDomains).remove(asset.value, assetId);
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

  /** Matches for an already classified key, most specific first (e-mail: email_domain first on ties). */
  lookupKey(key: LookupKey): Match[] {
    const out: Match[] = [];
    switch (key.type) {
      case 'ipv4':
        this.v4.matchAddress(key.value, out);
        break;
      case 'ipv6':
        this.v6.matchAddress(key.value, out);
        break;
      case 'cidr':
        (key.value.family === 4 ? this.v4 : this.v6).covering(key.value, out);
        break;
      case 'asn':
        for (const asset of this.asns.get(key.value) ?? []) out.push(toMatch(asset, 'asn', 0));
        break;
      case 'domain':
        pushDomainHits(this.domains.lookup(key.value), 'domain', out);
        break;
      case 'email_domain':
        pushDomainHits(this.emailDomains.lookup(key.value), 'email_domain', out);
        pushDomainHits(this.domains.lookup(key.value), 'domain', out);
        break;
    }
    return sortMatches(out);
  }

  /** Hot path: one of the most specific live assets containing IPv4 address a (uint32), or null. */
  lookupIPv4Fast(a: number): Asset | null {
    return this.v4.firstV4(a);
  }

  /** Registered prefixes overlapping a CIDR: those containing/equal to it and those inside it (capped by limit). */
  overlaps(cidrText: string | Cidr, limit = 100): Result<{ covering: Match[]; coveredBy: Match[] }> {
    const parsed = typeof cidrText === 'string' ? parseCidr(cidrText) : ok(cidrText);
    if (!parsed.ok) return parsed;
    const store = parsed.value.family === 4 ? this.v4 : this.v6;
    const covering: Match[] = [];
    const coveredBy: Match[] = [];
    store.covering(parsed.value, covering);
    store.coveredBy(parsed.value, limit, coveredBy);
    return ok({ covering: sortMatches(covering), coveredBy });
  }

  /** The stored asset with this id. */
  get(assetId: string): Asset | undefined {
    return this.assets.get(assetId);
  }

  /** Number of live assets. */
  get size(): number {
    return this.assets.size;
  }

  /** Assets refused by build() (first 1000) — see stats().rejected for the total. */
  rejected(): readonly AssetError[] {
    return this.errors;
  }

  /** Counts per kind, pending incremental changes and an approximate memory footprint. */
  stats(): IndexStats {
    const v4 = this.v4.pending;
    const v6 = this.v6.pending;
    const trieNodes = this.domains.nodes + this.emailDomains.nodes;
    const approxBytes = this.v4.byteSize() + this.v6.byteSize() + this.assets.size * ASSET_BYTES + trieNodes * TRIE_NODE_BYTES + this.asns.size * ASN_BYTES;
    return {
      version: this.version,
      assets: this.assets.size,
      counts: { cidr4: this.v4.size, cidr6: this.v6.size, asn: this.countAsns(), domain: this.domains.size, emailDomain: this.emailDomains.size },
      prefixSlots: { v4: this.v4.baseSlots, v6: this.v6.baseSlots },
      pending: { v4Delta: v4.delta, v6Delta: v6.delta, tombstones: v4.tombstones + v6.tombstones },
      rejected: this.rejectedCount,
      approxBytes,
    };
  }

  private adoptBulk(seen: Map<string, Asset>, pending: Asset[], rejects: AssetError[]): void {
    for (const [id, asset] of seen) if (asset.type === 'cidr') this.assets.set(id, asset);
    for (const asset of pending) {
      const added = this.add(asset);
      if (!added.ok) rejects.push({ assetId: asset.assetId, code: added.code, message: added.message });
    }
    this.rejectedCount = rejects.length;
    this.errors.push(...rejects.slice(0, MAX_REPORTED_ERRORS));
  }

  private addAsn(asn: number, asset: Asset): void {
    const list = this.asns.get(asn);
    if (list === undefined) this.asns.set(asn, [asset]);
    else list.push(asset);
  }

  private removeAsn(asset: Asset): void {
    const asn = parseAsn(asset.value);
    const list = asn.ok ? this.asns.get(asn.value) : undefined;
    if (list === undefined) return;
    const rest = list.filter((a) => a.assetId !== asset.assetId);
    if (rest.length === 0 && asn.ok) this.asns.delete(asn.value);
    else if (asn.ok) this.asns.set(asn.value, rest);
  }

  private countAsns(): number {
    let n = 0;
    for (const list of this.asns.values()) n += list.length;
    return n;
  }
}
