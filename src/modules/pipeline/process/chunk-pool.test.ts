import { describe, expect, it } from 'vitest';
import { LookupIndex } from '../../../platform/lookup-index/index.ts';
import { PrefixLpmBuilder } from '../asn/prefix-lpm.ts';
import type { AsnInfo } from '../asn/asn-expert.ts';
import type { FeedRow } from '../pipeline.tables.ts';
import type { OrgInfo } from '../pipeline.types.ts';
import { createChunkPool } from './chunk-pool.ts';
import { enricherOf, expertsContext, sliceChunk, workChunk, type ChunkJob } from './chunk-work.ts';
import { compileFeed, feedConfig } from './feed-compile.ts';
import { keepRows } from '../../../platform/db/copy-binary.ts';

const ORG = '6f1c1f44-6a39-4c1e-9a53-0d7e0b0c5a01';
const CII = '6f1c1f44-6a39-4c1e-9a53-0d7e0b0c5a02';
const feed = {
  id: '0b6a2b0e-3f6c-4f57-9d0e-7c7d1c1b2a01', name: 'pool-feed', format: 'csv', version: 1, updated_at: new Date(0), provider: null, accuracy: null, code: null, tlp: 'amber',
  parser: { header: true, mapping: { ip: 'source.ip', port: 'source.port', type: 'classification.type' } }, rules: {}, dedup: {},
} as unknown as FeedRow;
const org = (id: string, isCii: boolean): OrgInfo => ({ id, name: id.slice(-2), sector: 'energy', isCii, ciiCategory: isCii ? 'essential' : null, centerIds: [], contacts: ['soc@example.org'] });
const orgs = new Map([ORG, CII].map((id, i) => [id, org(id, i === 1)]));
const index = LookupIndex.build([
  { assetId: 'a', organizationId: ORG, type: 'cidr', value: '198.51.100.0/24' },
  { assetId: 'b', organizationId: CII, type: 'cidr', value: '203.0.113.0/24' },
]);
const asnBuilder = new PrefixLpmBuilder<AsnInfo>();
asnBuilder.add(4, [0xc6336400], 24, { asn: 64500, cc: 'NL', asName: 'EXAMPLE' });
const ctx = { index, orgs, asn: asnBuilder.build() };

const body = ['198.51.100.1,23,scanner', '203.0.113.9,80,infected-system', '198.51.100.1,23,scanner', '10.0.0.1,22,scanner', '999.1.1.1,1,scanner', '192.0.2.7,25,scanner'].join('\n');
const job: ChunkJob = { feed, config: feedConfig(feed), header: 'ip,port,type', chunk: { seq: 0, firstLine: 2, lineCount: 6, data: Buffer.from(`${body}\n`) }, reportId: '0b6a2b0e-3f6c-4f57-9d0e-7c7d1c1b2a02', nowMs: Date.parse('2026-03-01T00:00:00Z'), encode: true };

describe('chunk pool: parse + experts + COPY rows in a worker thread', () => {
  it('gives what the same work gives on this thread, keys, errors, owners, rows and intent candidates', { timeout: 30_000 }, async () => {
    const compiled = compileFeed(feed);
    const here = workChunk(compiled, expertsContext(compiled.experts, ctx, enricherOf(ctx)), job);
    const pool = createChunkPool(1);
    try {
      await pool.warm(ctx);
      const there = await pool.run(job, ctx);
      expect(there.keys).toEqual(here.keys);
      expect(there.errors).toEqual(here.errors);
      expect(there.dropped).toBe(here.dropped);
      expect([...there.owners]).toEqual([...here.owners]);
      expect(Buffer.from(there.stream!).equals(Buffer.from(here.stream!))).toBe(true);
      expect([...there.offsets!]).toEqual([...here.offsets!]);
      expect(there.candidates.map((c) => c.at)).toEqual(here.candidates.map((c) => c.at));
      // The bad address is a line error; the private one is dropped by the default rules; the CII infected host is a candidate.
      expect(there.errors.map((e) => e.line)).toEqual([6]);
      expect(there.keys.length + there.dropped).toBe(5);
      expect(there.keys[0]).toBe(there.keys[2]);
      expect([...there.owners]).toEqual([1, 1, 1, 0]);
      expect(there.candidates.map((c) => c.event.organizationId)).toEqual([CII]);
      // The job's bytes were moved, not cloned: the caller's buffer is untouched.
      expect(job.chunk.data.byteLength).toBeGreaterThan(0);
    } finally {
      await pool.close();
    }
  });

  it('fails the job, not the pool, when the work throws', { timeout: 30_000 }, async () => {
    const pool = createChunkPool(1);
    try {
      // A configuration no parser takes (the main thread validates feeds; this one did not come from there).
      const broken = { ...job.config, version: 'broken', parser: { ...job.config.parser, format: 'nonsense' } } as unknown as ChunkJob['config'];
      await expect(pool.run({ ...job, config: broken }, ctx)).rejects.toThrow(/chunk worker/);
      expect((await pool.run(job, ctx)).keys.length).toBe(4);
    } finally {
      await pool.close();
    }
  });

  it("sees the lookup service's in-place index updates (a new version) in the workers", { timeout: 30_000 }, async () => {
    const live = LookupIndex.build([{ assetId: 'a', organizationId: ORG, type: 'cidr', value: '198.51.100.0/24' }]);
    const liveCtx = { ...ctx, index: live };
    const pool = createChunkPool(1);
    try {
      // 192.0.2.7 (the last line) has no owner yet.
      expect([...(await pool.run(job, liveCtx)).owners]).toEqual([1, 0, 1, 0]);
      live.add({ assetId: 'c', organizationId: CII, type: 'cidr', value: '192.0.2.0/24' });
      live.version++;
      expect([...(await pool.run(job, liveCtx)).owners]).toEqual([1, 0, 1, 1]);
    } finally {
      await pool.close();
    }
  });

  it('restarts a worker that runs out of heap with twice the bound and sends its job again, once', { timeout: 60_000 }, async () => {
    const compiled = compileFeed(feed);
    const here = workChunk(compiled, expertsContext(compiled.experts, ctx, enricherOf(ctx)), job);
    // 12 MB cannot even hold the worker's code; 24 MB can.
    const bounds: number[] = [];
    const pool = createChunkPool(1, { oldMb: () => (bounds.push(12), 12) });
    try {
      expect((await pool.run(job, ctx)).keys).toEqual(here.keys);
      expect(bounds).toEqual([12]);
    } finally {
      await pool.close();
    }
    const tight = createChunkPool(1, { oldMb: () => 4 });
    try {
      await expect(tight.run(job, ctx)).rejects.toMatchObject({ code: 'ERR_WORKER_OUT_OF_MEMORY' });
    } finally {
      await tight.close();
    }
  });
});

