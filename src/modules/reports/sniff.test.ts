import { describe, expect, it } from 'vitest';
import { sniffType } from './sniff.ts';

const bytes = (...parts: (string | number[])[]) => new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? [...Buffer.from(p, 'latin1')] : p)));

describe('sniffType', () => {
  it.each([
    ['application/pdf', bytes('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n')],
    ['image/png', bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13])],
    ['image/jpeg', bytes([0xff, 0xd8, 0xff, 0xe0, 0, 16], 'JFIF')],
    ['image/gif', bytes('GIF89a\x01\x00')],
    ['image/webp', bytes('RIFF\x24\x00\x00\x00WEBPVP8 ')],
    ['application/zip', bytes('PK\x03\x04\x14\x00')],
    ['application/gzip', bytes([0x1f, 0x8b, 8, 0])],
    ['application/x-ole-storage', bytes([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0])],
    ['application/x-msdownload', bytes('MZ\x90\x00')],
    ['application/x-elf', bytes('\x7fELF\x02\x01')],
    ['message/rfc822', bytes('Received: from mx.example\r\n by mx2.example\r\nFrom: "Bank" <billing@evil.example>\r\nSubject: Verify\r\n\r\nHello')],
    ['text/html', bytes('<!DOCTYPE html><html><body>hi</body></html>')],
    ['image/svg+xml', bytes('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"></svg>')],
    ['text/plain', bytes('Just some notes.\nSubject: not a mail because this is line two\n')],
    ['text/plain', new Uint8Array(Buffer.from('Grüße aus Zürich – ok'))],
    ['application/json', bytes('{"a": 1}')],
    ['application/octet-stream', bytes([0, 1, 2, 3, 250, 251])],
    ['application/octet-stream', bytes('\xe9t\xe9')],
    ['text/plain', new Uint8Array(0)],
  ])('sniffs %s', (type, data) => {
    expect(sniffType(data)).toBe(type);
  });

  it('ignores a multi-byte character cut at the end of the 8 KiB sample', () => {
    const text = Buffer.from('€'.repeat(4000));
    expect(sniffType(new Uint8Array(text))).toBe('text/plain');
  });

  it('does not call RIFF audio webp', () => {
    expect(sniffType(bytes('RIFF\x24\x00\x00\x00WAVEfmt '))).not.toBe('image/webp');
  });
});
