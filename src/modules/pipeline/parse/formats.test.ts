import { describe, expect, it } from 'vitest';
import { parseAll } from './test-helpers.ts';

// An event as IntelMQ's file output writes it (flat dotted keys, one JSON object per line).
const INTELMQ_LINE = JSON.stringify({
  'feed.accuracy': 100.0,
  'feed.name': 'Sinkhole',
  'time.observation': '2024-05-01T10:00:00+00:00',
  'time.source': '2024-05-01T09:00:00+00:00',
  'classification.taxonomy': 'malicious-code',
  'classification.type': 'infected-system',
  'classification.identifier': 'conficker',
  'malware.name': 'conficker',
  'source.ip': '198.18.5.5',
  'source.port': 1025,
  'source.asn': 64500,
  'source.geolocation.cc': 'DE',
  'destination.ip': '203.0.113.9',
  'destination.port': 80,
  'protocol.transport': 'tcp',
  'extra.first_seen': '2024-04-01',
  'extra.details': { bot_id: 7 },
  tlp: 'GREEN',
  raw: Buffer.from('original line').toString('base64'),
});

describe('IntelMQ JSON', () => {
  it('reads an IntelMQ event into the same field names and values (observation and feed are Vigil\'s)', () => {
    const r = parseAll({ format: 'intelmq' }, `${INTELMQ_LINE}\n`);
    expect(r.errors).toEqual([]);
    const original = JSON.parse(INTELMQ_LINE) as Record<string, unknown>;
    const event = r.events[0]!.event;
    for (const [k, v] of Object.entries(original)) if (!k.startsWith('feed.') && k !== 'time.observation') expect(event[k], k).toEqual(v);
    expect(event['time.observation']).toBe('2024-06-01T00:00:00+00:00');
    expect(event['feed.name']).toBe('test-feed');
  });

  it('reads nested (hierarchical) output and an extra given as a JSON string', () => {
    const nested = JSON.stringify({ source: { ip: '198.18.5.5', geolocation: { cc: 'de' } }, classification: { type: 'scanner' }, extra: '{"a": 1}' });
    const r = parseAll({ format: 'intelmq' }, nested);
    expect(r.events[0]?.event).toMatchObject({ 'source.ip': '198.18.5.5', 'source.geolocation.cc': 'DE', 'classification.taxonomy': 'information-gathering', 'extra.a': 1 });
  });

  it('reads back what it produced (Vigil events are IntelMQ events)', () => {
    const first = parseAll({ format: 'intelmq' }, INTELMQ_LINE).events[0]!.event;
    const again = parseAll({ format: 'intelmq' }, JSON.stringify(first)).events[0]!.event;
    expect(again).toEqual(first);
  });

  it('gives a cut JSON line and bad fields clean line errors', () => {
    const r = parseAll({ format: 'intelmq' }, `{"source.ip": "999.1.1.1"}\n[1]\n${INTELMQ_LINE.slice(0, 40)}`);
    expect(r.errors.map((e) => [e.line, e.code, e.field])).toEqual([
      [1, 'field.invalid_ip', 'source.ip'],
      [2, 'json.not_object', undefined],
      [3, 'json.invalid', undefined],
    ]);
  });
});

describe('JSON Lines', () => {
  it('maps nested paths and takes IntelMQ names as they are; other keys go to extra', () => {
    const cfg = { format: 'jsonl' as const, mapping: { 'src.addr': 'source.ip', 'meta.ts': 'time.source' }, constants: { 'classification.type': 'brute-force' } };
    const r = parseAll(cfg, '{"src":{"addr":"198.18.0.9"},"meta":{"ts":"2024-05-01T00:00:00Z"},"source.port":22,"attempts":40}\n');
    expect(r.errors).toEqual([]);
    expect(r.events[0]?.event).toMatchObject({ 'source.ip': '198.18.0.9', 'source.port': 22, 'extra.attempts': 40, 'classification.taxonomy': 'intrusion-attempts', 'time.source': '2024-05-01T00:00:00+00:00' });
  });
});

describe('plain lists', () => {
  it('reads IPs, networks, domains and defanged URLs, skipping comments', () => {
    const input = ['# a comment', '198.51.100.7 ; scanner', '203.0.113.0/24', 'Evil.Example', 'hxxps://bad[.]example/x#frag', '2001:db8::1 # v6', 'not a thing!', ''].join('\n');
    const r = parseAll({ format: 'list' }, input);
    expect(r.events.map((e) => [e.line, e.event['source.ip'] ?? e.event['source.network'] ?? e.event['source.url'] ?? e.event['source.fqdn']])).toEqual([
      [2, '198.51.100.7'],
      [3, '203.0.113.0/24'],
      [4, 'evil.example'],
      [5, 'https://bad.example/x#frag'],
      [6, '2001:db8::1'],
    ]);
    expect(r.events[0]?.event).toMatchObject({ 'event_description.text': 'scanner', 'classification.taxonomy': 'other', 'classification.type': 'other' });
    expect(r.events[3]?.event['source.fqdn']).toBe('bad.example');
    expect(r.errors.map((e) => [e.line, e.code])).toEqual([[7, 'list.unrecognized']]);
  });

  it('holds a list to one kind when told', () => {
    const r = parseAll({ format: 'list', kind: 'ip', constants: { 'classification.type': 'scanner' } }, '198.51.100.7\nexample.org\n');
    expect(r.events).toHaveLength(1);
    expect(r.errors.map((e) => [e.line, e.code, e.field])).toEqual([[2, 'field.invalid_ip', 'source.ip']]);
  });
});

