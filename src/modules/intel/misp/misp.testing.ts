import { randomUUID } from 'node:crypto';

/** A small MISP event fixture: two to_ids attributes, one plain observable, a CVE and an unmappable comment. */
export function mispEvent(over: { tlp?: string; uuid?: string; timestamp?: number; extraTags?: string[]; attributes?: Record<string, unknown>[] } = {}) {
  const ts = over.timestamp ?? 1_735_732_800; // 2025-01-01T12:00:00Z
  return {
    Event: {
      uuid: over.uuid ?? randomUUID(),
      info: 'Phishing wave against energy utilities',
      date: '2025-01-01',
      timestamp: String(ts),
      threat_level_id: '2',
      analysis: '1',
      Orgc: { name: 'CERT-Example', uuid: '11111111-2222-4333-8444-555555555555' },
      Tag: [...(over.tlp ? [{ name: `tlp:${over.tlp}` }] : []), { name: 'rsit:fraud="phishing"' }, ...(over.extraTags ?? []).map((name) => ({ name }))],
      Attribute: over.attributes ?? [
        { uuid: randomUUID(), type: 'domain', category: 'Network activity', value: `login-${randomUUID().slice(0, 8)}.example`, to_ids: true, timestamp: String(ts) },
        { uuid: randomUUID(), type: 'ip-dst', category: 'Network activity', value: '198.51.100.23', to_ids: true, timestamp: String(ts), Tag: [{ name: 'tlp:amber' }] },
        { uuid: randomUUID(), type: 'url', category: 'Network activity', value: 'https://evil.example/a?b=1', to_ids: false, timestamp: String(ts) },
        { uuid: randomUUID(), type: 'vulnerability', category: 'External analysis', value: 'CVE-2024-3400', to_ids: false, timestamp: String(ts) },
        { uuid: randomUUID(), type: 'comment', category: 'Other', value: 'seen by partner', to_ids: false, timestamp: String(ts) },
      ],
      Object: over.attributes ? [] : [{ name: 'file', Attribute: [{ uuid: randomUUID(), type: 'sha256', category: 'Payload delivery', value: 'A'.repeat(64), to_ids: true, timestamp: String(ts) }] }],
    },
  };
}
