import { describe, expect, it } from 'vitest';
import { Invalid } from './invalid.ts';
import { classify } from '../../../platform/rsit.ts';
import { createTimeParser, formatTime } from './timestamp.ts';
import { normalizeTlp, validatorFor } from './validate.ts';

function ok(type: Parameters<typeof validatorFor>[0], raw: unknown) {
  return validatorFor(type)(raw);
}
function code(type: Parameters<typeof validatorFor>[0], raw: unknown) {
  const v = validatorFor(type)(raw);
  return v instanceof Invalid ? v.code : 'valid';
}

describe('field validation', () => {
  it('ip: canonical IPv4/IPv6, IPv4-mapped to IPv4, garbage rejected', () => {
    expect(ok('ip', ' 192.0.2.1 ')).toBe('192.0.2.1');
    expect(ok('ip', '2001:DB8:0:0::1')).toBe('2001:db8::1');
    expect(ok('ip', '::ffff:1.2.3.4')).toBe('1.2.3.4');
    for (const bad of ['999.1.1.1', '1.2.3', '01.2.3.4', 'example.org', '', 7]) expect(code('ip', bad)).toBe('field.invalid_ip');
  });

  it('port, asn, accuracy', () => {
    expect(ok('port', '0')).toBe(0);
    expect(ok('port', 65535)).toBe(65535);
    expect(code('port', '65536')).toBe('field.invalid_port');
    expect(code('port', '-1')).toBe('field.invalid_port');
    expect(ok('asn', 'AS64500')).toBe(64500);
    expect(ok('asn', 4294967295)).toBe(4294967295);
    expect(code('asn', '0')).toBe('field.invalid_asn');
    expect(code('asn', '4294967296')).toBe('field.invalid_asn');
    expect(code('accuracy', 101)).toBe('field.invalid_accuracy');
  });

  it('fqdn: lower case, trailing dot removed, IDN to punycode; url; email', () => {
    expect(ok('fqdn', 'WWW.Example.ORG.')).toBe('www.example.org');
    expect(ok('fqdn', 'bücher.example')).toBe('xn--bcher-kva.example');
    expect(code('fqdn', 'not a domain')).toBe('field.invalid_fqdn');
    expect(ok('url', 'HTTP://Example.org/a b'.replace(' ', '%20'))).toBe('http://example.org/a%20b');
    expect(ok('url', 'example.org/login')).toBe('http://example.org/login');
    expect(code('url', 'http://')).toBe('field.invalid_url');
    expect(ok('email', 'Abuse@Example.ORG')).toBe('Abuse@example.org');
    expect(code('email', 'abuse.example.org')).toBe('field.invalid_email');
  });

  it('cc, hashes, network, tlp, taxonomy and type', () => {
    expect(ok('cc', 'de')).toBe('DE');
    expect(code('cc', 'XX')).toBe('field.invalid_cc');
    expect(code('cc', 'DEU')).toBe('field.invalid_cc');
    expect(ok('md5', 'D41D8CD98F00B204E9800998ECF8427E')).toBe('d41d8cd98f00b204e9800998ecf8427e');
    expect(code('sha256', 'd41d8cd98f00b204e9800998ecf8427e')).toBe('field.invalid_hash');
    expect(ok('network', '198.51.100.0/24')).toBe('198.51.100.0/24');
    expect(code('network', '198.51.100.1/24')).toBe('field.invalid_network');
    expect(normalizeTlp('TLP:WHITE')).toBe('CLEAR');
    expect(normalizeTlp('amber+strict')).toBe('AMBER+STRICT');
    expect(code('tlp', 'purple')).toBe('field.invalid_tlp');
    expect(ok('type', 'Unauthorized-Use-Of-Resources')).toBe('unauthorised-use-of-resources');
    expect(code('type', 'nonsense')).toBe('field.invalid_type');
  });

  it('classification: taxonomy from type, IntelMQ aliases, undetermined when missing', () => {
    expect(classify(undefined, 'c2-server')).toEqual({ taxonomy: 'malicious-code', type: 'c2-server' });
    expect(classify('other', 'dga-domain')).toEqual({ taxonomy: 'malicious-code', type: 'c2-server' });
    expect(classify(undefined, 'blacklist')).toEqual({ taxonomy: 'other', type: 'other' });
    expect(classify(undefined, 'proxy')).toEqual({ taxonomy: 'vulnerable', type: 'potentially-unwanted-accessible' });
    expect(classify(undefined, 'tor')).toEqual({ taxonomy: 'other', type: 'other' });
    expect(classify(undefined, undefined)).toEqual({ taxonomy: 'other', type: 'undetermined' });
    expect(classify('bogus', 'scanner')).toBeNull();
  });
});

describe('timestamps', () => {
  it('parses ISO 8601 with zones, fractions and a declared zone; refuses zone-less and invalid dates', () => {
    const iso = createTimeParser();
    expect(iso('2024-02-29T23:59:59.5Z')).toBe(Date.UTC(2024, 1, 29, 23, 59, 59, 500));
    expect(iso('2024-01-01T03:00:00+03:00')).toBe(Date.UTC(2024, 0, 1));
    expect(iso('2024-01-01 00:00:00 UTC')).toBe(Date.UTC(2024, 0, 1));
    expect((iso('2024-01-01 00:00:00') as Invalid).code).toBe('time.no_zone');
    expect((iso('2023-02-29T00:00:00Z') as Invalid).code).toBe('time.invalid');
    expect((iso('2024-01-01T25:00:00Z') as Invalid).code).toBe('time.invalid');
    expect((iso('2024-01-01T00:0') as Invalid).code).toBe('time.invalid');
    expect(createTimeParser({ zone: '-05:00' })('2024-01-01 00:00')).toBe(Date.UTC(2024, 0, 1, 5));
  });

  it('formats like IntelMQ, matching Date#toISOString', () => {
    for (let i = 0; i < 2000; i++) {
      const ms = Math.floor(Math.random() * 4_000_000_000_000);
      const iso = new Date(ms).toISOString();
      expect(formatTime(ms)).toBe(ms % 1000 === 0 ? `${iso.slice(0, 19)}+00:00` : `${iso.slice(0, 23)}+00:00`);
    }
  });
});
