import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngine } from '../../../platform/db/testing.ts';
import { createTestApp, type TestApp } from '../../../test-support/app.ts';
import { SYSTEM_ACTOR } from '../../audit/index.ts';
import { CreateFeedRequest } from '../feeds.schemas.ts';
import type { HarmonizedEvent, ProcessedEvent } from '../pipeline.types.ts';
import { canonicalTime, newLeanRow, splitEvent, toHarmonized, type FeedStamp, type StoredEventRow } from './event-rows.ts';
import { createEventReader, type ReadableEventRow } from './event-reader.ts';

const FEED: FeedStamp = { name: 'scan', provider: 'Prov', accuracy: 90, code: null, format: 'csv', tlp: 'amber' };
const OBSERVED = '2026-03-01T10:00:00.250+00:00';
const ORG = { name: 'Org A', sector: 'energy', isCii: true, ciiCategory: 'essential', centerIds: ['c1'] };

/** What the table would hold for the event: the columns as the drivers give them back, data parsed. */
function stored(p: ProcessedEvent): StoredEventRow {
  const r = newLeanRow();
  splitEvent(p, FEED, OBSERVED, r);
  const ip = r.ip === null ? null : r.ipv4 >= 0 ? `${r.ipv4 >>> 24}.${(r.ipv4 >>> 16) & 255}.${(r.ipv4 >>> 8) & 255}.${r.ipv4 & 255}` : r.ip.toLowerCase();
  return {
    time_observation: new Date(Date.parse(OBSERVED)), time_source: Number.isNaN(r.timeSourceMs) ? null : new Date(r.timeSourceMs), organization_id: p.organizationId,
    classification_taxonomy: r.taxonomy, classification_type: r.type, source_ip: ip, source_port: r.port, source_asn: r.asn, source_fqdn: r.fqdn, source_url: r.url, source_cc: r.cc, tlp: r.tlp, data: JSON.parse(r.data),
  };
}

const base: HarmonizedEvent = {
  'time.observation': OBSERVED, 'time.source': '2026-02-28T23:59:59+00:00', 'feed.name': 'scan', 'feed.provider': 'Prov', 'feed.accuracy': 90,
  'classification.taxonomy': 'vulnerable', 'classification.type': 'vulnerable-system', 'classification.identifier': 'telnet', 'source.ip': '198.51.100.7',
  'source.port': 23, 'source.asn': 64500, 'source.fqdn': 'h.example', 'source.geolocation.cc': 'NL', 'protocol.transport': 'tcp', tlp: 'AMBER', 'extra.tag': 'x "q" \\ é',
};

describe('lean event rows', () => {
  it('keeps only the fields without a column in data, and toHarmonized rebuilds the event exactly', () => {
    const p: ProcessedEvent = { line: 2, event: { ...base, 'extra.constituency': { organization: 'Org A', sector: 'energy', cii: true, ciiCategory: 'essential', centers: ['c1'] } }, organizationId: 'o1', dedupKey: 'k' };
    const row = stored(p);
    expect(row.data).toEqual({ 'classification.identifier': 'telnet', 'protocol.transport': 'tcp', 'extra.tag': 'x "q" \\ é' });
    expect(toHarmonized(row, FEED, { org: ORG })).toEqual(p.event);
  });

  it('keeps in data what a column cannot give back exactly', () => {
    const odd: HarmonizedEvent = {
      ...base, 'time.source': '2026-02-28 23:59:59', 'time.observation': '2026-03-01T10:00:00+00:00', 'source.ip': '2001:DB8::1', 'source.port': '8080', 'source.fqdn': 'a\0b',
      tlp: 'Amber', 'feed.name': 'renamed', 'extra.constituency': { organization: 'from the input' }, raw: 'aGVsbG8=',
    };
    const row = stored({ line: 3, event: odd, organizationId: null, dedupKey: 'k' });
    expect(row).toMatchObject({ source_ip: '2001:db8::1', source_port: 8080, source_fqdn: null, tlp: 'amber' });
    expect(row.time_source?.toISOString()).toBe('2026-02-28T23:59:59.000Z');
    expect(Object.keys(row.data as object).sort()).toEqual(['classification.identifier', 'extra.constituency', 'extra.tag', 'feed.name', 'protocol.transport', 'raw', 'source.fqdn', 'source.ip', 'source.port', 'time.observation', 'time.source', 'tlp'].sort());
    expect(toHarmonized(row, FEED)).toEqual(odd);
  });

  it('recognizes only the parsers\' canonical time text', () => {
    expect(canonicalTime('2024-01-02T03:04:05+00:00')).toBe(Date.UTC(2024, 0, 2, 3, 4, 5));
    expect(canonicalTime('2024-01-02T03:04:05.120+00:00')).toBe(Date.UTC(2024, 0, 2, 3, 4, 5, 120));
    for (const bad of ['2024-01-02T03:04:05.000+00:00', '2024-02-30T03:04:05+00:00', '2024-01-02T24:00:00+00:00', '2024-01-02T03:04:05Z', '2024-01-02 03:04:05+00:00']) expect(canonicalTime(bad)).toBeNaN();
  });
});

