import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { chunkStream, LineChunker } from './chunker.ts';
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
});
