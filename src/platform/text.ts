import { isUtf8 } from 'node:buffer';
import { AppError } from './errors.ts';

// Allowed range of the second byte after each lead byte (RFC 3629 table): excludes overlong forms,
// UTF-16 surrogates and code points above U+10FFFF.
function secondByteRange(lead: number): [number, number] {
  if (lead === 0xe0) return [0xa0, 0xbf];
  if (lead === 0xed) return [0x80, 0x9f];
  if (lead === 0xf0) return [0x90, 0xbf];
  if (lead === 0xf4) return [0x80, 0x8f];
  return [0x80, 0xbf];
}

// Byte offset of the first invalid UTF-8 sequence, or -1.
function firstInvalidUtf8(buf: Uint8Array): number {
  let i = 0;
  while (i < buf.length) {
    const b = buf[i] as number;
    const n = b < 0x80 ? 0 : b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    if (n < 0 || i + n >= buf.length + (n === 0 ? 1 : 0)) return i;
    const [lo, hi] = secondByteRange(b);
    if (n > 0 && ((buf[i + 1] ?? 0) < lo || (buf[i + 1] ?? 0) > hi)) return i;
    for (let k = 2; k <= n; k++) if (((buf[i + k] ?? 0) & 0xc0) !== 0x80) return i;
    i += n + 1;
  }
  return -1;
}

/**
 * Decodes UTF-8 strictly (a BOM is dropped). Anything else is `import.bad_encoding` with the line and
 * byte offset of the first bad sequence, so a Latin-1 or UTF-16 file gets a useful answer.
 */
export function decodeUtf8Strict(buf: Uint8Array): string {
  if ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff)) {
    throw new AppError('import.bad_encoding', 'The file is UTF-16; save it as UTF-8', 400, { line: 1, offset: 0 });
  }
  const body = buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? buf.subarray(3) : buf;
  if (!isUtf8(body)) {
    const offset = Math.max(0, firstInvalidUtf8(body));
    let line = 1;
    for (let i = 0; i < offset; i++) if (body[i] === 0x0a) line++;
    throw new AppError('import.bad_encoding', `The file is not valid UTF-8 (line ${line}, byte ${offset}); save it as UTF-8`, 400, { line, offset });
  }
  return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
}
