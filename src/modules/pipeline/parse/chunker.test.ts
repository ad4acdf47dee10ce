import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readFilePieces } from '../collect/file-pieces.ts';
import { ChunkBuffers, chunkStream, LineChunker } from './chunker.ts';
import { chunkAll } from './test-helpers.ts';

function linesOf(chunks: { firstLine: number; data: Uint8Array }[]): [number, string][] {
  const out: [number, string][] = [];
  for (const c of chunks) {
    Buffer.from(c.data).toString('utf8').split('\n').forEach((l, i) => {
      const text = l.replace(/\r$/, '');
      if (text !== '') out.push([c.firstLine + i, text]);
    });
  }
  return out;
}

describe('LineChunker', () => {
  it('numbers lines from 1, counting empty lines, with LF and CRLF and a last line without newline', () => {
    const { chunks, summary } = chunkAll('a\r\n\nb\n\r\nc', {}, 1);
    expect(linesOf(chunks)).toEqual([[1, 'a'], [3, 'b'], [5, 'c']]);
    expect(summary.lines).toBe(5);
  });

  it('drops a UTF-8 BOM even when it arrives one byte at a time, but hashes it', () => {
    const input = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('x,y\n1,2\n')]);
    const { chunks, summary } = chunkAll(input, { header: true }, 1);
    expect(summary.header).toBe('x,y');
    expect(linesOf(chunks)).toEqual([[2, '1,2']]);
    expect(summary.sha256).toBe(createHash('sha256').update(input).digest('hex'));
    expect(summary.bytes).toBe(input.length);
  });

  it('keeps a short input that merely starts like a BOM', () => {
    const { chunks } = chunkAll(Buffer.from([0xef]), {}, 1);
    expect(Buffer.from(chunks[0]!.data)).toEqual(Buffer.from([0xef]));
  });

  it('withholds the first non-empty line as the header; the first chunk starts after it', () => {
    const { chunks, summary } = chunkAll('\n\nh1,h2\r\nv1,v2\n', { header: true });
    expect(summary.header).toBe('h1,h2');
    expect(chunks[0]!.firstLine).toBe(4);
    expect(linesOf(chunks)).toEqual([[4, 'v1,v2']]);
  });

  it('cuts chunks at line ends near chunkBytes and keeps every line exactly once', () => {
    const lines = Array.from({ length: 5000 }, (_, i) => `line-${i}-${'x'.repeat(i % 50)}`);
    const { chunks } = chunkAll(`${lines.join('\n')}\n`, { chunkBytes: 1024 }, 777);
    expect(chunks.length).toBeGreaterThan(100);
    for (const c of chunks) {
      expect(c.data.length).toBeLessThan(1024 + 1024 * 1024);
      expect(c.data[c.data.length - 1]).toBe(0x0a);
    }
    expect(chunks.map((c) => c.seq)).toEqual(chunks.map((_, i) => i));
    expect(linesOf(chunks)).toEqual(lines.map((l, i) => [i + 1, l]));
    expect(chunks.reduce((n, c) => n + c.lineCount, 0)).toBe(5000);
  });

  it('skips a 10 MB line as line.too_long without buffering it, and goes on', () => {
    const chunker = new LineChunker({ chunkBytes: 4096, maxLineBytes: 1024 * 1024 });
    const out = [...chunker.push(Buffer.from('first\n'))];
    const piece = Buffer.alloc(64 * 1024, 0x41);
    for (let i = 0; i < 160; i++) out.push(...chunker.push(piece)); // 10 MiB, no newline yet
    out.push(...chunker.push(Buffer.from('\nlast\n')), ...chunker.end());
    const errors = chunker.takeErrors();
    expect(errors).toEqual([expect.objectContaining({ line: 2, code: 'line.too_long', excerpt: 'A'.repeat(200) })]);
    expect(linesOf(out)).toEqual([[1, 'first'], [3, 'last']]);
    expect(chunker.summary().lines).toBe(3);
  });

  it('reports a too-long last line without a newline', () => {
    const { chunks, errors } = chunkAll(`ok\n${'z'.repeat(5000)}`, { maxLineBytes: 1024 });
    expect(errors.map((e) => [e.line, e.code])).toEqual([[2, 'line.too_long']]);
    expect(linesOf(chunks)).toEqual([[1, 'ok']]);
  });

  it('keeps a document whole, and refuses one above the cap with report.too_large', () => {
    const doc = '{"a":\n1}';
    const small = chunkAll(doc, { document: true }, 3);
    expect(small.chunks).toHaveLength(1);
    expect(Buffer.from(small.chunks[0]!.data).toString()).toBe(doc);
    const big = chunkAll('x'.repeat(5000), { document: true, maxDocumentBytes: 4096 }, 1000);
    expect(big.chunks).toHaveLength(0);
    expect(big.summary.fatal?.code).toBe('report.too_large');
  });

  it('streams an async iterable and returns the summary', async () => {
    async function* source() {
      yield Buffer.from('a\nb');
      yield Buffer.from('\nc\n');
    }
    const gen = chunkStream(source(), { chunkBytes: 2 });
    const chunks = [];
    let r = await gen.next();
    while (!r.done) {
      chunks.push(r.value);
      r = await gen.next();
    }
    expect(linesOf(chunks)).toEqual([[1, 'a'], [2, 'b'], [3, 'c']]);
    expect(r.value.sha256).toBe(createHash('sha256').update('a\nb\nc\n').digest('hex'));
  });

  it('copies chunks into buffers given back, with the same chunks as without, whatever the piece sizes', async () => {
    const lines = Array.from({ length: 3000 }, (_, i) => `${i},${'y'.repeat((i * 7919) % 300)}`);
    const text = `${lines.join('\n')}\n`;
    const plain = chunkAll(text, { chunkBytes: 4096 }, 1000).chunks.map((c) => ({ ...c, data: Buffer.from(c.data).toString('latin1') }));
    for (const piece of [1, 333, 4096, 70_000]) {
      async function* source() {
        // One buffer for every piece, as readFilePieces does: the chunker must copy what it keeps.
        const reused = Buffer.alloc(piece);
        for (let i = 0; i < text.length; i += piece) yield reused.subarray(0, reused.write(text.slice(i, i + piece), 'latin1'));
      }
      const buffers = new ChunkBuffers();
      const seen: { seq: number; firstLine: number; lineCount: number; data: string }[] = [];
      const underlying = new Set<ArrayBufferLike>();
      for await (const c of chunkStream(source(), { chunkBytes: 4096, buffers })) {
        seen.push({ ...c, data: Buffer.from(c.data).toString('latin1') });
        underlying.add(c.data.buffer);
        buffers.give(c.data);
      }
      expect(seen).toEqual(plain);
      // Pieces no larger than a chunk (a file is read in pieces of one): chunk after chunk goes into
      // the same few buffers. A larger piece completes many chunks at once, each in a buffer of its own.
      if (piece <= 4096) expect(underlying.size).toBeLessThanOrEqual(4);
    }
  });

  it('keeps at most two buffers of its own, never a detached, foreign or too small one', () => {
    const buffers = new ChunkBuffers();
    const a = buffers.take(10, 100);
    expect([a.length, a.buffer.byteLength]).toEqual([10, 100]);
    buffers.give(a);
    expect(buffers.take(100, 100).buffer).toBe(a.buffer);
    buffers.give(a);
    expect(buffers.take(101, 100).buffer).not.toBe(a.buffer);
    const moved = buffers.take(10, 100);
    structuredClone(moved.buffer, { transfer: [moved.buffer as ArrayBuffer] });
    buffers.give(moved);
    // Bytes it did not make (a slice of Node's shared pool, say) are never taken back, nor one buffer twice.
    const pooled = Buffer.from('abc');
    buffers.give(new Uint8Array(pooled.buffer, 0, 3));
    expect(buffers.take(3, 8).buffer).not.toBe(pooled.buffer);
    const twice = buffers.take(1, 8);
    buffers.give(twice);
    buffers.give(twice);
    expect(buffers.take(1, 8).buffer).toBe(twice.buffer);
    expect(buffers.take(1, 8).buffer).not.toBe(twice.buffer);
    const [x, y, z] = [buffers.take(1, 8), buffers.take(1, 8), buffers.take(1, 8)];
    for (const b of [x, y, z]) buffers.give(b);
    expect([buffers.take(1, 8).buffer, buffers.take(1, 8).buffer, buffers.take(1, 8).buffer].filter((b) => b === x.buffer || b === y.buffer || b === z.buffer)).toHaveLength(2);
  });
});

describe('readFilePieces', () => {
  it('reads a file whole in pieces of one reused buffer, an empty file as nothing, a missing file as ENOENT', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-pieces-'));
    try {
      const file = path.join(dir, 'r.csv');
      const bytes = Buffer.from(Array.from({ length: 10_000 }, (_, i) => i % 251));
      fs.writeFileSync(file, bytes);
      const copies: Buffer[] = [];
      const views = new Set<ArrayBufferLike>();
      for await (const p of readFilePieces(file, 999)) {
        copies.push(Buffer.from(p));
        views.add(p.buffer);
      }
      expect(Buffer.concat(copies).equals(bytes)).toBe(true);
      expect(copies.map((c) => c.length)).toEqual([...Array.from({ length: 10 }, () => 999), 10]);
      expect(views.size).toBe(1);
      fs.writeFileSync(path.join(dir, 'empty'), '');
      const none = [];
      for await (const p of readFilePieces(path.join(dir, 'empty'))) none.push(p);
      expect(none).toEqual([]);
      await expect(readFilePieces(path.join(dir, 'missing')).next()).rejects.toMatchObject({ code: 'ENOENT' });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
