import { describe, expect, it } from 'vitest';
import { extractPattern } from './stix.patterns.ts';
import { applyMarkings, classifyMarking } from './stix.markings.ts';
import { tlpOf } from './stix.tlp-of.ts';
import { TLP2_MARKING_IDS } from './tlp.ts';
import { indicator } from './intel.testing.ts';
import type { StixObject } from './stix.validate.ts';

const obs = (p: string) => {
  const r = extractPattern(p);
  return r.supported ? r.observables.map((o) => `${o.kind} ${o.value}${o.net && o.net !== o.value ? ` ${o.net}` : ''}`) : `unsupported`;
};

describe('observables from simple STIX patterns', () => {
  it('extracts each supported comparison, normalized', () => {
    expect(obs("[ipv4-addr:value = '198.51.100.1']")).toEqual(['ipv4 198.51.100.1 198.51.100.1/32']);
    expect(obs("[ipv4-addr:value = '10.0.0.0/8']")).toEqual(['ipv4 10.0.0.0/8']);
    expect(obs("[ipv4-addr:value ISSUBSET '10.0.0.0/8']")).toEqual(['ipv4 10.0.0.0/8']);
    expect(obs("[ipv6-addr:value = '2001:DB8::1']")).toEqual(['ipv6 2001:db8::1 2001:db8::1/128']);
    expect(obs("[domain-name:value = 'Evil.Example.']")).toEqual(['domain evil.example']);
    expect(obs("[url:value = 'http://evil.example/a?b=1']")).toEqual(['url http://evil.example/a?b=1']);
    expect(obs("[email-addr:value = 'Bad@Evil.Example']")).toEqual(['email bad@evil.example']);
    expect(obs("[file:hashes.'SHA-256' = 'E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855']")).toEqual(['sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855']);
    expect(obs("[file:hashes.MD5 = 'd41d8cd98f00b204e9800998ecf8427e']")).toEqual(['md5 d41d8cd98f00b204e9800998ecf8427e']);
  });

  it('takes OR combinations inside and between observation expressions', () => {
    expect(obs("[domain-name:value = 'a.example' OR domain-name:value = 'b.example'] OR ([ipv4-addr:value='192.0.2.1'])")).toEqual(['domain a.example', 'domain b.example', 'ipv4 192.0.2.1 192.0.2.1/32']);
    expect(obs("[url:value = 'http://x.example/it''s']")).toBe('unsupported');
    expect(obs("[url:value = 'http://x.example/]AND[(x)=\\'y']")).toEqual(["url http://x.example/]AND[(x)='y"]);
  });

  it('keeps AND, FOLLOWEDBY, qualifiers and other operators unsupported', () => {
    for (const p of [
      "[ipv4-addr:value = '192.0.2.1' AND domain-name:value = 'a.example']",
      "[ipv4-addr:value = '192.0.2.1'] FOLLOWEDBY [domain-name:value = 'a.example']",
      "[ipv4-addr:value = '192.0.2.1'] WITHIN 10 SECONDS",
      "[domain-name:value LIKE '%.example']",
      "[ipv4-addr:value != '192.0.2.1']",
      "[network-traffic:dst_port = 443]",
      "[ipv4-addr:value = 'not an ip']",
      'garbage',
    ]) expect(obs(p), p).toBe('unsupported');
  });
});

describe('TLP 2.0 and PAP markings', () => {
  const mk = (refs: string[], over: Record<string, unknown> = {}) => ({ ...indicator('x'), object_marking_refs: refs, ...over }) as unknown as StixObject;

  it('normalizes TLP 1.0 ids and the AMBER+STRICT variant to the OASIS TLP 2.0 ids', () => {
    const cases: [string, string][] = [
      ['marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9', 'clear'],
      ['marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da', 'green'],
      ['marking-definition--f88d31f6-486f-44da-b317-01333bde0b82', 'amber'],
      ['marking-definition--826578e1-40ad-459f-bc73-ede076f81f37', 'amber+strict'],
      ['marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed', 'red'],
    ];
    for (const [id, tlp] of cases) {
      const m = applyMarkings(mk([id]), new Map(), 'amber');
      expect(m.tlp).toBe(tlp);
      expect(m.object.object_marking_refs).toEqual([TLP2_MARKING_IDS[tlp as 'red']]);
    }
  });

  it('takes the most restrictive marking and gives unmarked objects the default', () => {
    expect(applyMarkings(mk([TLP2_MARKING_IDS.green, TLP2_MARKING_IDS.red]), new Map(), 'amber').tlp).toBe('red');
    expect(applyMarkings(mk([]), new Map(), 'amber')).toMatchObject({ tlp: 'amber', object: { object_marking_refs: [TLP2_MARKING_IDS.amber] } });
    expect(applyMarkings(mk([]), new Map(), 'green').tlp).toBe('green');
    expect(tlpOf(mk([TLP2_MARKING_IDS.clear, TLP2_MARKING_IDS.amber]))).toBe('amber');
  });

  it('treats forged TLP markings as RED and unknown markings as at least the default', () => {
    const forgedId = 'marking-definition--' + crypto.randomUUID();
    const forged = classifyMarking({ type: 'marking-definition', id: forgedId, name: 'TLP:CLEAR', definition_type: 'tlp', definition: { tlp: 'clear' } });
    expect(forged).toEqual({ forged: true });
    const redAsClear = classifyMarking({ type: 'marking-definition', id: TLP2_MARKING_IDS.red, name: 'TLP:CLEAR', extensions: { 'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d': { extension_type: 'property-extension', tlp_2_0: 'clear' } } });
    expect(redAsClear).toEqual({ forged: true });
    expect(applyMarkings(mk([TLP2_MARKING_IDS.clear, forgedId]), new Map([[forgedId, forged]]), 'amber').tlp).toBe('red');
    const unknown = 'marking-definition--' + crypto.randomUUID();
    expect(applyMarkings(mk([TLP2_MARKING_IDS.clear, unknown]), new Map(), 'amber')).toMatchObject({ tlp: 'amber', unknownMarkings: [unknown] });
  });

  it('reads PAP from a marking, an x_..._pap property or a PAP: label', () => {
    const papId = 'marking-definition--' + crypto.randomUUID();
    const info = classifyMarking({ type: 'marking-definition', id: papId, name: 'PAP:RED', definition_type: 'statement', definition: { statement: 'PAP:RED' } });
    expect(info).toEqual({ pap: 'red' });
    expect(applyMarkings(mk([papId]), new Map([[papId, info]]), 'amber').pap).toBe('red');
    expect(applyMarkings(mk([], { x_misp_pap: 'PAP:GREEN' }), new Map(), 'amber').pap).toBe('green');
    expect(applyMarkings(mk([], { labels: ['PAP:AMBER', 'phishing'] }), new Map(), 'amber').pap).toBe('amber');
    expect(applyMarkings(mk([]), new Map(), 'amber').pap).toBeNull();
  });
});
