import { createHash } from 'node:crypto';
import { describe, it, expect } from 'vitest';
import { GENESIS_HASH, canonicalJson, linkHash, type ChainedFields } from './audit.hash.ts';

function fields(): ChainedFields {
  return {
    seq: 7,
    at: new Date('2025-03-04T05:06:07.089Z'),
    actorId: '11111111-2222-4333-8444-555555555555',
    actorLabel: 'analyst@cert.example',
    action: 'organization.updated',
    entityType: 'organization',
    entityId: '99999999-8888-4777-8666-555555555555',
    before: { name: 'Old', sector: 'energy' },
    after: { name: 'New', sector: 'energy' },
    requestId: 'req-1',
  };
}

describe('canonicalJson', () => {
  it('sorts object keys', () => {
    expect(canonicalJson({ b: 1, a: 2, c: 3 })).toBe('{"a":2,"b":1,"c":3}');
  });

  it('sorts keys at every depth, including objects inside arrays', () => {
    expect(canonicalJson({ z: { y: 1, x: [{ q: 1, p: 2 }] }, a: null })).toBe('{"a":null,"z":{"x":[{"p":2,"q":1}],"y":1}}');
  });

  it('gives the same text for equal objects built in different key orders', () => {
    expect(canonicalJson({ a: 1, b: { c: 2, d: 3 } })).toBe(canonicalJson({ b: { d: 3, c: 2 }, a: 1 }));
  });

  it('keeps array order', () => {
    expect(canonicalJson([3, 1, 2])).toBe('[3,1,2]');
  });

  it('drops keys whose value is undefined', () => {
    expect(canonicalJson({ a: 1, b: undefined, c: { d: undefined } })).toBe('{"a":1,"c":{}}');
  });

  it('writes undefined at the top level and inside arrays as null, like JSON.stringify', () => {
    expect(canonicalJson(undefined)).toBe('null');
    expect(canonicalJson([1, undefined])).toBe('[1,null]');
  });

  it('writes Dates as ISO strings, also when nested', () => {
    const d = new Date('2025-03-04T05:06:07.089Z');
    expect(canonicalJson(d)).toBe('"2025-03-04T05:06:07.089Z"');
    expect(canonicalJson({ at: d, list: [d] })).toBe('{"at":"2025-03-04T05:06:07.089Z","list":["2025-03-04T05:06:07.089Z"]}');
  });

  it('writes primitives as JSON', () => {
    expect(canonicalJson(null)).toBe('null');
    expect(canonicalJson('a"b')).toBe('"a\\"b"');
    expect(canonicalJson(42)).toBe('42');
    expect(canonicalJson(false)).toBe('false');
  });

  it('escapes keys as JSON strings', () => {
    expect(canonicalJson({ 'we"ird': 1 })).toBe('{"we\\"ird":1}');
  });

  it('produces text that JSON.parse reads back to an equal value', () => {
    const value = { b: [1, { d: 'x', c: true }], a: { e: null } };
    expect(JSON.parse(canonicalJson(value))).toEqual(value);
  });
});

describe('linkHash', () => {
  it('is a 64-character lower-case hex SHA-256', () => {
    expect(linkHash(GENESIS_HASH, fields())).toMatch(/^[0-9a-f]{64}$/);
  });

  it('is SHA-256 over the previous hash, a newline and the canonical entry', () => {
    const f = fields();
    const body = canonicalJson({ ...f, at: f.at.toISOString() });
    const expected = createHash('sha256').update(`${GENESIS_HASH}\n${body}`).digest('hex');
    expect(linkHash(GENESIS_HASH, f)).toBe(expected);
  });

  it('is stable for equal input', () => {
    expect(linkHash(GENESIS_HASH, fields())).toBe(linkHash(GENESIS_HASH, fields()));
  });

  it('is stable when before/after hold the same data in a different key order', () => {
    const a = fields();
    const b = { ...fields(), before: { sector: 'energy', name: 'Old' }, after: { sector: 'energy', name: 'New' } };
    expect(linkHash(GENESIS_HASH, b)).toBe(linkHash(GENESIS_HASH, a));
  });

  it('is stable when the fields object itself has a different key order', () => {
    const f = fields();
    const reordered = Object.fromEntries(Object.entries(f).reverse()) as ChainedFields;
    expect(linkHash(GENESIS_HASH, reordered)).toBe(linkHash(GENESIS_HASH, f));
  });

  it('changes when the previous hash changes', () => {
    expect(linkHash('f'.repeat(64), fields())).not.toBe(linkHash(GENESIS_HASH, fields()));
  });

  const changes: [keyof ChainedFields, unknown][] = [
    ['seq', 8],
    ['at', new Date('2025-03-04T05:06:07.090Z')],
    ['actorId', null],
    ['actorLabel', 'someone-else@cert.example'],
    ['action', 'organization.deleted'],
    ['entityType', 'contact'],
    ['entityId', null],
    ['before', { name: 'Old', sector: 'health' }],
    ['after', null],
    ['requestId', 'req-2'],
  ];
  for (const [key, value] of changes) {
    it(`changes when ${key} changes`, () => {
      const changed = { ...fields(), [key]: value } as ChainedFields;
      expect(linkHash(GENESIS_HASH, changed)).not.toBe(linkHash(GENESIS_HASH, fields()));
    });
  }

  it('changes when a nested value deep inside after changes', () => {
    const a = { ...fields(), after: { contacts: [{ email: 'a@example.org' }] } };
    const b = { ...fields(), after: { contacts: [{ email: 'b@example.org' }] } };
    expect(linkHash(GENESIS_HASH, a)).not.toBe(linkHash(GENESIS_HASH, b));
  });

  it('uses a genesis hash of 64 zeros', () => {
    expect(GENESIS_HASH).toBe('0'.repeat(64));
  });
});
