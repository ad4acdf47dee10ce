import { describe, it, expect } from 'vitest';
import { parseIPv4 } from './ip.ts';
import { LookupIndex } from './lookup-index.ts';
import type { Asset, AssetType, LookupResult } from './types.ts';

const asset = (assetId: string, organizationId: string, type: AssetType, value: string): Asset => ({ assetId, organizationId, type, value });

const fixture: Asset[] = [
  asset('c8', 'org-isp', 'cidr', '10.0.0.0/8'),
  asset('c16', 'org-uni', 'cidr', '10.1.0.0/16'),
  asset('c24', 'org-lab', 'cidr', '10.1.2.0/24'),
  asset('c24b', 'org-lab2', 'cidr', '10.1.2.0/24'),
  asset('v6-32', 'org-isp', 'cidr', '2001:db8::/32'),
  asset('v6-48', 'org-uni', 'cidr', '2001:db8:1::/48'),
  asset('asn', 'org-isp', 'asn', 'AS64500'),
  asset('asn-b', 'org-uni', 'asn', '64500'),
  asset('d1', 'org-uni', 'domain', 'uni.example'),
  asset('d2', 'org-lab', 'domain', 'lab.uni.example'),
  asset('e1', 'org-uni', 'email_domain', 'uni.example'),
  asset('e2', 'org-mail', 'email_domain', 'mail.uni.example'),
];

function look(index: LookupIndex, q: string): LookupResult {
  const r = index.lookup(q);
  if (!r.ok) throw new Error(r.message);
  return r.value;
}

const ids = (index: LookupIndex, q: string) => look(index, q).matches.map((m) => `${m.assetId}:${m.specificity}`);

describe('LookupIndex.lookup', () => {
  const index = LookupIndex.build(fixture);

  it('returns nested IPv4 prefixes most specific first, with duplicates across orgs', () => {
    const r = look(index, '10.1.2.3');
    expect(r.kind).toBe('ipv4');
    expect(r.matches.map((m) => `${m.assetId}:${m.organizationId}:${m.specificity}`)).toEqual([
      'c24:org-lab:24',
      'c24b:org-lab2:24',
      'c16:org-uni:16',
      'c8:org-isp:8',
    ]);
    expect(r.matches[0]).toEqual({ assetId: 'c24', organizationId: 'org-lab', type: 'cidr', value: '10.1.2.0/24', matchType: 'prefix', specificity: 24 });
  });

  it('looks up IPv6 addresses and URL hosts', () => {
    expect(ids(index, '2001:db8:1::5')).toEqual(['v6-48:48', 'v6-32:32']);
    expect(ids(index, 'http://[2001:db8:2::1]/')).toEqual(['v6-32:32']);
    expect(ids(index, 'hxxp://10[.]1[.]9[.]9/x')).toEqual(['c16:16', 'c8:8']);
  });

  it('returns prefixes covering a CIDR query', () => {
    expect(ids(index, '10.1.2.0/24')).toEqual(['c24:24', 'c24b:24', 'c16:16', 'c8:8']);
    expect(ids(index, '10.1.0.0/20')).toEqual(['c16:16', 'c8:8']);
    expect(ids(index, '2001:db8::/31')).toEqual([]);
  });

  it('looks up AS numbers in any notation', () => {
    expect(ids(index, 'as64500')).toEqual(['asn:0', 'asn-b:0']);
    expect(ids(index, 'AS1')).toEqual([]);
  });

  it('matches domains and parents by label count', () => {
    expect(ids(index, 'www.lab.uni.example')).toEqual(['d2:3', 'd1:2']);
    expect(ids(index, 'https://UNI.example./')).toEqual(['d1:2']);
  });

  it('matches e-mail domains and domains, email_domain first at equal specificity', () => {
    const r = look(index, 'alice@mail.uni.example');
    expect(r.kind).toBe('email');
    expect(r.normalized).toBe('mail.uni.example');
    expect(r.matches.map((m) => `${m.assetId}:${m.matchType}:${m.specificity}`)).toEqual([
      'e2:email_domain:3',
      'e1:email_domain:2',
      'd1:domain:2',
    ]);
  });

  it('returns an empty match list for unknown keys and an error for invalid queries', () => {
    expect(look(index, '192.0.2.1').matches).toEqual([]);
    const bad = index.lookup('not a query');
    expect(bad.ok || bad.code).toBe('lookup.invalid_query');
  });

  it('looks up an IPv4-mapped IPv6 address in the IPv4 table too, IPv4 /n ranking as /(96 + n)', () => {
    const mapped = LookupIndex.build([
      ...fixture,
      asset('bench', 'org-lab', 'cidr', '198.18.0.0/15'),
      asset('v6-all', 'org-isp', 'cidr', '::/0'),
      asset('v6-map', 'org-map', 'cidr', '::ffff:10.1.2.0/120'),
      asset('v6-map96', 'org-map', 'cidr', '::ffff:0.0.0.0/96'),
    ]);
    const r = look(mapped, '::ffff:198.18.0.1');
    expect(r.kind).toBe('ipv6');
    expect(r.matches.map((m) => `${m.assetId}:${m.specificity}`)).toEqual(['bench:15', 'v6-map96:96', 'v6-all:0']);
    expect(ids(mapped, '::ffff:10.1.2.3')).toEqual(['v6-map:120', 'c24:24', 'c24b:24', 'c16:16', 'c8:8', 'v6-map96:96', 'v6-all:0']);
    expect(ids(mapped, 'http://[::FFFF:a01:203]/')).toEqual(ids(mapped, '::ffff:10.1.2.3'));
    expect(ids(index, '::ffff:198.18.0.1')).toEqual([]);
    expect(ids(index, '::ffff:10.1.2.3')).toEqual(['c24:24', 'c24b:24', 'c16:16', 'c8:8']);
    expect(ids(index, '::10.1.2.3')).toEqual([]); // IPv4-compatible (deprecated) form: not mapped
  });

  it('answers the numeric hot path', () => {
    expect(index.lookupIPv4Fast(parseIPv4('10.1.2.3')!)?.assetId).toBe('c24');
    expect(index.lookupIPv4Fast(parseIPv4('10.200.0.1')!)?.assetId).toBe('c8');
    expect(index.lookupIPv4Fast(parseIPv4('192.0.2.1')!)).toBeNull();
  });
});

