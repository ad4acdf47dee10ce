import { describe, expect, it } from 'vitest';
import { validateObject } from '../stix.validate.ts';
import { TLP2_MARKING_IDS } from '../tlp.ts';
import { mispEventToStix, tlpOfTags } from './misp.map.ts';
import { mispEvent } from './misp.testing.ts';
import { codeOf } from '../../../test-support/errors.ts';

describe('MISP event -> STIX 2.1', () => {
  it('maps attributes to indicators, observables and a vulnerability under a report, all schema-valid', () => {
    const ev = mispEvent({ tlp: 'green' });
    const { objects, skipped, eventUuid } = mispEventToStix(ev);
    const byType = (t: string) => objects.filter((o) => o.type === t);
    expect(byType('indicator').map((o) => o.pattern)).toEqual([
      `[domain-name:value = '${ev.Event.Attribute[0]!.value as string}']`,
      "[ipv4-addr:value = '198.51.100.23']",
      `[file:hashes.'SHA-256' = '${'a'.repeat(64)}']`,
    ]);
    expect(byType('url')).toHaveLength(1);
    expect(byType('vulnerability')[0]).toMatchObject({ name: 'CVE-2024-3400' });
    expect(skipped).toEqual([expect.objectContaining({ type: 'comment' })]);
    const report = byType('report')[0]!;
    expect(report).toMatchObject({ id: `report--${eventUuid}`, modified: '2025-01-01T12:00:00.000Z', name: 'Phishing wave against energy utilities', labels: ['rsit:fraud="phishing"'], object_marking_refs: [TLP2_MARKING_IDS.green], created_by_ref: 'identity--11111111-2222-4333-8444-555555555555' });
    expect(report.object_refs).toHaveLength(5);
    for (const o of objects) expect(validateObject(o), JSON.stringify(o)).toMatchObject({ ok: true });
  });

  it('takes tlp:* tags as TLP 2.0 (white = clear, the strictest wins; an attribute can only be stricter)', () => {
    expect(tlpOfTags(['tlp:white'])).toBe('clear');
    expect(tlpOfTags(['tlp:green', 'tlp:amber+strict'])).toBe('amber+strict');
    expect(tlpOfTags(['PAP:GREEN'])).toBeUndefined();
    const { objects } = mispEventToStix(mispEvent({ tlp: 'green' }));
    const ip = objects.find((o) => o.pattern === "[ipv4-addr:value = '198.51.100.23']")!;
    expect(ip.object_marking_refs).toEqual([TLP2_MARKING_IDS.amber]);
    const { objects: unmarked } = mispEventToStix(mispEvent());
    expect(unmarked.find((o) => o.type === 'report')!.object_marking_refs).toBeUndefined();
  });

  it('escapes quotes in pattern values', () => {
    const { objects } = mispEventToStix(mispEvent({ attributes: [{ type: 'url', value: "http://x.example/it's", to_ids: true }] }));
    expect(objects.find((o) => o.type === 'indicator')!.pattern).toBe("[url:value = 'http://x.example/it\\'s']");
  });

  it('refuses what is not a MISP event, a bad uuid or timestamp, and an event with nothing to map', () => {
    expect(codeOf(() => mispEventToStix({ event: {} }))).toBe('misp.not_an_event');
    expect(codeOf(() => mispEventToStix({ Event: { ...mispEvent().Event, uuid: 'nope' } }))).toBe('misp.invalid_event');
    expect(codeOf(() => mispEventToStix({ Event: { ...mispEvent().Event, timestamp: 'yesterday' } }))).toBe('misp.invalid_event');
    expect(codeOf(() => mispEventToStix(mispEvent({ attributes: [{ type: 'comment', value: 'x' }] })))).toBe('misp.empty_event');
  });
});
