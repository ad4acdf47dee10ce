import { describe, expect, it } from 'vitest';
import { decide, type Agreement, type Candidate, type PolicyContext } from './policy.ts';
import { generalizeAddress, type ConstituencyView } from './sanitize.ts';
import { scoId, type StixObject, type Tlp } from './stix-facets.ts';

const NOW = new Date('2025-06-01T00:00:00Z');
const agreement = (over: Partial<Agreement> = {}): Agreement => ({
  id: 'a1',
  partnerId: 'p1',
  collectionId: 'c1',
  direction: 'outbound',
  status: 'active',
  tlpLevels: ['clear', 'green', 'amber'],
  rsitClasses: null,
  objectTypes: null,
  sectors: null,
  community: false,
  constituentIdentities: 'keep',
  constituentAddresses: 'keep',
  validFrom: new Date('2025-01-01T00:00:00Z'),
  validUntil: null,
  ...over,
});
// Constituent networks: 198.18.0.0/16 and 2001:db8:1::/48; the constituent organization "Acme Power".
const view: ConstituencyView = {
  isConstituentAddress: (v) => /^198\.18\./.test(v) || /^2001:db8:1:/i.test(v),
  isConstituentIdentity: (o) => String(o.name).toLowerCase() === 'acme power' || o.identity_class === 'individual',
};
const ctx = (over: Partial<PolicyContext> = {}): PolicyContext => ({ now: NOW, partnerActive: true, constituency: view, refFate: () => undefined, ...over });
const obj = (type: string, extra: Record<string, unknown> = {}): StixObject => ({ type, id: `${type}--6a3a6d69-6f3c-4e8a-9a53-0c7f1f3c2b11`, spec_version: '2.1', ...extra });
const cand = (o: StixObject, tlp: Tlp = 'green', source = 'local'): Candidate => ({ object: o, tlp, source });

describe('decide: hard rules no agreement overrides', () => {
  const everything = agreement({ tlpLevels: ['clear', 'green', 'amber', 'amber+strict', 'red'], community: true });
  it('never lets TLP:RED leave', () => {
    expect(decide(cand(obj('indicator'), 'red'), everything, ctx())).toEqual({ allowed: false, reason: 'hard.tlp_red' });
  });
  it('never lets TLP:AMBER+STRICT leave the organization', () => {
    expect(decide(cand(obj('indicator'), 'amber+strict'), everything, ctx())).toEqual({ allowed: false, reason: 'hard.tlp_amber_strict' });
  });
  it('never passes on AMBER shared in by a partner, even to a community partner', () => {
    expect(decide(cand(obj('indicator'), 'amber', 'partner:p9'), everything, ctx()).reason).toBe('hard.inbound_amber');
    expect(decide(cand(obj('indicator'), 'amber', 'local'), everything, ctx()).allowed).toBe(true);
  });
  it('passes on partner GREEN only within the community, partner CLEAR anywhere', () => {
    expect(decide(cand(obj('indicator'), 'green', 'partner:p9'), agreement(), ctx()).reason).toBe('hard.inbound_green_outside_community');
    expect(decide(cand(obj('indicator'), 'green', 'partner:p9'), agreement({ community: true }), ctx()).allowed).toBe(true);
    expect(decide(cand(obj('indicator'), 'clear', 'partner:p9'), agreement(), ctx()).allowed).toBe(true);
  });
});

describe('decide: agreement standing', () => {
  const c = cand(obj('indicator'));
  it.each([
    [agreement({ validFrom: new Date('2025-07-01T00:00:00Z') }), 'agreement.not_yet_valid'],
    [agreement({ validUntil: new Date('2025-05-01T00:00:00Z') }), 'agreement.expired'],
    [agreement({ validUntil: NOW }), 'agreement.expired'],
    [agreement({ status: 'terminated' }), 'agreement.terminated'],
    [agreement({ direction: 'inbound' }), 'agreement.inbound_only'],
  ])('shares nothing under an agreement that is not in force (%#)', (a, reason) => {
    expect(decide(c, a, ctx())).toEqual({ allowed: false, reason });
  });
  it('shares nothing with a suspended partner', () => {
    expect(decide(c, agreement(), ctx({ partnerActive: false })).reason).toBe('partner.suspended');
  });
  it('shares under a "both" agreement inside its validity period', () => {
    expect(decide(c, agreement({ direction: 'both', validUntil: new Date('2026-01-01T00:00:00Z') }), ctx()).allowed).toBe(true);
  });
});