// Parsed in a parse thread (the default), or by the chunk worker inside the chunk's transaction.
describe.each(['1', '0'])(`lean rows through the pipeline and back (${testEngine()}, VIGIL_PIPELINE_PARSE_THREADS=%s)`, (threads) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ VIGIL_PIPELINE_PARSE_THREADS: threads });
  });
  afterAll(() => t.close());

  it('stores a CSV report and reads its events back with raw rebuilt from the report, byte for byte', async () => {
    const parser = { header: true, mapping: { ip: 'source.ip', port: 'source.port', tag: 'extra.tag' }, constants: { 'classification.type': 'scanner' } };
    const feed = await t.vigil.pipeline.feeds.create(CreateFeedRequest.parse({ name: 'rows-feed', kind: 'push', format: 'csv', parser, dedup: { windowHours: 24 } }), SYSTEM_ACTOR);
    const lines = ['198.51.100.1,80,a\tb', '198.51.100.2,81,"x\\y"', '', '198.51.100.1,80,a\tb', '2001:DB8::5,443,é'];
    const body = `\uFEFFip,port,tag\r\n${lines.join('\r\n')}\r\n`;
    const stored = await t.vigil.pipeline.store.store({ feed, source: 'push', sourceRef: 't', body: (async function* () {
      yield Buffer.from(body);
    })(), maxBytes: 1 << 20 });
    await t.vigil.pipeline.processor.processPending();
    const rows = (await t.database.db.selectFrom('events').selectAll().where('report_id', '=', stored.reportId).orderBy('line_no').execute()) as unknown as ReadableEventRow[];
    expect(rows.map((r) => r.line_no)).toEqual([2, 3, 6]); // line 5 is empty, line 4 repeats line 2 (deduplicated)
    const events = await createEventReader(t.database.db).expand(rows, { withRaw: true });
    expect(events.map((e) => e.raw)).toEqual([lines[0], lines[1], lines[4]].map((l) => Buffer.from(l!).toString('base64')));
    expect(events[0]).toMatchObject({ 'source.ip': '198.51.100.1', 'source.port': 80, 'extra.tag': 'a\tb', 'feed.name': 'rows-feed', 'classification.type': 'scanner', tlp: 'AMBER' });
    expect(events[2]).toMatchObject({ 'source.ip': '2001:db8::5', 'extra.tag': 'é' });
    const ipv6 = await sql<{ n: number }>`select count(*)::int as n from events where source_ip <<= '2001:db8::/32'::inet and report_id = ${stored.reportId}::uuid`.execute(t.database.db);
    expect(ipv6.rows[0]?.n).toBe(1);
    expect((await createEventReader(t.database.db).expand(rows, { withRaw: false }))[0]?.raw).toBeUndefined();
  });
});
