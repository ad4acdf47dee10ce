import { describe, expect, it } from 'vitest';
import { formatIPv4, LookupIndex } from '../../../platform/lookup-index/index.ts';
import { below, mulberry32 } from '../../../platform/lookup-index/prng.ts';
import type { HarmonizedEvent, OrgInfo } from '../pipeline.types.ts';
import { createEnricher } from './enrich.ts';
import { smallConstituency } from './experts.test-support.ts';
import { buildOwnerTable, OwnerView, ownerTableOf, v4AssetsOf } from './owner-table.ts';

type Asset = ReturnType<LookupIndex['assets']>[number];
const org = (id: string): OrgInfo => ({ id, name: id, sector: 'energy', isCii: false, ciiCategory: null, centerIds: [], contacts: [`soc@${id}.example`] });
const mask = (bits: number) => (bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0);

/** A random constituency: nested IPv4 prefixes (some shared by two organizations, some of unknown ones), IPv6 and IPv4-mapped prefixes, domains, AS numbers. */
function randomConstituency(seed: number) {
  const next = mulberry32(seed);
  const ids = Array.from({ length: 40 }, (_, i) => `org${i}`);
  const orgs = new Map(ids.slice(0, 35).map((id) => [id, org(id)])); // org35..org39: in the index, not in the map
  const assets: Asset[] = [];
  const prefixes: { addr: number; len: number }[] = [];
  for (let i = 0; i < 3000; i++) {
    const parent = prefixes.length > 0 && next() % 3 !== 0 ? prefixes[below(next, prefixes.length)]! : null;
    const len = parent ? Math.min(32, parent.len + 1 + below(next, 8)) : 8 + below(next, 17);
    const addr = parent ? (parent.addr | (next() & ~mask(parent.len))) & mask(len) : next() & mask(len);
    prefixes.push({ addr: addr >>> 0, len });
    assets.push({ assetId: `p${i}`, organizationId: ids[below(next, ids.length)]!, type: 'cidr', value: `${formatIPv4(addr >>> 0)}/${len}` });
    if (next() % 20 === 0) assets.push({ assetId: `q${i}`, organizationId: ids[below(next, ids.length)]!, type: 'cidr', value: `${formatIPv4(addr >>> 0)}/${len}` });
  }
  assets.push({ assetId: 'all', organizationId: 'org1', type: 'cidr', value: '0.0.0.0/0' });
  assets.push({ assetId: 'v6', organizationId: 'org2', type: 'cidr', value: '2001:db8::/32' });
  assets.push({ assetId: 'v6b', organizationId: 'org3', type: 'cidr', value: '2001:db8:7::/48' });
  assets.push({ assetId: 'mapped', organizationId: 'org4', type: 'cidr', value: `::ffff:${formatIPv4(prefixes[0]!.addr)}/${96 + Math.min(32, prefixes[0]!.len + 1)}` });
  assets.push({ assetId: 'dom', organizationId: 'org5', type: 'domain', value: 'grid.example' });
  assets.push({ assetId: 'asn', organizationId: 'org6', type: 'asn', value: 'AS64500' });
  return { index: LookupIndex.build(assets), orgs, prefixes, next };
}

