import type { AssetType } from '../../platform/db/schema.ts';
import { normalizeDomain, parseAsn, parseCidr, type Result } from '../../platform/lookup-index/index.ts';

/**
 * The canonical stored form of an asset value: CIDR in network form (host bits are an error, a bare
 * address is a /32 or /128), ASN as `AS<n>`, domains lower-case ASCII (IDN as punycode).
 */
export function normalizeAsset(type: AssetType, value: string): Result<string> {
  switch (type) {
    case 'cidr': {
      const r = parseCidr(value);
      return r.ok ? { ok: true, value: r.value.canonical } : r;
    }
    case 'asn': {
      const r = parseAsn(value);
      return r.ok ? { ok: true, value: `AS${r.value}` } : r;
    }
    case 'domain':
    case 'email_domain': {
      const r = normalizeDomain(value.replace(/^@/, ''));
      return r.ok ? r : { ...r, code: 'asset.invalid_domain' };
    }
  }
}
