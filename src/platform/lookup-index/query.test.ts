import { describe, it, expect } from 'vitest';
import { classifyQuery, refang } from './query.ts';
import type { ClassifiedQuery } from './query.ts';

function classify(s: string): ClassifiedQuery {
  const r = classifyQuery(s);
  if (!r.ok) throw new Error(r.message);
  return r.value;
}

function shape(s: string): [string, string, string] {
  const q = classify(s);
  return [q.kind, q.key.type, q.normalized];
}

describe('classifyQuery', () => {
  it('recognizes addresses, prefixes and AS numbers', () => {
    expect(shape('192.0.2.1')).toEqual(['ipv4', 'ipv4', '192.0.2.1']);
    expect(shape(' 192.0.2.1\n')).toEqual(['ipv4', 'ipv4', '192.0.2.1']);
    expect(shape('2001:DB8::0:1')).toEqual(['ipv6', 'ipv6', '2001:db8::1']);
    expect(shape('[2001:db8::1]')).toEqual(['ipv6', 'ipv6', '2001:db8::1']);
    expect(shape('::ffff:192.0.2.1')).toEqual(['ipv6', 'ipv6', '::ffff:192.0.2.1']);
    expect(shape('198.51.100.0/24')).toEqual(['cidr', 'cidr', '198.51.100.0/24']);
    expect(shape('2001:db8:0::/48')).toEqual(['cidr', 'cidr', '2001:db8::/48']);
    expect(shape('AS64500')).toEqual(['asn', 'asn', 'AS64500']);
    expect(shape('as64500')).toEqual(['asn', 'asn', 'AS64500']);
    expect(shape('64500')).toEqual(['asn', 'asn', 'AS64500']);
  });

  it('keeps canonical IPv6 and AS text as typed and formats the rest', () => {
    const canonical = classify('2001:db8::1:0:0:1');
    expect(canonical.normalized).toBe('2001:db8::1:0:0:1');
    expect(shape('2001:db8:0:0:1::1')).toEqual(['ipv6', 'ipv6', '2001:db8::1:0:0:1']);
    expect(shape('2001:db8:0::1')).toEqual(['ipv6', 'ipv6', '2001:db8::1']);
    expect(shape('::FFFF:192.0.2.1')).toEqual(['ipv6', 'ipv6', '::ffff:192.0.2.1']);
    expect(shape('::ffff:c000:201')).toEqual(['ipv6', 'ipv6', '::ffff:192.0.2.1']);
    expect(shape('http://[2001:db8::7]/')).toEqual(['url', 'ipv6', '2001:db8::7']);
    expect(shape(' AS64500 ')).toEqual(['asn', 'asn', 'AS64500']);
    expect(shape('As64500')).toEqual(['asn', 'asn', 'AS64500']);
  });

  it('accepts any URL scheme made of letters, digits, "+", "-" and "."', () => {
    expect(shape('svn+ssh://example.org/repo')).toEqual(['url', 'domain', 'example.org']);
    expect(shape('X-Custom.2://example.org')).toEqual(['url', 'domain', 'example.org']);
  });

  it('normalizes domains, including IDN', () => {
    expect(shape('WWW.Example.COM.')).toEqual(['domain', 'domain', 'www.example.com']);
    expect(shape('bücher.de')).toEqual(['domain', 'domain', 'xn--bcher-kva.de']);
  });

  it('extracts the host of URLs of any scheme', () => {
    expect(shape('https://www.example.com/login?next=/')).toEqual(['url', 'domain', 'www.example.com']);
    expect(shape('ftp://user:secret@files.example.org:21/pub')).toEqual(['url', 'domain', 'files.example.org']);
    expect(shape('http://192.0.2.7:8080/x')).toEqual(['url', 'ipv4', '192.0.2.7']);
    expect(shape('http://[2001:DB8::7]:8443/')).toEqual(['url', 'ipv6', '2001:db8::7']);
    expect(shape('ssh://git@example.net')).toEqual(['url', 'domain', 'example.net']);
    expect(shape('https://Bücher.DE/')).toEqual(['url', 'domain', 'xn--bcher-kva.de']);
    expect(shape('https://example.com#frag')).toEqual(['url', 'domain', 'example.com']);
  });

  it('treats scheme-less host/path and host:port as URLs', () => {
    expect(shape('www.example.com/index.html')).toEqual(['url', 'domain', 'www.example.com']);
    expect(shape('example.com:443')).toEqual(['url', 'domain', 'example.com']);
    expect(shape('192.0.2.1/index.html')).toEqual(['url', 'ipv4', '192.0.2.1']);
  });

  it('refangs defanged URLs, domains and addresses', () => {
    expect(shape('hxxp://evil[.]example[.]com/payload')).toEqual(['url', 'domain', 'evil.example.com']);
    expect(shape('hXXps[://]evil(.)example(.)com')).toEqual(['url', 'domain', 'evil.example.com']);
    expect(shape('hxxps[:]//198[.]51[.]100[.]9/')).toEqual(['url', 'ipv4', '198.51.100.9']);
    expect(shape('fxp://files{.}example{.}org')).toEqual(['url', 'domain', 'files.example.org']);
    expect(shape('example[dot]com')).toEqual(['domain', 'domain', 'example.com']);
    expect(shape('192.0.2[.]1')).toEqual(['ipv4', 'ipv4', '192.0.2.1']);
    expect(shape('phish[@]example[.]com')).toEqual(['email', 'email_domain', 'example.com']);
    expect(refang('hxxp://a[.]b')).toBe('http://a.b');
  });

  it('takes the domain part of e-mail addresses', () => {
    expect(shape('Alice@Mail.Example.COM')).toEqual(['email', 'email_domain', 'mail.example.com']);
    expect(shape('mailto:bob@example.org?subject=hi')).toEqual(['email', 'email_domain', 'example.org']);
    expect(shape('"odd@local"@example.org')).toEqual(['email', 'email_domain', 'example.org']);
    expect(shape('user@bücher.de')).toEqual(['email', 'email_domain', 'xn--bcher-kva.de']);
  });

  it('rejects invalid queries with lookup.invalid_query and a reason', () => {
    const cases: [string, RegExp][] = [
      ['', /empty/],
      ['   ', /empty/],
      ['01.2.3.4', /leading zeros/],
      ['256.1.1.1', /IPv4/],
      ['fe80::1%eth0', /zone/],
      ['2001:db8:::1', /IPv6/],
      ['198.18.0.1/24', /did you mean 198\.18\.0\.0\/24/],
      ['10.0.0.0/33', /CIDR/],
      ['AS4294967296', /AS numbers/],
      ['localhost', /two labels/],
      ['exa_mple.com', /"_"/],
      ['@example.com', /local part/],
      ['bob@localhost', /e-mail domain/],
      ['http://', /neither/],
      ['1http://example.com', /scheme/],
      ['ht\u000btp://example.com', /scheme/],
      ['h_ttp://example.com', /scheme/],
      ['http://example.com:80x/', /port/],
      ['http://[2001:db8::1/', /unterminated/],
      ['x'.repeat(3000), /longer than/],
    ];
    for (const [s, why] of cases) {
      const r = classifyQuery(s);
      expect(r.ok, s).toBe(false);
      if (r.ok) continue;
      expect(r.code).toBe('lookup.invalid_query');
      expect(r.message, s).toMatch(why);
    }
  });
});