describe('decide: agreement dimensions', () => {
  it('keeps to the TLP levels listed', () => {
    const greenOnly = agreement({ tlpLevels: ['clear', 'green'] });
    expect(decide(cand(obj('indicator'), 'amber'), greenOnly, ctx()).reason).toBe('agreement.tlp_not_allowed');
    expect(decide(cand(obj('indicator'), 'clear'), greenOnly, ctx()).allowed).toBe(true);
  });
  it('keeps to the object types listed, but always lets marking definitions through', () => {
    const a = agreement({ objectTypes: ['indicator'] });
    expect(decide(cand(obj('malware')), a, ctx()).reason).toBe('agreement.object_type_not_allowed');
    expect(decide(cand(obj('indicator')), a, ctx()).allowed).toBe(true);
    expect(decide(cand(obj('marking-definition'), 'clear'), a, ctx()).allowed).toBe(true);
  });
  it('keeps to RSIT classes (a taxonomy covers its types; unclassified objects stay home)', () => {
    const a = agreement({ rsitClasses: ['malicious-code', 'fraud/phishing'] });
    expect(decide(cand(obj('indicator', { labels: ['rsit:malicious-code="c2-server"'] })), a, ctx()).allowed).toBe(true);
    expect(decide(cand(obj('indicator', { labels: ['rsit:fraud="phishing"'] })), a, ctx()).allowed).toBe(true);
    expect(decide(cand(obj('indicator', { labels: ['rsit:fraud="masquerade"'] })), a, ctx()).reason).toBe('agreement.rsit_class_not_allowed');
    expect(decide(cand(obj('indicator', { labels: ['rsit:fraud'] })), a, ctx()).reason).toBe('agreement.rsit_class_not_allowed');
    expect(decide(cand(obj('indicator')), a, ctx()).reason).toBe('agreement.rsit_unclassified');
  });
  it('keeps to sectors (identity sectors, x_vigil_sectors, sector: labels)', () => {
    const a = agreement({ sectors: ['energy'] });
    expect(decide(cand(obj('identity', { name: 'X', sectors: ['energy'] })), a, ctx()).allowed).toBe(true);
    expect(decide(cand(obj('report', { x_vigil_sectors: ['energy'] })), a, ctx()).allowed).toBe(true);
    expect(decide(cand(obj('indicator', { labels: ['sector:health'] })), a, ctx()).reason).toBe('agreement.sector_not_allowed');
    expect(decide(cand(obj('indicator')), a, ctx()).reason).toBe('agreement.sector_unknown');
  });
});

