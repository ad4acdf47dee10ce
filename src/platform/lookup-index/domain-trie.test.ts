import { describe, it, expect } from 'vitest';
import { DomainTrie } from './domain-trie.ts';

interface E {
  assetId: string;
  organizationId: string;
}

function trie(rows: [string, string][]): DomainTrie<E> {
  const t = new DomainTrie<E>();
  for (const [domain, assetId] of rows) t.add(domain, { assetId, organizationId: `org-${assetId}` });
  return t;
}

const hits = (t: DomainTrie<E>, host: string) => t.lookup(host).flatMap((h) => h.entries.map((e) => `${e.assetId}@${h.domain}/${h.labels}`));

describe('DomainTrie', () => {
  const t = trie([
    ['example.com', 'ex'],
    ['mail.example.com', 'mail'],
    ['example.org', 'org'],
    ['a.b.c.example.com', 'deep'],
  ]);

  it('matches the host and every registered parent, most specific first', () => {
    expect(hits(t, 'smtp.mail.example.com')).toEqual(['mail@mail.example.com/3', 'ex@example.com/2']);
    expect(hits(t, 'mail.example.com')).toEqual(['mail@mail.example.com/3', 'ex@example.com/2']);
    expect(hits(t, 'x.a.b.c.example.com')).toEqual(['deep@a.b.c.example.com/5', 'ex@example.com/2']);
    expect(hits(t, 'b.c.example.com')).toEqual(['ex@example.com/2']);
  });

  it('collects the same entries as lookup, most specific first, without intermediate objects', () => {
    const out: E[] = [{ assetId: 'already-there', organizationId: 'x' }];
    t.collect('x.a.b.c.example.com', out);
    expect(out.map((e) => e.assetId)).toEqual(['already-there', 'deep', 'ex']);
    const none: E[] = [];
    t.collect('example.net', none);
    expect(none).toEqual([]);
  });

  it('matches whole labels only', () => {
    expect(hits(t, 'ample.com')).toEqual([]);
    expect(hits(t, 'badexample.com')).toEqual([]);
    expect(hits(t, 'com')).toEqual([]);
    expect(hits(t, 'example.com.evil.net')).toEqual([]);
  });

  it('keeps several entries on one domain and replaces by assetId', () => {
    const u = trie([['example.net', 'a'], ['example.net', 'b']]);
    u.add('example.net', { assetId: 'a', organizationId: 'new-owner' });
    expect(u.size).toBe(2);
    expect(u.exact('example.net').map((e) => `${e.assetId}:${e.organizationId}`)).toEqual(['a:new-owner', 'b:org-b']);
  });

  it('removes entries and prunes empty branches', () => {
    const u = trie([['a.b.example.com', 'deep'], ['example.com', 'ex']]);
    const nodes = u.nodes;
    expect(u.remove('a.b.example.com', 'deep')).toBe(true);
    expect(u.nodes).toBe(nodes - 2);
    expect(hits(u, 'a.b.example.com')).toEqual(['ex@example.com/2']);
    expect(u.remove('a.b.example.com', 'deep')).toBe(false);
    expect(u.remove('example.com', 'nope')).toBe(false);
    expect(u.remove('example.com', 'ex')).toBe(true);
    expect(u.nodes).toBe(1);
    expect(u.size).toBe(0);
  });

  it('keeps a parent registration when a child is removed, and vice versa', () => {
    const u = trie([['example.com', 'ex'], ['mail.example.com', 'mail']]);
    u.remove('example.com', 'ex');
    expect(hits(u, 'x.mail.example.com')).toEqual(['mail@mail.example.com/3']);
    expect(hits(u, 'example.com')).toEqual([]);
  });
});
