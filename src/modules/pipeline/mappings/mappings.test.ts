import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { validateParserConfig } from '../parse/config.schema.ts';
import { parseAll } from '../parse/test-helpers.ts';
import { shippedMapping, shippedMappings } from './index.ts';

function sample(name: string): Buffer {
  return readFileSync(new URL(`./samples/${name}.csv`, import.meta.url));
}

describe('shipped CSV mappings', () => {
  it('are valid parser configurations', () => {
    expect(shippedMappings().map((m) => m.name)).toEqual(['shadowserver-scan', 'shadowserver-sinkhole', 'open-resolver', 'blocklist']);
    for (const m of shippedMappings()) expect(validateParserConfig(m.parser), m.name).toMatchObject({ ok: true });
  });

  it('scan report: vulnerable/* by tag, bad IP rejected, bad reverse DNS kept aside', () => {
    const r = parseAll(shippedMapping('shadowserver-scan')!.parser, sample('shadowserver-scan'));
    expect(r.events.map((e) => [e.event['source.ip'], e.event['classification.taxonomy'], e.event['classification.type']])).toEqual([
      ['198.18.0.10', 'vulnerable', 'vulnerable-system'],
      ['198.18.0.11', 'vulnerable', 'potentially-unwanted-accessible'],
      ['2001:db8::11', 'vulnerable', 'weak-crypto'],
    ]);
    expect(r.events[0]?.event).toMatchObject({ 'source.port': 22, 'source.asn': 64500, 'source.geolocation.cc': 'DE', 'source.reverse_dns': 'host10.example', 'extra.ssh_version': 'OpenSSH_7.4' });
    expect(r.events[2]?.event['extra.invalid.source.reverse_dns']).toBe('bad_host.example');
    expect(r.errors.map((e) => [e.line, e.code, e.field])).toEqual([[5, 'field.invalid_ip', 'source.ip']]);
  });

  it('sinkhole report: malicious-code/infected-system with malware and C2 as destination', () => {
    const r = parseAll(shippedMapping('shadowserver-sinkhole')!.parser, sample('shadowserver-sinkhole'));
    expect(r.errors).toEqual([]);
    expect(r.events[0]?.event).toMatchObject({ 'classification.taxonomy': 'malicious-code', 'classification.type': 'infected-system', 'malware.name': 'andromeda', 'destination.ip': '203.0.113.7', 'destination.port': 80 });
    expect(r.events[1]?.event['source.ip']).toBe('198.18.1.6');
  });

  it('open resolver report: vulnerable/ddos-amplifier, application dns', () => {
    const r = parseAll(shippedMapping('open-resolver')!.parser, sample('open-resolver'));
    expect(r.errors).toEqual([]);
    expect(r.events.map((e) => [e.event['classification.type'], e.event['protocol.application'], e.event['source.port']])).toEqual([
      ['ddos-amplifier', 'dns', 53],
      ['ddos-amplifier', 'dns', 53],
    ]);
  });

  it('blocklist: an IP or a domain with a reason; a row with neither is an error', () => {
    const r = parseAll(shippedMapping('blocklist')!.parser, sample('blocklist'));
    expect(r.events.map((e) => [e.event['source.ip'] ?? e.event['source.fqdn'], e.event['event_description.text'], e.event['classification.taxonomy']])).toEqual([
      ['198.51.100.23', 'brute force against SSH', 'other'],
      ['malware.example', 'phishing kit, hosted "login" page', 'other'],
    ]);
    expect(r.errors.map((e) => [e.line, e.code])).toEqual([[4, 'event.missing_field']]);
  });
});

describe('parser configuration errors', () => {
  it('name the path at fault', () => {
    const r = validateParserConfig({
      format: 'csv',
      delimiter: ';;',
      mapping: { ip: 'source.ipaddress', tag: { field: 'classification.type', map: { x: 'nonsense' } } },
      constants: { 'source.port': 'eighty' },
      time: { format: 'whenever', zone: 'Mars/Olympus' },
    });
    expect(r.ok).toBe(false);
    const paths = r.ok ? [] : r.issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['delimiter', 'mapping.ip', 'mapping.tag.map.x', 'constants.source.port', 'time.format', 'time.zone']));
    expect(validateParserConfig({ format: 'xml' })).toMatchObject({ ok: false, issues: [{ path: 'format' }] });
    expect(validateParserConfig({ format: 'csv', header: false, mapping: {} })).toMatchObject({ ok: false, issues: [{ path: 'columns' }] });
  });
});
