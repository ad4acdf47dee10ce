/** Public data shapes of the lookup index. */
import type { QueryKind } from './query.ts';

export type AssetType = 'cidr' | 'asn' | 'domain' | 'email_domain';

/** A constituency asset as the index receives it (value in canonical form). */
export interface Asset {
  readonly assetId: string;
  readonly organizationId: string;
  readonly type: AssetType;
  readonly value: string;
}

export type MatchType = 'prefix' | 'asn' | 'domain' | 'email_domain';

/**
 * One asset matching a lookup; specificity = prefix length, domain label count, or 0 for an ASN.
 * The index keeps exactly one (immutable, shared) Match per asset and returns it from every lookup.
 */
export interface Match {
  readonly assetId: string;
  readonly organizationId: string;
  readonly type: AssetType;
  readonly value: string;
  readonly matchType: MatchType;
  readonly specificity: number;
}

/** Result of LookupIndex.lookup: the query classification and its matches, most specific first. */
export interface LookupResult {
  readonly kind: QueryKind;
  readonly normalized: string;
  readonly matches: Match[];
}

/** An asset the index refused (invalid value, duplicate id...). */
export interface AssetError {
  readonly assetId: string;
  readonly code: string;
  readonly message: string;
}

/** Counters and memory estimate of a LookupIndex. */
export interface IndexStats {
  readonly version: number;
  readonly assets: number;
  readonly counts: { readonly cidr4: number; readonly cidr6: number; readonly asn: number; readonly domain: number; readonly emailDomain: number };
  readonly prefixSlots: { readonly v4: number; readonly v6: number };
  readonly pending: { readonly v4Delta: number; readonly v6Delta: number; readonly tombstones: number };
  readonly rejected: number;
  readonly approxBytes: number;
}

/** Builds the Match reported for an asset. */
export function toMatch(asset: Asset, matchType: MatchType, specificity: number): Match {
  return {
    assetId: asset.assetId,
    organizationId: asset.organizationId,
    type: asset.type,
    value: asset.value,
    matchType,
    specificity,
  };
}

/**
 * Merges two lists sorted by decreasing specificity into a new list (or returns the non-empty
 * one); a's items come first on ties. b's specificities count bOffset more (IPv4-mapped ranking).
 */
export function mergeBySpecificity(a: Match[], b: Match[], bOffset = 0): Match[] {
  if (b.length === 0) return a;
  if (a.length === 0) return b;
  const out = new Array<Match>(a.length + b.length);
  for (let i = 0, j = 0, k = 0; k < out.length; k++) {
    out[k] = j === b.length || (i < a.length && a[i]!.specificity >= b[j]!.specificity + bOffset) ? a[i++]! : b[j++]!;
  }
  return out;
}
