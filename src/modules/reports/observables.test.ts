import { describe, expect, it } from 'vitest';
import { AppError } from '../../platform/errors.ts';
import { collectObservables, extractObservables, normalizeObservable, refangText } from './observables.ts';

const value = (raw: string, type?: Parameters<typeof normalizeObservable>[1]) => {
  const r = normalizeObservable(raw, type);
  return r.ok ? r.value : r.message;
};

describe('normalizeObservable', () => {
  it('recognizes and normalizes each type', () => {
    expect(value('HTTPS://Evil.Example/Login?x=1')).toEqual({ type: 'url', value: 'https://evil.example/Login?x=1' });
    expect(value('198.51.100.7')).toEqual({ type: 'ipv4', value: '198.51.100.7' });
    expect(value('2001:DB8:0:0::1')).toEqual({ type: 'ipv6', value: '2001:db8::1' });
    expect(value('[2001:db8::5]')).toEqual({ type: 'ipv6', value: '2001:db8::5' });
    expect(value('Evil.Example.')).toEqual({ type: 'domain', value: 'evil.example' });
    expect(value('bücher.example')).toEqual({ type: 'domain', value: 'xn--bcher-kva.example' });
    expect(value('Boss@Evil.Example')).toEqual({ type: 'email', value: 'boss@evil.example' });
    expect(value('mailto:boss@evil.example')).toEqual({ type: 'email', value: 'boss@evil.example' });
    expect(value('D41D8CD98F00B204E9800998ECF8427E')).toEqual({ type: 'md5', value: 'd41d8cd98f00b204e9800998ecf8427e' });
    expect(value('da39a3ee5e6b4b0d3255bfef95601890afd80709')).toEqual({ type: 'sha1', value: 'da39a3ee5e6b4b0d3255bfef95601890afd80709' });
    expect(value('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')).toMatchObject({ type: 'sha256' });
  });

  it('understands defanged forms', () => {
    expect(value('hxxps://evil[.]example/pay')).toEqual({ type: 'url', value: 'https://evil.example/pay' });
    expect(value('hXXp[://]evil(.)example')).toEqual({ type: 'url', value: 'http://evil.example/' });
    expect(value('198.51.100[.]7')).toEqual({ type: 'ipv4', value: '198.51.100.7' });
    expect(value('boss[at]evil[dot]example')).toEqual({ type: 'email', value: 'boss@evil.example' });
    expect(value('evil[.]example')).toEqual({ type: 'domain', value: 'evil.example' });
  });

  it('reads a URL without a scheme as http://', () => {
    expect(value('evil.example/login')).toEqual({ type: 'url', value: 'http://evil.example/login' });
  });

  it('checks a value against the type it was given with', () => {
    expect(value('198.51.100.7', 'domain')).toMatch(/numeric/);
    expect(value('abc', 'md5')).toMatch(/MD5/);
    expect(value('evil.example', 'url')).toEqual({ type: 'url', value: 'http://evil.example/' });
    expect(value('1.2.3.4', 'ipv4')).toEqual({ type: 'ipv4', value: '1.2.3.4' });
  });

  it('rejects what is none of the types', () => {
    for (const bad of ['', '   ', 'not an observable', '300.1.1.1', '010.1.1.1', 'javascript://x', 'file:///etc/passwd', 'http://localhost/', 'a@b', 'gg::zz::1', 'x'.repeat(3000)]) {
      expect(normalizeObservable(bad).ok, bad).toBe(false);
    }
  });
});

describe('extractObservables', () => {
  it('finds URLs, addresses, domains, e-mail addresses and hashes in free text, defanged or not', () => {
    const text = [
      'I got a mail from billing[@]bank-secure[.]example asking me to log in at hxxps://bank-secure[.]example/login?id=7.',
      'The page (see https://evil.example/a_(b)) then loaded 198.51.100.23 and 2001:db8::bad:1, and a file',
      'with SHA-256 E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855 from cdn.evil.example.',
      'Version 1.2 of Node.js, invoice.pdf and e.g. i.e. are not domains; 12:30:45 is not an address.',
    ].join('\n');
    expect(extractObservables(text)).toEqual([
      { type: 'email', value: 'billing@bank-secure.example' },
      { type: 'url', value: 'https://bank-secure.example/login?id=7' },
      { type: 'url', value: 'https://evil.example/a_(b)' },
      { type: 'ipv4', value: '198.51.100.23' },
      { type: 'ipv6', value: '2001:db8::bad:1' },
      { type: 'sha256', value: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' },
      { type: 'domain', value: 'cdn.evil.example' },
    ]);
  });

  it('undoes defanging across a whole text', () => {
    expect(refangText('go to hxxp://a[.]example and fxp://b(.)example')).toBe('go to http://a.example and ftp://b.example');
  });

  it('finds nothing in plain prose', () => {
    expect(extractObservables('My computer is slow since Tuesday. Please help!')).toEqual([]);
  });
});

describe('collectObservables', () => {
  it('keeps given before extracted, de-duplicates and labels the source', () => {
    const r = collectObservables(['evil[.]example', { type: 'ipv4', value: '198.51.100.1' }], 'see evil.example and 198.51.100.2', 10);
    expect(r.observables).toEqual([
      { type: 'domain', value: 'evil.example', source: 'given' },
      { type: 'ipv4', value: '198.51.100.1', source: 'given' },
      { type: 'ipv4', value: '198.51.100.2', source: 'extracted' },
    ]);
    expect(r.truncated).toBe(false);
  });

  it('caps the count and says it truncated', () => {
    const text = Array.from({ length: 20 }, (_, i) => `198.51.100.${i}`).join(' ');
    const r = collectObservables([], text, 5);
    expect(r.observables).toHaveLength(5);
    expect(r.truncated).toBe(true);
  });

  it('names every invalid given observable by index', () => {
    let err: unknown;
    try {
      collectObservables(['evil.example', 'nonsense value', { type: 'sha1', value: 'abcd' }], '', 10);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AppError);
    const e = err as AppError;
    expect([e.code, e.status]).toEqual(['report.invalid_observable', 400]);
    expect((e.details as { issues: { index: number; path: string }[] }).issues.map((i) => [i.index, i.path])).toEqual([
      [1, 'observables.1'],
      [2, 'observables.2.value'],
    ]);
  });
});
