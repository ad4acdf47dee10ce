/**
 * Constituency enrichment: who owns an event. The owner is found by, in order, `source.ip` (longest
 * prefix), `source.fqdn` then the host of `source.url` (domain suffix; an IP literal host is looked
 * up as an address), then `source.asn`. The event gets `source.abuse_contact` (when empty); the
 * owner itself is the ProcessedEvent's organizationId (the events table's organization_id column),
 * which outputs join for the organization's name, sector, CII flag and centers: they are not copied
 * into every event.
 *
 * Cost: the IPv4 path (the bulk of scan feeds) parses the address without allocating and reads one
 * shared Match record; one Map read gives the organization and its contact string (built once per
 * enricher).
 */
import type { LookupKey } from '../../../platform/lookup-index/index.ts';
import { ADDRESS_WORDS, IS_IPV6, parseAddress } from '../asn/ip-memo.ts';
import type { HarmonizedEvent, OrgInfo } from '../pipeline.types.ts';

export type Enricher = {
  /** Finds the owner, enriches the event in place and returns the owner (null when none). */
  enrich(event: HarmonizedEvent): OrgInfo | null;
};

/**
 * Where the enricher finds owners: the constituency's LookupIndex itself, or a parse thread's view
 * of it (owner-table.ts). Only the organization of a match is read.
 */
export interface OwnerSource {
  /** The owner of one of the most specific IPv4 prefixes holding address a (uint32), or null. */
  lookupIPv4Fast(a: number): { readonly organizationId: string } | null;
  /** Owners of the matches of a key, most specific first. */
  lookupKey(key: LookupKey): readonly { readonly organizationId: string }[];
}

/** An organization and its contact string, as the enricher hands them out. */
type Owner = { org: OrgInfo; abuse: string };

const scratch = new Uint32Array(4);
const v6Key: LookupKey = { type: 'ipv6', value: scratch };

/** The host part of a URL ("https://user@Host.example:8443/x" -> "Host.example"; "[2001:db8::1]" -> "2001:db8::1"), or null. */
export function hostOfUrl(url: string): string | null {
  const scheme = url.indexOf('://');
  let from = scheme >= 0 ? scheme + 3 : 0;
  let to = url.length;
  for (let i = from; i < url.length; i++) {
    const c = url.charCodeAt(i);
    if (c === 47 || c === 63 || c === 35) {
      to = i; // '/', '?', '#'
      break;
    }
  }
  const at = url.lastIndexOf('@', to);
  if (at >= from) from = at + 1;
  if (url.charCodeAt(from) === 91) {
    const close = url.indexOf(']', from);
    return close > from ? url.slice(from + 1, close) : null;
  }
  const colon = url.indexOf(':', from);
  if (colon >= 0 && colon < to) to = colon;
  return to > from ? url.slice(from, to) : null;
}

function domainKey(host: string): string {
  let h = host;
  if (h.charCodeAt(h.length - 1) === 46) h = h.slice(0, -1);
  for (let i = 0; i < h.length; i++) {
    const c = h.charCodeAt(i);
    if (c >= 65 && c <= 90) return h.toLowerCase();
  }
  return h;
}

/** Builds an enricher over an owner source and the organizations (both read-only for its lifetime). */
export function createEnricher(index: OwnerSource, orgs: ReadonlyMap<string, OrgInfo>): Enricher {
  const owners = new Map<string, Owner | null>();

  // One Map read per event: the organization of a match and its contact string, or null when unknown.
  const ownerOf = (organizationId: string): Owner | null => {
    let o = owners.get(organizationId);
    if (o === undefined) {
      const org = orgs.get(organizationId);
      o = org === undefined ? null : { org, abuse: org.contacts.join(',') };
      owners.set(organizationId, o);
    }
    return o;
  };
  const known = (m: { readonly organizationId: string } | null | undefined): Owner | null => (m ? ownerOf(m.organizationId) : null);
  const first = (matches: readonly { readonly organizationId: string }[]): Owner | null => {
    for (const m of matches) {
      const o = ownerOf(m.organizationId);
      if (o) return o;
    }
    return null;
  };

  function byAddress(ip: string): Owner | null | undefined {
    const a = parseAddress(ip);
    if (a >= 0) return known(index.lookupIPv4Fast(a));
    if (a !== IS_IPV6) return undefined; // not an address
    scratch.set(ADDRESS_WORDS);
    return first(index.lookupKey(v6Key));
  }

  function byHost(host: string): Owner | null {
    const asIp = byAddress(host);
    if (asIp !== undefined) return asIp;
    return first(index.lookupKey({ type: 'domain', value: domainKey(host) }));
  }

  function owner(event: HarmonizedEvent): Owner | null {
    const ip = event['source.ip'];
    if (typeof ip === 'string' && ip !== '') {
      const o = byAddress(ip);
      if (o) return o;
    }
    const fqdn = event['source.fqdn'];
    if (typeof fqdn === 'string' && fqdn !== '') {
      const o = byHost(fqdn);
      if (o) return o;
    }
    const url = event['source.url'];
    if (typeof url === 'string' && url !== '') {
      const host = hostOfUrl(url);
      const o = host === null ? null : byHost(host);
      if (o) return o;
    }
    const asn = event['source.asn'];
    const n = typeof asn === 'number' ? asn : typeof asn === 'string' && /^\d{1,10}$/.test(asn) ? Number(asn) : -1;
    return n >= 0 ? first(index.lookupKey({ type: 'asn', value: n })) : null;
  }

  return {
    enrich(event) {
      const o = owner(event);
      if (o === null) return null;
      if (o.abuse !== '' && (event['source.abuse_contact'] === undefined || event['source.abuse_contact'] === '')) event['source.abuse_contact'] = o.abuse;
      return o.org;
    },
  };
}