describe('owner table: the IPv4 owners precomputed, shared by the parse threads', () => {
  it('gives the enricher the same owners as the lookup index (hand-picked cases)', async () => {
    const { index, orgs } = smallConstituency();
    const direct = createEnricher(index, orgs);
    const viewed = createEnricher(new OwnerView(await buildOwnerTable(index)), orgs);
    for (const e of [
      { 'source.ip': '198.18.1.7' },
      { 'source.ip': '198.18.3.7' },
      { 'source.ip': '198.18.2.1' },
      { 'source.ip': '198.18.2.1', 'source.fqdn': 'grid.example' },
      { 'source.ip': '2001:db8:100::9' },
      { 'source.ip': '::ffff:198.18.1.7' },
      { 'source.url': 'http://[::ffff:198.18.3.1]/' },
      { 'source.ip': '203.0.113.1', 'source.asn': 64500 },
      { 'source.ip': '255.255.255.255' },
      { 'source.ip': '0.0.0.0' },
    ] as HarmonizedEvent[]) {
      expect(viewed.enrich({ ...e })?.id ?? null, JSON.stringify(e)).toBe(direct.enrich({ ...e })?.id ?? null);
    }
  });

  it('agrees with the lookup index on random constituencies, at every prefix edge and at random addresses', async () => {
    for (const seed of [1, 2, 3]) {
      const { index, orgs, prefixes, next } = randomConstituency(seed);
      const direct = createEnricher(index, orgs);
      const view = new OwnerView(await buildOwnerTable(index));
      const viewed = createEnricher(view, orgs);
      const probes: number[] = [];
      for (const p of prefixes) {
        const end = p.addr + 2 ** (32 - p.len);
        probes.push(p.addr, (p.addr - 1) >>> 0, (end - 1) >>> 0, end >>> 0, (p.addr + below(next, 2 ** (32 - p.len))) >>> 0);
      }
      for (let i = 0; i < 5000; i++) probes.push(next());
      let owned = 0;
      for (const a of probes) {
        expect(view.lookupIPv4Fast(a)?.organizationId ?? null).toBe(index.lookupIPv4Fast(a)?.organizationId ?? null);
        const ip = formatIPv4(a);
        const want = direct.enrich({ 'source.ip': ip })?.id ?? null;
        expect(viewed.enrich({ 'source.ip': ip })?.id ?? null).toBe(want);
        expect(viewed.enrich({ 'source.url': `http://[::ffff:${ip}]/` })?.id ?? null).toBe(direct.enrich({ 'source.url': `http://[::ffff:${ip}]/` })?.id ?? null);
        if (want !== null) owned++;
      }
      expect(owned).toBeGreaterThan(probes.length / 2);
      for (const e of [{ 'source.ip': '2001:db8:7::1' }, { 'source.ip': '2001:db8:8::1' }, { 'source.fqdn': 'www.grid.example' }, { 'source.asn': 64500 }] as HarmonizedEvent[]) {
        expect(viewed.enrich({ ...e })?.id ?? null).toBe(direct.enrich({ ...e })?.id ?? null);
      }
    }
  });

  it('carries the IPv4 prefix assets, ids and order included, in shared arrays rather than a copy per thread', async () => {
    const { index } = randomConstituency(4);
    index.add({ assetId: 'ünïcode-id', organizationId: 'org7', type: 'cidr', value: '192.0.2.0/24' });
    const t = await buildOwnerTable(index);
    const v4 = index.assets().filter((a) => a.type === 'cidr' && !a.value.includes(':'));
    expect(v4.length).toBeGreaterThan(3000);
    expect(v4AssetsOf(t.v4)).toEqual(v4);
    for (const a of [t.v4.addr, t.v4.len, t.v4.org, t.v4.idEnds]) expect(a.buffer).toBeInstanceOf(SharedArrayBuffer);
  });

  it('keeps its arrays in shared memory and is rebuilt when the index changes in place', async () => {
    const { index } = smallConstituency();
    const t = await ownerTableOf(index);
    expect(t.starts.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(t.owners.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(await ownerTableOf(index)).toBe(t);
    expect(new OwnerView(t).lookupIPv4Fast(0xc0000201)).toBeNull(); // 192.0.2.1
    index.add({ assetId: 'n', organizationId: 'shop', type: 'cidr', value: '192.0.2.0/24' });
    index.version++;
    const u = await ownerTableOf(index);
    expect(u).not.toBe(t);
    expect(new OwnerView(u).lookupIPv4Fast(0xc0000201)?.organizationId).toBe('shop');
  });

  it('builds between turns of the event loop, and starts over when the index changes meanwhile', async () => {
    const { index } = randomConstituency(7);
    let turns = 0;
    const ticker = setInterval(() => turns++, 0);
    const building = buildOwnerTable(index, 1000);
    // The lookup service updates its index in place while the table is built.
    await new Promise((resolve) => setImmediate(resolve));
    index.add({ assetId: 'late', organizationId: 'late-org', type: 'cidr', value: '192.0.2.0/24' });
    index.version++;
    const t = await building;
    clearInterval(ticker);
    expect(turns).toBeGreaterThan(0);
    expect(new OwnerView(t).lookupIPv4Fast(0xc0000201)?.organizationId).toBe('late-org');
  });
});
