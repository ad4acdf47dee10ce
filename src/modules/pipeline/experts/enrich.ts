/**
 * Constituency enrichment: who owns an event. The owner is found by, in order, `source.ip` (longest
 * prefix), `source.fqdn` then the host of `source.url` (domain suffix; an IP literal host is looked
 * up as an address), then `source.asn`. The event gets `source.abuse_contact` (when empty) and
 * `extra.constituency` = { organization, sector, cii, ciiCategory, centers }.
 *
 * Cost: the IPv4 path (the bulk of scan feeds) parses the address without allocating and reads one
 * shared Match record; each organization's `extra.constituency` object and contact string are built
 * once per enricher and shared (frozen) by all its events.
 */
import type { LookupIndex, LookupKey, Match } from '../../constituency/index.ts';
import { ADDRESS_WORDS, IS_IPV6, parseAddress } from '../asn/ip-memo.ts';
import type { EventValue, HarmonizedEvent, OrgInfo } from '../pipeline.types.ts';

export type Enricher = {
  /** Finds the owner, enriches the event in place and returns the owner (null when none). */
  enrich(event: HarmonizedEvent): OrgInfo | null;
};

type OrgExtras = { constituency: EventValue; abuse: string };

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

/** Builds an enricher over an index and the organizations (both read-only for its lifetime). */
export function createEnricher(index: LookupIndex, orgs: ReadonlyMap<string, OrgInfo>): Enricher {
  const extras = new Map<string, OrgExtras>();

  const known = (m: Match | null | undefined): OrgInfo | null => (m ? (orgs.get(m.organizationId) ?? null) : null);
  const first = (matches: readonly Match[]): OrgInfo | null => {
    for (const m of matches) {
      const o = orgs.get(m.organizationId);
      if (o) return o;
    }
    return null;
  };

  function byAddress(ip: string): OrgInfo | null | undefined {
    const a = parseAddress(ip);
    if (a >= 0) return known(index.lookupIPv4Fast(a));
    if (a !== IS_IPV6) return undefined; // not an address
    scratch.set(ADDRESS_WORDS);
    return first(index.lookupKey(v6Key));
  }

  function byHost(host: string): OrgInfo | null {
    const asIp = byAddress(host);
    if (asIp !== undefined) return asIp;
    return first(index.lookupKey({ type: 'domain', value: domainKey(host) }));
  }

  function owner(event: HarmonizedEvent): OrgInfo | null {
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

  function extrasOf(o: OrgInfo): OrgExtras {
    let x = extras.get(o.id);
    if (x === undefined) {
      const constituency = Object.freeze({ organization: o.name, sector: o.sector, cii: o.isCii, ciiCategory: o.ciiCategory, centers: Object.freeze([...o.centerIds]) });
      x = { constituency, abuse: o.contacts.join(',') };
      extras.set(o.id, x);
    }
    return x;
  }

  return {
    enrich(event) {
      const o = owner(event);
      if (o === null) return null;
      const x = extrasOf(o);
      event['extra.constituency'] = x.constituency;
      if (x.abuse !== '' && (event['source.abuse_contact'] === undefined || event['source.abuse_contact'] === '')) event['source.abuse_contact'] = x.abuse;
      return o;
    },
  };
}
