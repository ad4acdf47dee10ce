import { describe, it, expect } from 'vitest';
import { DomainTable } from './domain-table.ts';
import type { DomainTableOptions } from './domain-table.ts';
import { DomainTrie } from './domain-trie.ts';
import { below, mulberry32 } from './prng.ts';

interface E {
  assetId: string;
  organizationId: string;
}

function table(rows: [string, string][], options?: DomainTableOptions): DomainTable<E> {
  const t = new DomainTable<E>(options);
  for (const [domain, assetId] of rows) t.add(domain, { assetId, organizationId: `org-${assetId}` });
  return t;
}

const hits = (t: DomainTable<E>, host: string) => t.lookup(host).flatMap((h) => h.entries.map((e) => `${e.assetId}@${h.domain}/${h.labels}`));
const ids = (t: DomainTable<E>, host: string) => t.matches(host).map((e) => e.assetId);

// Every behaviour is checked with real hashes and with every domain colliding on one hash.
for (const [name, options] of [['hashed', {}], ['all colliding', { hashMask: 0 }]] as const) {
  describe(`DomainTable (${name})`, () => {
    const rows: [string, string][] = [
      ['example.com', 'ex'],
      ['mail.example.com', 'mail'],
      ['example.org', 'org'],
      ['a.b.c.example.com', 'deep'],
    ];

    it('matches the host and every registered parent, most specific first', () => {
      const t = table(rows, options);
      expect(hits(t, 'smtp.mail.example.com')).toEqual(['mail@mail.example.com/3', 'ex@example.com/2']);
      expect(hits(t, 'mail.example.com')).toEqual(['mail@mail.example.com/3', 'ex@example.com/2']);
      expect(hits(t, 'x.a.b.c.example.com')).toEqual(['deep@a.b.c.example.com/5', 'ex@example.com/2']);
      expect(hits(t, 'b.c.example.com')).toEqual(['ex@example.com/2']);
      expect(ids(t, 'x.a.b.c.example.com')).toEqual(['deep', 'ex']);
      const out: E[] = [{ assetId: 'already-there', organizationId: 'x' }];
      t.collect('x.a.b.c.example.com', out);
      expect(out.map((e) => e.assetId)).toEqual(['already-there', 'deep', 'ex']);
    });

    it('matches whole labels only', () => {
      const t = table(rows, options);
      for (const host of ['ample.com', 'badexample.com', 'com', 'example.com.evil.net', 'example.co', 'xexample.org', '']) {
        expect(ids(t, host), host).toEqual([]);
      }
    });

    it('keeps several entries on one domain in order and replaces by assetId', () => {
      const t = table([['example.net', 'a'], ['example.net', 'b'], ['example.net', 'c']], options);
      t.add('example.net', { assetId: 'a', organizationId: 'new-owner' });
      t.add('example.net', { assetId: 'c', organizationId: 'new-owner' });
      expect(t.size).toBe(3);
      expect(t.domains).toBe(1);
      expect(t.exact('example.net').map((e) => `${e.assetId}:${e.organizationId}`)).toEqual(['a:new-owner', 'b:org-b', 'c:new-owner']);
      expect(ids(t, 'www.example.net')).toEqual(['a', 'b', 'c']);
    });

    it('removes entries and domains, keeps parents and children, and re-adds', () => {
      const t = table([...rows, ['example.com', 'ex2']], options);
      expect(t.remove('example.com', 'nope')).toBe(false);
      expect(t.remove('nope.example.com', 'ex')).toBe(false);
      expect(t.remove('example.com', 'ex')).toBe(true);
      expect(ids(t, 'x.mail.example.com')).toEqual(['mail', 'ex2']);
      expect(t.remove('example.com', 'ex2')).toBe(true);
      expect(t.remove('example.com', 'ex2')).toBe(false);
      expect(ids(t, 'x.mail.example.com')).toEqual(['mail']);
      expect(t.exact('example.com')).toEqual([]);
      expect(t.remove('mail.example.com', 'mail')).toBe(true);
      expect(ids(t, 'x.a.b.c.example.com')).toEqual(['deep']);
      t.add('example.com', { assetId: 'ex', organizationId: 'back' });
      expect(ids(t, 'x.a.b.c.example.com')).toEqual(['deep', 'ex']);
      expect(t.size).toBe(3);
      expect(t.domains).toBe(3);
    });

    it('confirms hits character by character, long and non-Latin-1 domains included', () => {
      const long = `${'a'.repeat(40)}.example.com`;
      const t = table([[long, 'long'], ['bü.example', 'latin1'], ['ř.example', 'wide']], options);
      expect(ids(t, `www.${long}`)).toEqual(['long']);
      expect(ids(t, `www.${'a'.repeat(39)}b.example.com`)).toEqual([]);
      expect(ids(t, 'x.bü.example')).toEqual(['latin1']);
      expect(ids(t, 'x.bu.example')).toEqual([]);
      expect(ids(t, 'x.ř.example')).toEqual(['wide']);
      expect(ids(t, 'x.Y.example')).toEqual([]); // 'Y' is 'ř' (U+0159) truncated to a byte
    });
  });
}

describe('DomainTable growth and deletion', () => {
  it('grows from a small capacity and survives backward-shift deletions', () => {
    const t = new DomainTable<E>({ capacity: 2 });
    const names = Array.from({ length: 2000 }, (_, i) => `host${i}.zone${i % 7}.example`);
    names.forEach((d, i) => t.add(d, { assetId: `a${i}`, organizationId: 'o' }));
    expect(t.domains).toBe(2000);
    for (let i = 0; i < names.length; i += 2) expect(t.remove(names[i]!, `a${i}`)).toBe(true);
    names.forEach((d, i) => expect(ids(t, `www.${d}`), d).toEqual(i % 2 === 0 ? [] : [`a${i}`]));
    expect(t.size).toBe(1000);
    expect(t.byteSize()).toBeGreaterThan(0);
  });
});

describe('DomainTable vs DomainTrie', () => {
  for (const options of [{}, { hashMask: 7 }] as DomainTableOptions[]) {
    it(`agrees on random add/remove sequences (hashMask ${options.hashMask ?? 'none'})`, () => {
      const next = mulberry32(7 + (options.hashMask ?? 0));
      const labels = ['a', 'b', 'mail', 'ex', 'cert', 'xn--bcher-kva'];
      const domain = () => Array.from({ length: 1 + below(next, 4) }, () => labels[below(next, labels.length)]).join('.') + ['.com', '.org'][below(next, 2)];
      const t = new DomainTable<E>(options);
      const ref = new DomainTrie<E>();
      const live: [string, string][] = [];
      for (let step = 0; step < 3000; step++) {
        if (next() % 3 !== 0 || live.length === 0) {
          const d = domain();
          const e = { assetId: `id${below(next, 400)}`, organizationId: `o${step}` };
          t.add(d, e);
          ref.add(d, e);
          live.push([d, e.assetId]);
        } else {
          const [d, id] = live.splice(below(next, live.length), 1)[0]!;
          expect(t.remove(d, id)).toBe(ref.remove(d, id));
        }
        const host = `${labels[below(next, labels.length)]}.${domain()}`;
        expect(ids(t, host), host).toEqual(ref.lookup(host).flatMap((h) => h.entries.map((e) => e.assetId)));
        expect(t.lookup(host)).toEqual(ref.lookup(host));
      }
      expect(t.size).toBe(ref.size);
    });
  }
});
