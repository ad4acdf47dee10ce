import { describe, it, expect } from 'vitest';
import { AppError } from './errors.ts';
import { decodeUtf8Strict } from './text.ts';

function bytes(...parts: (string | number[])[]): Uint8Array {
  return Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));
}

function decodeError(buf: Uint8Array): AppError {
  try {
    decodeUtf8Strict(buf);
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected decodeUtf8Strict to throw');
}

describe('decodeUtf8Strict', () => {
  it('decodes plain ASCII unchanged', () => {
    expect(decodeUtf8Strict(bytes('name,sector\nAcme,energy\n'))).toBe('name,sector\nAcme,energy\n');
  });

  it('decodes an empty buffer to an empty string', () => {
    expect(decodeUtf8Strict(new Uint8Array(0))).toBe('');
  });

  it('drops a leading UTF-8 BOM', () => {
    expect(decodeUtf8Strict(bytes([0xef, 0xbb, 0xbf], 'name\n'))).toBe('name\n');
  });

  it('keeps a BOM that is not at the start of the file', () => {
    expect(decodeUtf8Strict(bytes('a', [0xef, 0xbb, 0xbf], 'b'))).toBe('a\uFEFFb');
  });

  it('decodes valid two- and three-byte sequences', () => {
    expect(decodeUtf8Strict(bytes('Café – Zürich'))).toBe('Café – Zürich');
  });

  it('accepts a valid four-byte emoji', () => {
    expect(decodeUtf8Strict(bytes([0xf0, 0x9f, 0x9b, 0xa1], ' shield'))).toBe('\u{1F6E1} shield');
  });

  it('decodes a subarray view using only its own bytes', () => {
    const backing = bytes('XXX', [0xef, 0xbb, 0xbf], 'ok', [0xff]);
    expect(decodeUtf8Strict(backing.subarray(3, 8))).toBe('ok');
  });

  it('rejects a Latin-1 byte with import.bad_encoding, status 400, and its line and byte offset', () => {
    const err = decodeError(bytes('name,sector\nCaf', [0xe9], ',energy\n'));
    expect(err.code).toBe('import.bad_encoding');
    expect(err.status).toBe(400);
    expect(err.details).toEqual({ line: 2, offset: 15 });
    expect(err.message).toContain('line 2');
    expect(err.message).toContain('byte 15');
  });

  it('counts the byte offset after the BOM when a BOM is present', () => {
    const err = decodeError(bytes([0xef, 0xbb, 0xbf], 'ab\ncd\n', [0xe9]));
    expect(err.details).toEqual({ line: 3, offset: 6 });
  });

  it('reports line 1 offset 0 for a bad first byte', () => {
    expect(decodeError(bytes([0xe9], 'abc')).details).toEqual({ line: 1, offset: 0 });
  });

  it('rejects a UTF-16 LE file (FF FE BOM) with import.bad_encoding', () => {
    const err = decodeError(bytes([0xff, 0xfe], [0x6e, 0x00, 0x61, 0x00]));
    expect(err.code).toBe('import.bad_encoding');
    expect(err.status).toBe(400);
    expect(err.details).toEqual({ line: 1, offset: 0 });
    expect(err.message).toContain('UTF-16');
  });

  it('rejects a UTF-16 BE file (FE FF BOM) with import.bad_encoding', () => {
    const err = decodeError(bytes([0xfe, 0xff], [0x00, 0x6e, 0x00, 0x61]));
    expect(err.code).toBe('import.bad_encoding');
    expect(err.message).toContain('UTF-16');
  });

  it('rejects a two-byte sequence truncated at the end of the file, pointing at its lead byte', () => {
    expect(decodeError(bytes('ab\ncd', [0xc3])).details).toEqual({ line: 2, offset: 5 });
  });

  it('rejects a three-byte sequence truncated at the end of the file', () => {
    expect(decodeError(bytes('x', [0xe2, 0x80])).details).toEqual({ line: 1, offset: 1 });
  });

  it('rejects a four-byte emoji truncated at the end of the file', () => {
    expect(decodeError(bytes('a\nb\n', [0xf0, 0x9f, 0x9b])).details).toEqual({ line: 3, offset: 4 });
  });

  it('rejects a multi-byte sequence whose continuation byte is ASCII', () => {
    expect(decodeError(bytes('ok', [0xc3], 'A')).details).toEqual({ line: 1, offset: 2 });
  });

  it('rejects a stray continuation byte used as a lead byte', () => {
    expect(decodeError(bytes('ok\n', [0x80], 'z')).details).toEqual({ line: 2, offset: 3 });
  });

  it('rejects the overlong two-byte lead bytes C0 and C1', () => {
    expect(decodeError(bytes('ok\n', [0xc0, 0xaf])).details).toEqual({ line: 2, offset: 3 });
    expect(decodeError(bytes('ok\n', [0xc1, 0xbf])).details).toEqual({ line: 2, offset: 3 });
  });

  it('rejects lead bytes F5 to FF', () => {
    for (const lead of [0xf5, 0xf8, 0xfe, 0xff]) {
      expect(decodeError(bytes('ok\n', [lead, 0x80, 0x80, 0x80])).details).toEqual({ line: 2, offset: 3 });
    }
  });

  it('reports the offset of an overlong three-byte sequence (E0 80 AF)', () => {
    expect(decodeError(bytes('ok\n', [0xe0, 0x80, 0xaf])).details).toEqual({ line: 2, offset: 3 });
  });

  it('reports the offset of an encoded UTF-16 surrogate (ED A0 80)', () => {
    expect(decodeError(bytes('ok\n', [0xed, 0xa0, 0x80])).details).toEqual({ line: 2, offset: 3 });
  });

  it('reports the offset of a four-byte sequence above U+10FFFF (F4 90 80 80)', () => {
    expect(decodeError(bytes('ok\n', [0xf4, 0x90, 0x80, 0x80])).details).toEqual({ line: 2, offset: 3 });
  });
});
