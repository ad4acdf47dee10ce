import { isAscii, isUtf8 } from 'node:buffer';
import type { LineError, RawChunk } from '../pipeline.types.ts';

/** How the bytes of a feed are decoded: strict UTF-8 (default), Latin-1, or UTF-8 with a windows-1252 fallback per line. */
export type Encoding = 'utf-8' | 'latin1' | 'auto';

/**
 * Receives each non-empty line: its text (no line terminator), its 1-based number and its byte
 * range in the chunk (for `raw`, which is the base64 of the original bytes).
 */
export type LineSink = (text: string, line: number, start: number, end: number) => void;

const cp1252 = new TextDecoder('windows-1252');

/** The first 200 characters of a line, for the feed's error log. */
export function excerptLine(text: string): string {
  return text.length > 200 ? text.slice(0, 200) : text;
}

/** Byte offset of the first invalid UTF-8 sequence in bytes (assumed invalid), found by decoding prefixes. */
export function firstInvalidByte(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] as number;
    const n = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (n === 0 || i + n > bytes.length || !isUtf8(bytes.subarray(i, i + n))) return i;
    i += n;
  }
  return i;
}

/** The chunk's bytes as a Buffer (no copy). */
export function chunkBuffer(chunk: RawChunk): Buffer {
  const d = chunk.data;
  return Buffer.isBuffer(d) ? d : Buffer.from(d.buffer, d.byteOffset, d.byteLength);
}

function startOf(buf: Buffer): number {
  return buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
}

// Fast path: the chunk decodes as a whole (valid UTF-8, or Latin-1 where bytes are characters).
// `sameOffsets`: character offsets are byte offsets (ASCII or Latin-1), no byte counting needed.
function wholeChunk(text: string, from: number, firstLine: number, sink: LineSink, sameOffsets: boolean): void {
  let pos = 0;
  let bytePos = from;
  let line = firstLine;
  while (pos <= text.length) {
    let nl = text.indexOf('\n', pos);
    if (nl < 0) nl = text.length;
    const cr = nl > pos && text.charCodeAt(nl - 1) === 13 ? 1 : 0;
    const lineBytes = sameOffsets ? nl - pos : Buffer.byteLength(text.slice(pos, nl));
    if (nl - cr > pos) sink(text.slice(pos, nl - cr), line, bytePos, bytePos + lineBytes - cr);
    bytePos += lineBytes + 1;
    pos = nl + 1;
    line++;
  }
}

function decodeLine(bytes: Buffer, encoding: Encoding, line: number, errors: LineError[]): string | null {
  if (isUtf8(bytes)) return bytes.toString('utf8');
  if (encoding === 'auto') return cp1252.decode(bytes);
  const offset = firstInvalidByte(bytes);
  errors.push({
    line,
    code: 'line.invalid_utf8',
    message: `Line ${line} is not valid UTF-8 (byte ${offset} of the line); set the feed's encoding to latin1 or auto if it is not UTF-8`,
    excerpt: excerptLine(bytes.toString('latin1')),
  });
  return null;
}

// Slow path: some bytes are not UTF-8; each line is decoded on its own (mixed encodings).
function lineByLine(buf: Buffer, from: number, firstLine: number, encoding: Encoding, sink: LineSink, errors: LineError[]): void {
  let pos = from;
  let line = firstLine;
  while (pos <= buf.length) {
    let nl = buf.indexOf(0x0a, pos);
    if (nl < 0) nl = buf.length;
    const end = nl > pos && buf[nl - 1] === 13 ? nl - 1 : nl;
    if (end > pos) {
      const text = decodeLine(buf.subarray(pos, end), encoding, line, errors);
      if (text !== null) sink(text, line, pos, end);
    }
    pos = nl + 1;
    line++;
  }
}

/**
 * Calls `sink` for every non-empty line of a chunk's bytes (LF or CRLF, a leading BOM dropped),
 * numbering lines from `firstLine`. Undecodable lines become `line.invalid_utf8` errors; `raw` of a
 * line is `buf.toString('base64', start, end)`.
 */
export function forEachLine(buf: Buffer, firstLine: number, encoding: Encoding, sink: LineSink, errors: LineError[]): void {
  const from = startOf(buf);
  if (encoding === 'latin1') {
    wholeChunk(buf.toString('latin1', from), from, firstLine, sink, true);
  } else if (isUtf8(buf.subarray(from))) {
    wholeChunk(buf.toString('utf8', from), from, firstLine, sink, isAscii(buf.subarray(from)));
  } else {
    lineByLine(buf, from, firstLine, encoding, sink, errors);
  }
}