const TLP_AMBER = 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421';
const indicator = (id: string, pattern: string, extra: object = {}) => ({
  type: 'indicator',
  spec_version: '2.1',
  id: `indicator--${id}`,
  created: '2024-05-01T00:00:00.000Z',
  modified: '2024-05-01T00:00:00.000Z',
  valid_from: '2024-05-01T00:00:00Z',
  pattern_type: 'stix',
  pattern,
  ...extra,
});

describe('STIX 2.1 bundles', () => {
  it('turns simple and OR-ed patterns and SCOs into events; reports unsupported patterns per object', () => {
    const bundle = {
      type: 'bundle',
      id: 'bundle--1',
      objects: [
        indicator('1', "[ipv4-addr:value = '198.51.100.1']", { indicator_types: ['compromised'], object_marking_refs: [TLP_AMBER], name: 'bad host' }),
        indicator('2', "[domain-name:value = 'evil.example'] OR [url:value = 'http://evil.example/a']"),
        indicator('3', "[file:hashes.'SHA-256' = '" + 'a'.repeat(64) + "' OR file:hashes.MD5 = '" + 'b'.repeat(32) + "']"),
        indicator('4', "[ipv4-addr:value = '198.51.100.2' AND ipv4-addr:value = '198.51.100.3']"),
        indicator('5', "[process:name = 'x']"),
        { type: 'ipv6-addr', id: 'ipv6-addr--1', value: '2001:DB8::5' },
        { type: 'malware', id: 'malware--1', name: 'ignored', is_family: true },
      ],
    };
    const r = parseAll({ format: 'stix' }, JSON.stringify(bundle));
    expect(r.events.map((e) => [e.line, Object.entries(e.event).find(([k]) => /^(source\.(ip|fqdn|url)|malware\.hash)/.test(k))])).toEqual([
      [1, ['source.ip', '198.51.100.1']],
      [2, ['source.fqdn', 'evil.example']],
      [2, ['source.url', 'http://evil.example/a']],
      [3, ['malware.hash.sha256', 'a'.repeat(64)]],
      [3, ['malware.hash.md5', 'b'.repeat(32)]],
      [6, ['source.ip', '2001:db8::5']],
    ]);
    expect(r.events[0]?.event).toMatchObject({ tlp: 'AMBER', 'classification.type': 'system-compromise', 'event_description.text': 'bad host', 'extra.stix_id': 'indicator--1', 'time.source': '2024-05-01T00:00:00+00:00' });
    expect(r.errors.map((e) => [e.line, e.code, e.field])).toEqual([
      [4, 'stix.unsupported_pattern', 'pattern'],
      [5, 'stix.unsupported_pattern', 'pattern'],
    ]);
  });

  it('answers a truncated bundle with one json.invalid error, and a non-bundle with stix.not_bundle', () => {
    expect(parseAll({ format: 'stix' }, '{"type": "bundle",\n "objects": [').errors.map((e) => e.code)).toEqual(['json.invalid']);
    expect(parseAll({ format: 'stix' }, '{"type": "indicator"}').errors.map((e) => e.code)).toEqual(['stix.not_bundle']);
  });
});

describe('MISP events', () => {
  const event = {
    Event: {
      info: 'Phishing wave',
      threat_level_id: '1',
      uuid: '5f0c3a4e-1111-4222-8333-444455556666',
      timestamp: '1714521600',
      Tag: [{ name: 'tlp:white' }, { name: 'rsit:fraud="phishing"' }],
      Attribute: [
        { type: 'ip-src', value: '198.51.100.4', to_ids: true, timestamp: '1714525200', uuid: 'aaaaaaaa-1111-4222-8333-444455556666' },
        { type: 'url', value: 'http://phish.example/login', to_ids: true, Tag: [{ name: 'tlp:red' }] },
        { type: 'comment', value: 'not an indicator' },
        { type: 'ip-dst', value: '999.1.1.1', to_ids: false },
      ],
      Object: [{ name: 'file', Attribute: [{ type: 'sha256', value: 'C'.repeat(64), to_ids: true }, { type: 'domain|ip', value: 'mail.example|198.51.100.5' }] }],
    },
  };

  it('turns attributes into events with tags as TLP/classification and info/threat level as description', () => {
    const r = parseAll({ format: 'misp' }, JSON.stringify(event));
    expect(r.events.map((e) => e.line)).toEqual([1, 2, 5, 6]);
    expect(r.events[0]?.event).toMatchObject({
      'source.ip': '198.51.100.4',
      tlp: 'CLEAR',
      'classification.taxonomy': 'fraud',
      'classification.type': 'phishing',
      'event_description.text': 'Phishing wave',
      'extra.misp_threat_level': 'high',
      'misp.event_uuid': '5f0c3a4e-1111-4222-8333-444455556666',
      'time.source': '2024-05-01T01:00:00+00:00',
    });
    expect(r.events[1]?.event.tlp).toBe('RED');
    expect(r.events[2]?.event['malware.hash.sha256']).toBe('c'.repeat(64));
    expect(r.events[3]?.event).toMatchObject({ 'source.fqdn': 'mail.example', 'source.ip': '198.51.100.5' });
    expect(r.errors.map((e) => [e.line, e.code, e.field])).toEqual([[4, 'field.invalid_ip', 'destination.ip']]);
    expect(parseAll({ format: 'misp', onlyToIds: true }, JSON.stringify(event)).events).toHaveLength(3);
  });
});
