import { describe, expect, it } from 'vitest';
import type { ParsedChunk } from '../pipeline.types.ts';
import { PrefixLpmBuilder } from '../asn/prefix-lpm.ts';
import type { AsnInfo } from '../asn/asn-expert.ts';
import { MemoryDeduplicator } from './dedup.ts';
import { createEnricher } from './enrich.ts';
import { smallConstituency } from './experts.test-support.ts';
import { DEFAULT_INCIDENT_RULES, renderTitle } from './incident-rules.ts';
import { compileFeedExperts, keepNew, processBatch, type ExpertsContext } from './process-batch.ts';
import { DedupConfig } from './rules.schemas.ts';
import { parseFeedRules } from './rules.schemas.ts';

const { index, orgs } = smallConstituency();
const asnTable = (() => {
  const b = new PrefixLpmBuilder<AsnInfo>();
  b.add(4, [0xc6120000], 15, { asn: 64496, cc: 'XX', asName: 'DEMO-NET' });
  return b.build();
})();

function context(rules: unknown = {}): ExpertsContext {
  const feed = parseFeedRules(rules);
  return { ...compileFeedExperts(feed, DedupConfig.parse({}), 'feed-1'), enricher: createEnricher(index, orgs), asn: asnTable, orgs };
}

const chunk = (): ParsedChunk => ({
  errors: [],
  events: [
    { line: 1, event: { 'feed.name': 'Scan', 'classification.type': 'infected-system', 'source.ip': '198.18.0.5', 'source.port': 23 } },
    { line: 2, event: { 'feed.name': 'Scan', 'classification.type': 'infected-system', 'source.ip': '10.0.0.1' } },
    { line: 3, event: { 'feed.name': 'Scan', 'classification.type': 'infected-system', 'source.ip': '198.18.1.5', 'source.asn': 65000 } },
    { line: 4, event: { 'feed.name': 'Scan', 'classification.type': 'scanner', 'source.ip': '198.18.0.6' } },
    { line: 5, event: { 'feed.name': 'Scan', 'classification.type': 'infected-system', 'source.ip': '198.18.0.5', 'source.port': 23 } },
    { line: 6, event: { 'feed.name': 'Scan', 'classification.type': 'c2-server', 'source.ip': '198.18.0.9' } },
  ],
});

describe('processBatch', () => {
  it('drops by rule, sets ASN fields when missing, attributes owners and computes dedup keys', () => {
    const r = processBatch(chunk(), context());
    expect(r.dropped).toBe(1);
    expect(r.events.map((e) => [e.line, e.organizationId])).toEqual([[1, 'grid'], [3, 'shop'], [4, 'grid'], [5, 'grid'], [6, 'grid']]);
    expect(r.events[0]!.event).toMatchObject({ 'source.asn': 64496, 'source.as_name': 'DEMO-NET', 'source.geolocation.cc': 'XX' });
    expect(r.events[1]!.event['source.asn']).toBe(65000); // the feed's own value wins
    expect(r.events[1]!.event['source.geolocation.cc']).toBe('XX');
    expect(r.events[0]!.dedupKey).toBe(r.events[3]!.dedupKey);
    expect(new Set(r.events.map((e) => e.dedupKey)).size).toBe(4);
  });

  it('produces one intent per rule and organization, and keepNew drops duplicates from events and intents', async () => {
    const ctx = context({ incidents: DEFAULT_INCIDENT_RULES });
    const r = processBatch(chunk(), ctx);
    expect(r.intents).toHaveLength(1); // the shop is not CII; the scanner event does not match
    expect(r.intents[0]).toMatchObject({ ruleId: 'default.cii-compromised-host', organizationId: 'grid', severity: 'high', taxonomy: 'intrusions', type: 'system-compromise' });
    expect(r.intents[0]!.events.map((e) => e.line)).toEqual([1, 5, 6]);
    expect(r.intents[0]!.title).toBe('Northwind Grid: 3 compromised host(s) reported by Scan (infected-system)');
    const isNew = await new MemoryDeduplicator().check(r.events.map((e) => e.dedupKey), new Date());
    const kept = keepNew(r, isNew, ctx);
    expect(kept.duplicates).toBe(1);
    expect(kept.events.map((e) => e.line)).toEqual([1, 3, 4, 6]);
    expect(kept.intents[0]!.events.map((e) => e.line)).toEqual([1, 6]);
    expect(kept.intents[0]!.title).toContain(': 2 compromised');
  });

  it('runs organization rules after enrichment (e.g. TLP:RED for CII owners)', () => {
    const r = processBatch(chunk(), context({ rules: [{ id: 'cii-red', when: { op: 'eq', field: 'organization.isCii', value: true }, then: [{ action: 'tlp', value: 'red' }] }] }));
    expect(r.events.filter((e) => e.event.tlp === 'RED').map((e) => e.line)).toEqual([1, 4, 5, 6]);
  });

  it('works without constituency or prefix table', () => {
    const r = processBatch(chunk(), { ...context(), enricher: null, asn: null });
    expect(r.events.every((e) => e.organizationId === null && e.event['source.geolocation.cc'] === undefined)).toBe(true);
  });
});

describe('renderTitle', () => {
  it('leaves unknown placeholders as they are and caps the length', () => {
    const org = orgs.get('grid')!;
    expect(renderTitle('{organization} {nope} {rule}', org, 'r1', [])).toBe('Northwind Grid {nope} r1');
    expect(renderTitle('x'.repeat(400), org, 'r', []).length).toBe(300);
  });
});
