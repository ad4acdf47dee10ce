import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../platform/db/database.ts';
import { createTestDatabase } from '../../platform/db/testing.ts';
import { EventIndex } from './correlate.events.ts';
import { intToIpv4, Ipv4Index, ipv4ToInt } from './correlate.ipv4.ts';
import { NameArena, NameIndex } from './correlate.names.ts';
import type { ObservableRow } from './intel.repository.ts';

describe('Ipv4Index', () => {
  it('finds addresses and ranges in the sorted part and in the unsorted tail', () => {
    const ix = new Ipv4Index();
    const addrs = ['10.0.0.5', '10.0.0.1', '10.0.0.17', '192.168.1.1', '255.255.255.255', '0.0.0.0'];
    ix.addAll(addrs.map((a) => ipv4ToInt(a)!), addrs.map((_, i) => i + 1));
    ix.merge();
    ix.addAll([ipv4ToInt('10.0.0.9')!], [7]);
    const found = (lo: string, hi: string) => {
      const out: string[] = [];
      ix.forRange(ipv4ToInt(lo)!, ipv4ToInt(hi)!, (a, id) => void out.push(`${intToIpv4(a)}#${id}`));
      return out.sort();
    };
    expect(found('10.0.0.0', '10.0.0.15')).toEqual(['10.0.0.1#2', '10.0.0.5#1', '10.0.0.9#7']);
    expect(found('255.255.255.255', '255.255.255.255')).toEqual(['255.255.255.255#5']);
    expect(found('0.0.0.0', '0.0.0.0')).toEqual(['0.0.0.0#6']);
    expect(found('11.0.0.0', '11.255.255.255')).toEqual([]);
    expect(ipv4ToInt('10.0.0.256')).toBeNull();
    expect(ipv4ToInt('1.2.3')).toBeNull();
  });
});

describe('NameIndex', () => {
  it('keeps every posting of a key, grows past its initial size and tells keys apart', () => {
    const ix = new NameIndex();
    for (let i = 0; i < 5000; i++) ix.add(`domain\u0000h${i}.example`, i, 0);
    for (let i = 0; i < 3000; i++) ix.add('domain\u0000example.org', i, i % 2);
    const ids: number[] = [];
    ix.forEach('domain\u0000example.org', (id, name) => void ids.push(name ? -id : id));
    expect(ix.countOf('domain\u0000example.org')).toBe(3000);
    expect(ix.countOf('domain\u0000example.com')).toBe(0);
    expect(ids).toHaveLength(3000);
    expect(ids.filter((i) => i < 0)).toHaveLength(1500);
    const one: number[] = [];
    ix.forEach('domain\u0000h4242.example', (id) => void one.push(id));
    expect(one).toEqual([4242]);
    ix.forEach('url\u0000h4242.example', () => {
      throw new Error('another kind must not match');
    });
    expect(ix.size).toBe(8000);
  });
});

describe('NameArena', () => {
  it('gives back each name stored, ASCII or not, past its initial size', () => {
    const arena = new NameArena();
    const names = Array.from({ length: 5000 }, (_, i) => (i % 7 === 0 ? `h${i}.bücher-straße.example` : `h${i}.example`));
    const refs = names.map((n) => arena.add(n));
    expect(refs.every((r) => r > 0)).toBe(true);
    expect(refs.map((r) => arena.get(r))).toEqual(names);
  });
});

describe('EventIndex', () => {
  let database: Database;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.close());

  const insertEvents = async (rows: { ip: string; fqdn?: string; url?: string }[]) => {
    const feed = randomUUID();
    for (const [i, r] of rows.entries()) {
      await sql`insert into events (time_observation, feed_id, report_id, line_no, classification_taxonomy, classification_type, source_ip, source_fqdn, source_url, tlp, dedup_key, data)
        values (now(), ${feed}, ${feed}, ${i}, 'malicious-code', 'c2-server', ${r.ip}::inet, ${r.fqdn ?? null}, ${r.url ?? null}, 'amber', ${randomUUID()}, '{}')`.execute(database.db);
    }
  };
  const obs = (object_id: string, kind: string, value: string, net: string | null = null): ObservableRow => ({ object_id, kind, value, net, origin: 'pattern' });

  it('matches addresses, ranges, parent domains and urls, reads new events on each call and keeps the cap', async () => {
    await insertEvents([{ ip: '198.51.100.7', fqdn: 'a.b.bad.example', url: 'http://a.b.bad.example/x' }, { ip: '198.51.100.9' }, { ip: '2001:db8::1' }]);
    const ix = new EventIndex();
    expect(await ix.catchUp(database.db)).toBe(3);
    const m = ix.match([obs('i1', 'ipv4', '198.51.100.0/28', '198.51.100.0/28'), obs('i2', 'domain', 'bad.example'), obs('i3', 'url', 'http://a.b.bad.example/x'), obs('i4', 'domain', 'a.b.bad.example'), obs('i5', 'domain', 'example')], 1);
    expect(m.get('i1')).toMatchObject({ total: 2 });
    expect(m.get('i1')!.samples).toHaveLength(1);
    expect(m.get('i2')!.samples).toEqual([expect.objectContaining({ match: 'domain', matched: 'a.b.bad.example' })]);
    expect(m.get('i3')!.samples).toEqual([expect.objectContaining({ match: 'exact', matched: 'http://a.b.bad.example/x' })]);
    expect(m.get('i4')!.samples).toEqual([expect.objectContaining({ match: 'exact', matched: 'a.b.bad.example' })]);
    expect(m.has('i5')).toBe(false);
    await insertEvents([{ ip: '198.51.100.14' }]);
    expect(await ix.catchUp(database.db)).toBe(1);
    expect(ix.match([obs('i1', 'ipv4', '198.51.100.0/28', '198.51.100.0/28')], 50).get('i1')).toMatchObject({ total: 3 });
  });

  it('rebuilds itself when the oldest events were removed (retention)', async () => {
    const ix = new EventIndex();
    await ix.catchUp(database.db);
    const before = ix.stats().addresses;
    await sql`delete from events where source_ip = '198.51.100.7'::inet`.execute(database.db);
    await ix.catchUp(database.db);
    expect(ix.stats().addresses).toBe(before - 1);
    expect(ix.match([obs('x', 'ipv4', '198.51.100.7', '198.51.100.7/32')], 50).has('x')).toBe(false);
  });
});