describe('LookupIndex incremental updates', () => {
  it('sees added and removed prefixes immediately', () => {
    const index = LookupIndex.build(fixture);
    expect(index.add(asset('c28', 'org-new', 'cidr', '10.1.2.0/28')).ok).toBe(true);
    expect(ids(index, '10.1.2.3')).toEqual(['c28:28', 'c24:24', 'c24b:24', 'c16:16', 'c8:8']);
    expect(index.lookupIPv4Fast(parseIPv4('10.1.2.3')!)?.assetId).toBe('c28');
    expect(index.remove('c24')).toBe(true);
    expect(ids(index, '10.1.2.3')).toEqual(['c28:28', 'c24b:24', 'c16:16', 'c8:8']);
    expect(index.remove('c28')).toBe(true);
    expect(index.lookupIPv4Fast(parseIPv4('10.1.2.3')!)?.assetId).toBe('c24b');
    expect(index.remove('c24')).toBe(false);
  });

  it('merges a less specific added prefix into the right place of the base chain', () => {
    const index = LookupIndex.build(fixture);
    index.add(asset('c12', 'org-new', 'cidr', '10.0.0.0/12'));
    expect(ids(index, '10.1.2.3')).toEqual(['c24:24', 'c24b:24', 'c16:16', 'c12:12', 'c8:8']);
    expect(ids(index, '10.1.2.0/24')).toEqual(['c24:24', 'c24b:24', 'c16:16', 'c12:12', 'c8:8']);
    expect(index.lookupIPv4Fast(parseIPv4('10.1.2.3')!)?.assetId).toBe('c24');
    expect(index.lookupIPv4Fast(parseIPv4('10.2.0.1')!)?.assetId).toBe('c12');
  });

  it('adds and removes IPv6 prefixes incrementally', () => {
    const index = LookupIndex.build(fixture);
    index.add(asset('v6-64', 'org-lab', 'cidr', '2001:db8:1:2::/64'));
    index.add(asset('v6-128', 'org-host', 'cidr', '2001:db8:1:2::1/128'));
    expect(ids(index, '2001:db8:1:2::1')).toEqual(['v6-128:128', 'v6-64:64', 'v6-48:48', 'v6-32:32']);
    index.remove('v6-48');
    index.remove('v6-128');
    expect(ids(index, '2001:db8:1:2::1')).toEqual(['v6-64:64', 'v6-32:32']);
    index.compact();
    expect(ids(index, '2001:db8:1:2::1')).toEqual(['v6-64:64', 'v6-32:32']);
    expect(index.stats().counts.cidr6).toBe(2);
  });

  it('removes a prefix that has children without losing them', () => {
    const index = LookupIndex.build(fixture);
    index.remove('c16');
    expect(ids(index, '10.1.2.3')).toEqual(['c24:24', 'c24b:24', 'c8:8']);
    expect(ids(index, '10.1.3.1')).toEqual(['c8:8']);
    index.compact();
    expect(ids(index, '10.1.2.3')).toEqual(['c24:24', 'c24b:24', 'c8:8']);
    expect(index.stats().pending).toEqual({ v4Delta: 0, v6Delta: 0, tombstones: 0 });
  });

  it('falls back to the parent on the hot path when the most specific slot is all tombstoned', () => {
    const index = LookupIndex.build(fixture);
    index.remove('c24');
    index.remove('c24b');
    expect(index.lookupIPv4Fast(parseIPv4('10.1.2.3')!)?.assetId).toBe('c16');
  });

  it('replaces an asset re-added with the same id', () => {
    const index = LookupIndex.build(fixture);
    index.add(asset('c24', 'org-moved', 'cidr', '10.9.0.0/16'));
    expect(ids(index, '10.1.2.3')).toEqual(['c24b:24', 'c16:16', 'c8:8']);
    expect(look(index, '10.9.1.1').matches[0]?.organizationId).toBe('org-moved');
    index.add(asset('d1', 'org-uni', 'domain', 'Other.Example'));
    expect(ids(index, 'uni.example')).toEqual([]);
    expect(index.get('d1')?.value).toBe('Other.Example');
    expect(look(index, 'x.other.example').matches[0]?.value).toBe('Other.Example');
    index.remove('d1');
    expect(ids(index, 'www.other.example')).toEqual([]);
    index.add(asset('d1', 'org-uni', 'domain', 'Other.Example'));
    expect(ids(index, 'www.other.example')).toEqual(['d1:2']);
  });

  it('updates ASNs, domains and e-mail domains in place', () => {
    const index = LookupIndex.build(fixture);
    index.remove('asn');
    index.remove('e2');
    index.add(asset('asn-c', 'org-c', 'asn', 'AS64501'));
    expect(ids(index, 'AS64500')).toEqual(['asn-b:0']);
    expect(ids(index, 'AS64501')).toEqual(['asn-c:0']);
    expect(ids(index, 'bob@mail.uni.example')).toEqual(['e1:2', 'd1:2']);
  });

  it('compacts automatically past the threshold and stays correct', () => {
    const index = LookupIndex.build(fixture, { compactThreshold: 3 });
    for (let i = 0; i < 5; i++) index.add(asset(`n${i}`, 'org-n', 'cidr', `10.1.2.${i * 16}/28`));
    expect(index.stats().pending.v4Delta).toBeLessThanOrEqual(3);
    expect(ids(index, '10.1.2.65')).toEqual(['n4:28', 'c24:24', 'c24b:24', 'c16:16', 'c8:8']);
  });

  it('rejects invalid assets with the parser error code', () => {
    const index = new LookupIndex();
    const r = index.add(asset('x', 'o', 'cidr', '198.18.0.1/24'));
    expect(r.ok || r.code).toBe('asset.cidr_host_bits');
    const d = index.add(asset('y', 'o', 'domain', '_bad.example'));
    expect(d.ok || d.code).toBe('asset.invalid_domain');
    expect(index.size).toBe(0);
  });
});

