import { describe, expect, it } from 'vitest';
import type { HarmonizedEvent } from '../pipeline.types.ts';
import { createEnricher, hostOfUrl } from './enrich.ts';
import { smallConstituency } from './experts.test-support.ts';

const { index, orgs } = smallConstituency();
const enricher = createEnricher(index, orgs);
const owner = (e: HarmonizedEvent) => enricher.enrich(e)?.id ?? null;

describe('hostOfUrl', () => {
  it('extracts the host of URLs with userinfo, ports, IPv6 literals and no scheme', () => {
    expect(hostOfUrl('https://user:pw@Www.Grid.example:8443/a?b#c')).toBe('Www.Grid.example');
    expect(hostOfUrl('http://[2001:db8:100::1]:80/x')).toBe('2001:db8:100::1');
    expect(hostOfUrl('grid.example/login')).toBe('grid.example');
    expect(hostOfUrl('http:///nothing')).toBeNull();
  });
});

describe('createEnricher', () => {
  it('finds the owner by the longest prefix of source.ip (IPv4, IPv6, IPv4-mapped)', () => {
    expect(owner({ 'source.ip': '198.18.1.7' })).toBe('shop');
    expect(owner({ 'source.ip': '198.18.3.7' })).toBe('grid');
    expect(owner({ 'source.ip': '2001:db8:100::9' })).toBe('grid');
    expect(owner({ 'source.ip': '::ffff:198.18.1.7' })).toBe('shop');
    expect(owner({ 'source.ip': '203.0.113.1' })).toBeNull();
  });

  it('falls back to source.fqdn, then the host of source.url, then source.asn', () => {
    expect(owner({ 'source.ip': '203.0.113.1', 'source.fqdn': 'mail.Grid.example.' })).toBe('grid');
    expect(owner({ 'source.url': 'https://www.shop.example/x' })).toBe('shop');
    expect(owner({ 'source.url': 'http://198.18.3.1:8080/' })).toBe('grid');
    expect(owner({ 'source.asn': 64500 })).toBe('shop');
    expect(owner({ 'source.asn': '64500' })).toBe('shop');
    expect(owner({ 'source.fqdn': 'other.example', 'source.asn': 64501 })).toBeNull();
  });

  it('skips a match whose organization is unknown (index newer than the organizations) and keeps looking', () => {
    // 198.18.2.0/24 belongs to an organization absent from the map: not attributed to it.
    expect(owner({ 'source.ip': '198.18.2.1' })).toBeNull();
    expect(owner({ 'source.ip': '198.18.2.1', 'source.fqdn': 'grid.example' })).toBe('grid');
  });

  it('adds the abuse contact only when empty, and no per-event copy of the organization', () => {
    const e: HarmonizedEvent = { 'source.ip': '198.18.0.1' };
    expect(enricher.enrich(e)?.name).toBe('Northwind Grid');
    expect(e['extra.constituency']).toBeUndefined();
    expect(e['source.abuse_contact']).toBe('soc@grid.example,ciso@grid.example');
    const f: HarmonizedEvent = { 'source.ip': '198.18.0.1', 'source.abuse_contact': 'abuse@isp.example' };
    enricher.enrich(f);
    expect(f['source.abuse_contact']).toBe('abuse@isp.example');
    const g: HarmonizedEvent = { 'source.ip': '198.18.1.1' };
    enricher.enrich(g);
    expect(g['source.abuse_contact']).toBeUndefined();
  });
});
