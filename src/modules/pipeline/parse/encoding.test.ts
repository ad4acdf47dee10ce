import { describe, expect, it } from 'vitest';
import type { ParserConfigInput } from './config.schema.ts';
import { parseAll } from './test-helpers.ts';

const LIST: ParserConfigInput = { format: 'csv', header: false, columns: ['ip', 'city'], mapping: { ip: 'source.ip', city: 'source.geolocation.city' } };

// "Köln" in UTF-8, then in windows-1252, then a UTF-8 "Zürich": a file with mixed encodings.
const mixed = Buffer.concat([
  Buffer.from('198.18.0.1,Köln\n'),
  Buffer.from([...Buffer.from('198.18.0.2,K'), 0xf6, ...Buffer.from('ln '), 0x80, 0x0a]),
  Buffer.from('198.18.0.3,Zürich\n'),
]);

describe('encodings', () => {
  it('rejects invalid UTF-8 per line (line.invalid_utf8 with the byte offset) and goes on', () => {
    const r = parseAll(LIST, mixed);
    expect(r.events.map((e) => e.event['source.geolocation.city'])).toEqual(['Köln', 'Zürich']);
    expect(r.errors).toEqual([expect.objectContaining({ line: 2, code: 'line.invalid_utf8', message: expect.stringContaining('byte 12') })]);
  });

  it('auto falls back to windows-1252 per line', () => {
    const r = parseAll({ ...LIST, encoding: 'auto', raw: true }, mixed);
    expect(r.errors).toEqual([]);
    expect(r.events.map((e) => e.event['source.geolocation.city'])).toEqual(['Köln', 'Köln €', 'Zürich']);
    // raw keeps the original bytes of the line
    expect(Buffer.from(r.events[1]!.event.raw as string, 'base64')).toEqual(mixed.subarray(17, 17 + 17));
  });

  it('latin1 decodes every byte as a character', () => {
    const r = parseAll({ ...LIST, encoding: 'latin1' }, Buffer.from([...Buffer.from('198.18.0.2,K'), 0xf6, ...Buffer.from('ln\n')]));
    expect(r.events[0]?.event['source.geolocation.city']).toBe('Köln');
  });

  it('gives raw of a non-ASCII UTF-8 line as its original bytes', () => {
    const r = parseAll({ ...LIST, raw: true }, 'x,y\n198.18.0.3,Zürich\r\n198.18.0.4,Åre\n');
    expect(r.events.map((e) => Buffer.from(e.event.raw as string, 'base64').toString())).toEqual(['198.18.0.3,Zürich', '198.18.0.4,Åre']);
  });
});