describe('LookupIndex.build', () => {
  it('skips and reports invalid and duplicate assets', () => {
    const index = LookupIndex.build([
      ...fixture,
      asset('bad1', 'o', 'cidr', '10.0.0.1/8'),
      asset('bad2', 'o', 'asn', 'AS-1'),
      asset('c8', 'o', 'cidr', '11.0.0.0/8'),
      asset('sp', 'o', 'cidr', ' 192.0.2.0/24 '),
    ]);
    expect(index.rejected().map((e) => `${e.assetId}:${e.code}`)).toEqual(['bad1:asset.cidr_host_bits', 'bad2:asset.invalid_asn', 'c8:asset.duplicate_id']);
    expect(index.stats().rejected).toBe(3);
    expect(ids(index, '192.0.2.1')).toEqual(['sp:24']);
    expect(ids(index, '11.0.0.1')).toEqual([]);
  });

  it('reports counts, version and a memory estimate', () => {
    const index = LookupIndex.build(fixture);
    index.version = 42;
    const s = index.stats();
    expect(s.version).toBe(42);
    expect(s.assets).toBe(fixture.length);
    expect(s.counts).toEqual({ cidr4: 4, cidr6: 2, asn: 2, domain: 2, emailDomain: 2 });
    expect(s.prefixSlots).toEqual({ v4: 3, v6: 2 });
    expect(s.approxBytes).toBeGreaterThan(0);
  });

  it('lists prefixes overlapping a new CIDR', () => {
    const index = LookupIndex.build(fixture);
    index.add(asset('n', 'o', 'cidr', '10.1.128.0/17'));
    const r = index.overlaps('10.1.0.0/16');
    expect(r.ok && r.value.covering.map((m) => m.assetId)).toEqual(['c16', 'c8']);
    expect(r.ok && r.value.coveredBy.map((m) => m.assetId)).toEqual(['c24', 'c24b', 'n']);
    const bad = index.overlaps('10.1.0.1/16');
    expect(bad.ok || bad.code).toBe('asset.cidr_host_bits');
  });
});

describe('LookupIndex.assets', () => {
  it('gives the assets an equal index is built from (e.g. in another thread)', () => {
    const index = LookupIndex.build(fixture);
    index.add(asset('c28', 'org-new', 'cidr', '10.1.2.0/28'));
    index.remove('c16');
    const copy = LookupIndex.build(index.assets());
    expect(copy.size).toBe(index.size);
    for (const q of ['10.1.2.3', '10.1.9.9', '2001:db8:1::5', 'AS64500', 'www.lab.uni.example']) expect(ids(copy, q)).toEqual(ids(index, q));
    expect(copy.get('c16')).toBeUndefined();
  });
});