describe('chunk slices', () => {
  it('cuts a chunk at line ends, numbers the slices on and gives the same work as the whole chunk', () => {
    const lines = Array.from({ length: 40 }, (_, i) => `198.51.100.${i + 1},${1000 + i},scanner`);
    lines[7] = '';
    lines[12] = '999.1.1.1,1,scanner';
    const data = Buffer.from(`${lines.join('\r\n')}\r\n`);
    const chunk = { seq: 3, firstLine: 100, lineCount: 40, data };
    const parts = [...sliceChunk(chunk, 64)];
    expect(parts.length).toBeGreaterThan(5);
    expect(Buffer.concat(parts.map((p) => p.data)).equals(data)).toBe(true);
    for (const [k, p] of parts.entries()) {
      expect(p.data[p.data.length - 1]).toBe(0x0a);
      expect(p.firstLine).toBe(k === 0 ? 100 : parts[k - 1]!.firstLine + parts[k - 1]!.lineCount);
    }
    expect(parts.reduce((n, p) => n + p.lineCount, 0)).toBe(40);
    // No final line end: the last line still counts.
    expect([...sliceChunk({ ...chunk, data: Buffer.from('a\nb\nc') }, 1)].map((p) => [p.firstLine, p.lineCount])).toEqual([[100, 1], [101, 1], [102, 1]]);
    // A line that starts with a byte order mark stays with the slice before it.
    const bom = [...sliceChunk({ ...chunk, data: Buffer.from('a\n\ufeffb\nc\n') }, 1)];
    expect(bom.map((p) => p.data.toString())).toEqual(['a\n\ufeffb\n', 'c\n']);
    const compiled = compileFeed(feed);
    const experts = expertsContext(compiled.experts, ctx, enricherOf(ctx));
    const whole = workChunk(compiled, experts, { ...job, chunk });
    expect(whole.errors.map((e) => e.line)).toEqual([112]);
    expect(whole.keys.length).toBe(38);
    const sliced = parts.map((p) => workChunk(compiled, experts, { ...job, chunk: p }));
    expect(sliced.flatMap((w) => w.keys)).toEqual(whole.keys);
    expect(sliced.flatMap((w) => w.errors)).toEqual(whole.errors);
  });
});

describe('keepRows', () => {
  it('keeps the chosen rows of a COPY stream, or returns it whole', () => {
    const compiled = compileFeed(feed);
    const w = workChunk(compiled, expertsContext(compiled.experts, ctx, enricherOf(ctx)), job);
    const all = w.keys.map(() => true);
    expect(keepRows(w.stream!, w.offsets!, all)).toBe(w.stream);
    const some = keepRows(w.stream!, w.offsets!, [true, false, false, true]);
    const o = w.offsets!;
    const rows = (i: number) => Buffer.from(w.stream!.subarray(o[i]!, o[i + 1]!));
    expect(Buffer.from(some)).toEqual(Buffer.concat([Buffer.from(w.stream!.subarray(0, o[0]!)), rows(0), rows(3), Buffer.from([0xff, 0xff])]));
    expect(keepRows(w.stream!, w.offsets!, [false, false, false, false]).length).toBe(o[0]! + 2);
  });
});