describe('sanitizer', () => {
  const remove = agreement({ constituentIdentities: 'remove', constituentAddresses: 'remove' });
  const generalize = agreement({ constituentIdentities: 'remove', constituentAddresses: 'generalize' });
  it('drops constituent identities and individuals, keeps others', () => {
    expect(decide(cand(obj('identity', { name: 'ACME Power', identity_class: 'organization' })), remove, ctx()).reason).toBe('sanitize.constituent_identity');
    expect(decide(cand(obj('identity', { name: 'J. Doe', identity_class: 'individual' })), remove, ctx()).reason).toBe('sanitize.constituent_identity');
    expect(decide(cand(obj('identity', { name: 'Some Vendor', identity_class: 'organization' })), remove, ctx()).allowed).toBe(true);
    expect(decide(cand(obj('identity', { name: 'ACME Power' })), agreement(), ctx()).allowed).toBe(true);
  });
  it('removes constituent addresses and indicators naming them', () => {
    expect(decide(cand(obj('ipv4-addr', { value: '198.18.4.7' })), remove, ctx()).reason).toBe('sanitize.constituent_address');
    expect(decide(cand(obj('ipv4-addr', { value: '203.0.113.9' })), remove, ctx()).allowed).toBe(true);
    const ind = obj('indicator', { pattern: "[ipv4-addr:value = '198.18.4.7'] OR [domain-name:value = 'evil.example']", pattern_type: 'stix' });
    expect(decide(cand(ind), remove, ctx()).reason).toBe('sanitize.constituent_address');
  });
  it('generalizes constituent addresses to /24 and /48 with the deterministic id of the new value', () => {
    const d = decide(cand(obj('ipv4-addr', { id: scoId('ipv4-addr', { value: '198.18.4.7' }), value: '198.18.4.7' })), generalize, ctx());
    expect(d).toMatchObject({ allowed: true, reason: 'allowed.sanitized', transformed: { value: '198.18.4.0/24', id: scoId('ipv4-addr', { value: '198.18.4.0/24' }) } });
    const v6 = decide(cand(obj('ipv6-addr', { value: '2001:db8:1:5::9' })), generalize, ctx());
    expect(v6).toMatchObject({ allowed: true, transformed: { value: '2001:db8:1::/48' } });
    expect(generalizeAddress('198.18.0.0/16')).toBe('198.18.0.0/16');
    expect(generalizeAddress('not an ip')).toBeNull();
  });
  it('computes STIX deterministic ids like the specification example', () => {
    // The id the STIX 2.1 specification gives for this address (UUIDv5 in the SCO namespace).
    expect(scoId('ipv4-addr', { value: '198.51.100.3' })).toBe('ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4');
  });
  it('rewrites indicator patterns to the network', () => {
    const ind = obj('indicator', { pattern: "[ipv4-addr:value = '198.18.4.7' OR ipv4-addr:value = '203.0.113.1']", pattern_type: 'stix' });
    const d = decide(cand(ind), generalize, ctx());
    expect(d).toMatchObject({ allowed: true, transformed: { pattern: "[ipv4-addr:value ISSUBSET '198.18.4.0/24' OR ipv4-addr:value = '203.0.113.1']" } });
  });
  it('follows references: drops relationships to removed objects, rewrites generalized ones, strips created_by_ref', () => {
    const removed = 'identity--00000000-0000-4000-8000-000000000001';
    const general = 'ipv4-addr--00000000-0000-5000-8000-000000000002';
    const refFate = (id: string) => (id === removed ? null : id === general ? 'ipv4-addr--new' : undefined);
    const rel = obj('relationship', { relationship_type: 'targets', source_ref: 'malware--x', target_ref: removed });
    expect(decide(cand(rel), generalize, ctx({ refFate })).reason).toBe('sanitize.reference_removed');
    const sighting = obj('sighting', { sighting_of_ref: 'indicator--x', where_sighted_refs: [removed], observed_data_refs: ['observed-data--y'] });
    const s = decide(cand(sighting), generalize, ctx({ refFate }));
    expect(s.allowed && s.transformed && 'where_sighted_refs' in s.transformed).toBe(false);
    expect(s.allowed).toBe(true);
    const od = obj('observed-data', { object_refs: [general, 'domain-name--z'], created_by_ref: removed });
    const o = decide(cand(od), generalize, ctx({ refFate }));
    expect(o).toMatchObject({ allowed: true, transformed: { object_refs: ['ipv4-addr--new', 'domain-name--z'] } });
    expect(o.allowed && o.transformed && 'created_by_ref' in o.transformed).toBe(false);
    expect(decide(cand(obj('report', { object_refs: [removed] })), generalize, ctx({ refFate })).reason).toBe('sanitize.reference_removed');
  });
  it('changes nothing when the agreement keeps constituent data', () => {
    const d = decide(cand(obj('ipv4-addr', { value: '198.18.4.7' })), agreement(), ctx());
    expect(d).toEqual({ allowed: true, reason: 'allowed' });
  });
});
