import { describe, expect, it } from 'vitest';
import { isPfx2asError, parseOrigin, parsePfx2asLine, readLines, MAX_LINE_BYTES } from './pfx2as.ts';

async function collect(pieces: (string | Uint8Array)[]) {
  const out = [];
  for await (const l of readLines((async function* () {
    yield* pieces;
  })())) out.push(l);
  return out;
}

describe('parseOrigin', () => {
  it('reads a single AS, multi-origin lists, AS sets and their mix', () => {
    expect(parseOrigin('64496')).toEqual([64496]);
    expect(parseOrigin('64496_64497')).toEqual([64496, 64497]);
    expect(parseOrigin('{64496,64497}')).toEqual([64496, 64497]);
    expect(parseOrigin('64496_{64497,64498}_64496')).toEqual([64496, 64497, 64498]);
    expect(parseOrigin('4294967295')).toEqual([4294967295]);
  });

  it('refuses what is not an AS number', () => {
    for (const bad of ['', 'x', '4294967296', '064496', '{64496', '64496__1', '-1']) expect(parseOrigin(bad), bad).toBeNull();
  });
});

describe('parsePfx2asLine', () => {
  it('parses CAIDA three-column lines for IPv4 and IPv6', () => {
    expect(parsePfx2asLine('198.18.0.0\t15\t64496', 1)).toMatchObject({ family: 4, length: 15, prefix: '198.18.0.0/15', origins: [64496], cc: null, asName: null });
    expect(parsePfx2asLine('2001:DB8::\t32\t65536_65537\r', 2)).toMatchObject({ family: 6, prefix: '2001:db8::/32', origins: [65536, 65537] });
  });

  it('reads the optional country and AS name columns', () => {
    expect(parsePfx2asLine('8.8.8.0\t24\t15169\tus\tGOOGLE LLC', 1)).toMatchObject({ cc: 'US', asName: 'GOOGLE LLC' });
    expect(parsePfx2asLine('8.8.8.0\t24\t15169\t-\t', 1)).toMatchObject({ cc: null, asName: null });
  });

  it('skips blank and comment lines', () => {
    expect(parsePfx2asLine('', 1)).toBeNull();
    expect(parsePfx2asLine('  # note', 1)).toBeNull();
  });

  it('reports each kind of bad line with its line number and a stable code', () => {
    const code = (text: string) => {
      const r = parsePfx2asLine(text, 7);
      if (r === null || !isPfx2asError(r)) throw new Error('expected an error');
      expect(r.line).toBe(7);
      return r.code;
    };
    expect(code('198.18.0.0 15 64496')).toBe('pfx2as.columns');
    expect(code('198.18.0.0\tx\t64496')).toBe('pfx2as.invalid_length');
    expect(code('198.18.0.0\t33\t64496')).toBe('pfx2as.invalid_prefix');
    expect(code('999.1.1.0\t24\t64496')).toBe('pfx2as.invalid_prefix');
    expect(code('198.18.0.1\t24\t64496')).toBe('pfx2as.host_bits');
    expect(code('198.18.0.0\t24\tAS?')).toBe('pfx2as.invalid_origin');
    expect(code('198.18.0.0\t24\t64496\tXYZ')).toBe('pfx2as.invalid_cc');
  });
});

describe('readLines', () => {
  it('splits lines across chunk boundaries and numbers them', async () => {
    const lines = await collect(['a\nb', 'c\n', new TextEncoder().encode('d\r\ne')]);
    expect(lines).toEqual([{ line: 1, text: 'a' }, { line: 2, text: 'bc' }, { line: 3, text: 'd\r' }, { line: 4, text: 'e' }]);
  });

  it('reports invalid UTF-8 and over-long lines and goes on', async () => {
    const long = 'x'.repeat(MAX_LINE_BYTES + 10);
    const lines = await collect([new Uint8Array([0x61, 0x0a, 0xff, 0xfe, 0x0a]), long.slice(0, 3000), long.slice(3000) + '\nok\n']);
    expect(lines).toEqual([
      { line: 1, text: 'a' },
      { line: 2, code: 'pfx2as.bad_encoding', message: expect.any(String) },
      { line: 3, code: 'pfx2as.line_too_long', message: expect.any(String) },
      { line: 4, text: 'ok' },
    ]);
  });
});
