import { createHash, type Hash } from 'node:crypto';
import type { LineError, RawChunk } from '../pipeline.types.ts';

const MIB = 1024 * 1024;

/** Chunking limits; `document` formats (STIX, MISP) are one chunk holding the whole report. */
export type ChunkerOptions = {
  /** Target chunk size in bytes (default 1 MiB: ~8k events, whose objects die young): a chunk ends at the first line end past it. */
  chunkBytes?: number | undefined;
  /** Longest line kept (default 1 MiB, at most 16 MiB); longer lines are skipped as `line.too_long`. */
  maxLineBytes?: number | undefined;
  /** Withhold the first non-empty line as the report's header (CSV with a header row). */
  header?: boolean | undefined;
  /** The report is one document (JSON), not lines: one chunk, at most `maxDocumentBytes`. */
  document?: boolean | undefined;
  /** Largest document accepted (default 64 MiB); beyond it the report fails with `report.too_large`. */
  maxDocumentBytes?: number | undefined;
  /** Buffers the consumer gives back once a chunk is stored or worked; chunks are copied into them. */
  buffers?: ChunkBuffers | undefined;
};

/**
 * Chunk buffers given back by the consumer of a chunker once it is done with a chunk (stored it,
 * worked it), so that the next chunks are copied into them rather than into new ones. A new 1 MiB
 * buffer per chunk is garbage the moment its chunk is stored, but it lives long enough to be
 * promoted, and V8 frees such memory only at a full collection, after it has grown by 64 MB.
 * Keeps at most two.
 */
export class ChunkBuffers {
  readonly #free: ArrayBuffer[] = [];
  // Only buffers made here are taken back: any other (a slice of Node's shared Buffer pool, say) may hold other bytes.
  readonly #own = new WeakSet<ArrayBuffer>();

  /** A buffer of `length` bytes, from a given-back buffer when one is large enough; new ones get `capacity`. */
  take(length: number, capacity: number): Uint8Array {
    const spare = this.#free.pop();
    if (spare && spare.byteLength >= length) return new Uint8Array(spare, 0, length);
    const made = new ArrayBuffer(Math.max(length, capacity));
    this.#own.add(made);
    return new Uint8Array(made, 0, length);
  }

  /** Gives a chunk's bytes back (ignored unless `take` made them); the caller must not read them again. */
  give(data: Uint8Array): void {
    const b = data.buffer;
    if (this.#free.length < 2 && b instanceof ArrayBuffer && this.#own.has(b) && !b.detached && !this.#free.includes(b)) this.#free.push(b);
  }
}

/** A problem with the report as a whole (no events can come from it). */
export type ReportProblem = { code: string; message: string; hint?: string | undefined };

/** What the chunker learned about the whole stream, once it ended. */
export type ChunkerSummary = {
  /** Hex SHA-256 of every byte of the stream (BOM and header included): the report's content address. */
  sha256: string;
  bytes: number;
  lines: number;
  chunks: number;
  /** The header line (decoded, no line terminator) when `header` was asked and the stream had one. */
  header: string | null;
  fatal: ReportProblem | null;
};

const BOM = [0xef, 0xbb, 0xbf];

/** Decodes a few bytes for a header or an excerpt: UTF-8, or windows-1252 when that fails. */
function decodeLoose(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('windows-1252').decode(bytes);
  }
}

/**
 * Splits a byte stream into chunks of whole lines while hashing it. Push the stream's pieces in
 * order, then call `end()`; each call returns the chunks completed so far. Memory stays under
 * chunkBytes + maxLineBytes whatever the input: a longer line is never buffered, it becomes a
 * `line.too_long` error (take them with `takeErrors()`) and an empty line in its chunk, so line
 * numbers stay true.
 */
export class LineChunker {
  readonly #hash: Hash = createHash('sha256');
  readonly #chunkBytes: number;
  readonly #maxLine: number;
  readonly #wantHeader: boolean;
  readonly #document: boolean;
  readonly #maxDocument: number;
  readonly #buffers: ChunkBuffers | null;
  #buf: Uint8Array;
  #len = 0;
  #lineStart = 0;
  #lineCount = 0;
  #chunkFirstLine = 1;
  #linesInChunk = 0;
  #seq = 0;
  #bytes = 0;
  #skipping = false;
  #skipExcerpt = '';
  #head: Uint8Array | null = new Uint8Array(0);
  #pieces: Uint8Array[] = [];
  #tooLarge = false;
  #errors: LineError[] = [];
  #ended = false;
  header: string | null = null;

