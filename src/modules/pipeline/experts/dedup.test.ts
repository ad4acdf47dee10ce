import { describe, expect, it } from 'vitest';
import { createDedupKeyer, DEFAULT_DEDUP_FIELDS } from './dedup-key.ts';
import { MemoryDeduplicator } from './dedup.ts';

const H = 3600_000;

describe('createDedupKeyer', () => {
  const key = createDedupKeyer();
  const ev = { 'classification.type': 'scanner', 'source.ip': '198.18.0.1', 'source.port': 23, 'feed.name': 'a' };

  it('gives 16 hex characters, stable across calls and keyers', () => {
    const k = key(ev);
    expect(k).toMatch(/^[0-9a-f]{16}$/);
    expect(createDedupKeyer()({ ...ev })).toBe(k);
  });

  it('ignores fields outside the key and treats 23 and "23" alike', () => {
    expect(key({ ...ev, 'feed.name': 'b', 'time.source': 'x' })).toBe(key(ev));
    expect(key({ ...ev, 'source.port': '23' })).toBe(key(ev));
  });

  it('changes with any key field, and does not confuse values moved between fields', () => {
    expect(key({ ...ev, 'source.port': 24 })).not.toBe(key(ev));
    const a = createDedupKeyer(['source.fqdn', 'source.url']);
    expect(a({ 'source.fqdn': 'ab', 'source.url': 'c' })).not.toBe(a({ 'source.fqdn': 'a', 'source.url': 'bc' }));
    expect(a({ 'source.fqdn': 'ab' })).not.toBe(a({ 'source.url': 'ab' }));
  });

  it('separates namespaces', () => {
    expect(createDedupKeyer(DEFAULT_DEDUP_FIELDS, 'feed-1')(ev)).not.toBe(createDedupKeyer(DEFAULT_DEDUP_FIELDS, 'feed-2')(ev));
  });

  it('has no collision over 200k distinct events', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200_000; i++) seen.add(key({ 'source.ip': `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, 'source.port': i % 7 }));
    expect(seen.size).toBe(200_000);
  });
});

describe('MemoryDeduplicator', () => {
  it('marks only the first occurrence new, within a batch and across batches', () => {
    const d = new MemoryDeduplicator({ windowMs: 24 * H });
    expect(d.checkSync(['a', 'b', 'a', 'c', 'b'], 0)).toEqual([true, true, false, true, false]);
    expect(d.checkSync(['c', 'd'], H)).toEqual([false, true]);
    expect(d.size).toBe(4);
  });

  it('forgets a key after the window (never before it) and does not extend the window on repeats', () => {
    const d = new MemoryDeduplicator({ windowMs: 24 * H, buckets: 24 });
    const t0 = 1_700_000_000_000;
    expect(d.checkSync(['k'], t0)).toEqual([true]);
    expect(d.checkSync(['k'], t0 + 12 * H)).toEqual([false]);
    expect(d.checkSync(['k'], t0 + 24 * H - 1)).toEqual([false]);
    expect(d.checkSync(['k'], t0 + 25 * H + 1)).toEqual([true]);
    expect(d.checkSync(['k'], t0 + 26 * H)).toEqual([false]);
  });

  it('drops expired buckets so memory follows the window', () => {
    const d = new MemoryDeduplicator({ windowMs: 4 * H, buckets: 4 });
    d.checkSync(['a', 'b'], 0);
    d.checkSync(['c'], 2 * H);
    d.checkSync(['d'], 10 * H);
    expect(d.size).toBe(1);
  });

  it('stays under maxKeys by dropping the oldest bucket early', () => {
    const d = new MemoryDeduplicator({ windowMs: 24 * H, maxKeys: 4 });
    d.checkSync(['a', 'b'], 0);
    d.checkSync(['c', 'e'], 2 * H);
    expect(d.evictedEarly).toBe(0);
    expect(d.checkSync(['a', 'c'], 2 * H)).toEqual([true, false]);
    expect(d.evictedEarly).toBe(2);
    expect(d.size).toBe(3);
  });

  it('grows past its initial capacity and still finds every key', () => {
    const d = new MemoryDeduplicator();
    const keys = Array.from({ length: 20_000 }, (_, i) => `key-${i}`);
    expect(d.checkSync(keys, 0).every(Boolean)).toBe(true);
    expect(d.checkSync(keys, 1000).some(Boolean)).toBe(false);
    expect(d.size).toBe(20_000);
    expect(d.byteSize).toBeLessThanOrEqual(20_000 * 4 * 12 * 2);
  });

  it('peeks without recording, and records with markSync (check now, mark after commit)', () => {
    const d = new MemoryDeduplicator({ windowMs: 24 * H });
    d.checkSync(['old'], 0);
    expect(d.peekSync(['a', 'old', 'a', 'b'], H)).toEqual([true, false, false, true]);
    expect(d.peekSync(['a', 'b'], H)).toEqual([true, true]); // nothing was recorded
    expect(d.size).toBe(1);
    d.markSync(['a'], H);
    expect(d.peekSync(['a', 'b'], 2 * H)).toEqual([false, true]);
    expect(d.peekSync(['old'], 25 * H + 1)).toEqual([true]); // out of the window
    expect(d.size).toBe(2);
  });

  it('answers through the async interface', async () => {
    const d = new MemoryDeduplicator();
    expect(await d.check(['x', 'x'], new Date())).toEqual([true, false]);
  });
});