  constructor(opts: ChunkerOptions = {}) {
    this.#chunkBytes = Math.max(1, opts.chunkBytes ?? MIB);
    this.#maxLine = Math.min(16 * MIB, Math.max(1, opts.maxLineBytes ?? MIB));
    this.#wantHeader = opts.header ?? false;
    this.#document = opts.document ?? false;
    this.#maxDocument = opts.maxDocumentBytes ?? 64 * MIB;
    this.#buffers = opts.buffers ?? null;
    this.#buf = new Uint8Array(this.#document ? 0 : this.#chunkBytes + this.#maxLine + 1);
  }

  /** Feeds the next piece of the stream; returns the chunks it completed. */
  push(piece: Uint8Array): RawChunk[] {
    if (this.#ended) throw new Error('LineChunker: push after end');
    this.#hash.update(piece);
    this.#bytes += piece.length;
    if (this.#document) return this.#pushDocument(piece);
    const body = this.#stripBom(piece);
    return body === null ? [] : this.#scan(body);
  }

  /** Ends the stream: flushes the last line (newline or not) and the last chunk. */
  end(): RawChunk[] {
    if (this.#ended) return [];
    this.#ended = true;
    if (this.#document) return this.#endDocument();
    const out: RawChunk[] = [];
    if (this.#head !== null && this.#head.length > 0) out.push(...this.#scan(this.#head));
    this.#head = null;
    if (this.#skipping) this.#endSkip(out);
    else if (this.#len > this.#lineStart) this.#lineDone(out);
    if (this.#linesInChunk > 0) this.#emit(out);
    return out;
  }

  /** The line errors found since the last call (`line.too_long`). */
  takeErrors(): LineError[] {
    const e = this.#errors;
    this.#errors = [];
    return e;
  }

  /** Hash, sizes and header of the whole stream; call after `end()`. */
  summary(): ChunkerSummary {
    if (!this.#ended) throw new Error('LineChunker: summary before end');
    const fatal = this.#tooLarge
      ? { code: 'report.too_large', message: `The report is larger than ${this.#maxDocument} bytes, the most a document format (STIX, MISP) accepts` }
      : null;
    return { sha256: this.#hash.copy().digest('hex'), bytes: this.#bytes, lines: this.#lineCount, chunks: this.#seq, header: this.header, fatal };
  }

  // Holds the first bytes until it is known whether they are a UTF-8 BOM, which is dropped.
  #stripBom(piece: Uint8Array): Uint8Array | null {
    if (this.#head === null) return piece;
    const head = new Uint8Array(this.#head.length + piece.length);
    head.set(this.#head);
    head.set(piece, this.#head.length);
    const n = Math.min(3, head.length);
    for (let i = 0; i < n; i++) {
      if (head[i] !== BOM[i]) {
        this.#head = null;
        return head;
      }
    }
    if (head.length < 3) {
      this.#head = head;
      return null;
    }
    this.#head = null;
    return head.subarray(3);
  }

  #scan(p: Uint8Array): RawChunk[] {
    const out: RawChunk[] = [];
    let pos = 0;
    while (pos < p.length) {
      const nl = p.indexOf(0x0a, pos);
      const segEnd = nl < 0 ? p.length : nl;
      if (this.#skipping) {
        if (nl < 0) break;
        this.#endSkip(out);
      } else if (this.#len - this.#lineStart + (segEnd - pos) > this.#maxLine) {
        this.#startSkip(p.subarray(pos, Math.min(segEnd, pos + 200)));
        continue;
      } else {
        this.#buf.set(p.subarray(pos, segEnd), this.#len);
        this.#len += segEnd - pos;
        if (nl < 0) break;
        this.#buf[this.#len++] = 0x0a;
        this.#lineDone(out);
      }
      pos = nl + 1;
    }
    return out;
  }

  #startSkip(next: Uint8Array): void {
    const start = this.#buf.subarray(this.#lineStart, Math.min(this.#len, this.#lineStart + 200));
    const bytes = new Uint8Array(start.length + next.length);
    bytes.set(start);
    bytes.set(next, start.length);
    this.#skipExcerpt = decodeLoose(bytes.subarray(0, 200)).slice(0, 200);
    this.#len = this.#lineStart;
    this.#skipping = true;
  }

  // The skipped line ends: report it and keep an empty line in its place.
  #endSkip(out: RawChunk[]): void {
    const line = this.#lineCount + 1;
    this.#errors.push({
      line,
      code: 'line.too_long',
      message: `Line ${line} is longer than ${this.#maxLine} bytes and was skipped`,
      excerpt: this.#skipExcerpt,
    });
    this.#skipping = false;
    this.#buf[this.#len++] = 0x0a;
    this.#lineDone(out);
  }

  #lineDone(out: RawChunk[]): void {
    this.#lineCount++;
    if (this.#wantHeader && this.header === null) {
      let end = this.#len;
      while (end > 0 && (this.#buf[end - 1] === 0x0a || this.#buf[end - 1] === 0x0d)) end--;
      if (end > 0) this.header = decodeLoose(this.#buf.subarray(0, end));
      this.#len = 0;
      this.#lineStart = 0;
      this.#chunkFirstLine = this.#lineCount + 1;
      return;
    }
    this.#lineStart = this.#len;
    this.#linesInChunk++;
    if (this.#len >= this.#chunkBytes) this.#emit(out);
  }

  #emit(out: RawChunk[]): void {
    let data: Uint8Array;
    if (this.#buffers) {
      // A chunk ends at the first line end past chunkBytes: room for a long line more fits most.
      data = this.#buffers.take(this.#len, this.#chunkBytes + Math.max(4096, Math.ceil(this.#chunkBytes / 16)));
      data.set(this.#buf.subarray(0, this.#len));
    } else data = this.#buf.slice(0, this.#len);
    out.push({ seq: this.#seq++, firstLine: this.#chunkFirstLine, lineCount: this.#linesInChunk, data });
    this.#chunkFirstLine += this.#linesInChunk;
    this.#linesInChunk = 0;
    this.#len = 0;
    this.#lineStart = 0;
  }

  #pushDocument(piece: Uint8Array): RawChunk[] {
    if (this.#tooLarge) return [];
    if (this.#bytes > this.#maxDocument) {
      this.#tooLarge = true;
      this.#pieces = [];
      return [];
    }
    this.#pieces.push(piece.slice());
    return [];
  }

  #endDocument(): RawChunk[] {
    if (this.#tooLarge || this.#bytes === 0) return [];
    const data = Buffer.concat(this.#pieces);
    this.#pieces = [];
    let lines = 0;
    for (let i = data.indexOf(0x0a); i >= 0; i = data.indexOf(0x0a, i + 1)) lines++;
    if (data.length > 0 && data[data.length - 1] !== 0x0a) lines++;
    this.#lineCount = lines;
    this.#seq = 1;
    return [{ seq: 0, firstLine: 1, lineCount: lines, data }];
  }
}

/**
 * Chunks an async byte stream (a file, an HTTP body). Yields chunks as they complete; the
 * generator's return value is the summary (hash, sizes, header) and `onErrors` receives the
 * `line.too_long` errors as they are found.
 */
export async function* chunkStream(
  source: AsyncIterable<Uint8Array>,
  opts: ChunkerOptions = {},
  onErrors: (errors: LineError[]) => void = () => {},
): AsyncGenerator<RawChunk, ChunkerSummary> {
  const chunker = new LineChunker(opts);
  for await (const piece of source) {
    const chunks = chunker.push(piece);
    const errors = chunker.takeErrors();
    if (errors.length > 0) onErrors(errors);
    yield* chunks;
  }
  yield* chunker.end();
  const errors = chunker.takeErrors();
  if (errors.length > 0) onErrors(errors);
  return chunker.summary();
}
