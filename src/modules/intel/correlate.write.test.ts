import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../platform/db/database.ts';
import { createTestDatabase, testEngine } from '../../platform/db/testing.ts';
import { EventIndex } from './correlate.events.ts';
import { correlateEvents } from './correlate.write.ts';
import type { ObservableRow } from './intel.repository.ts';

const obs = (object_id: string, kind: string, value: string, net: string | null = null): ObservableRow => ({ object_id, kind, value, net, origin: 'pattern' });

describe(`correlation of intel with stored events, written (${testEngine()})`, () => {
  let database: Database;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.close());

  const stored = async (id: string) => {
    const samples = await database.db.selectFrom('intel_correlations').selectAll().where('object_id', '=', id).where('target_kind', '=', 'event').execute();
    const counts = await database.db.selectFrom('intel_correlation_counts').selectAll().where('object_id', '=', id).where('target_kind', '=', 'event').execute();
    return { samples, counts };
  };

  it('stores at most cap samples per object with the true total, the flag and the event names, and replaces them on the next run', async () => {
    const feed = randomUUID();
    await sql`insert into events (time_observation, feed_id, report_id, line_no, classification_taxonomy, classification_type, source_ip, source_fqdn, tlp, dedup_key, data)
      select now(), ${feed}::uuid, ${feed}::uuid, g, 'malicious-code', 'c2-server', ('192.0.2.' || g)::inet, 'Host' || g || '.Bad.example', 'amber', 'w' || g, '{}'
        from generate_series(1, 5) g`.execute(database.db);
    const [dom, net, one, none] = ['indicator--d', 'indicator--n', 'indicator--o', 'indicator--x'].map((p) => `${p}-${randomUUID()}`) as [string, string, string, string];
    const ix = new EventIndex();
    const run = (list: ObservableRow[]) => database.db.transaction().execute((tx) => correlateEvents(tx, ix, list, 3, new Date('2024-05-01T00:00:00.123Z')));
    const totals = await run([obs(dom, 'domain', 'Bad.example'), obs(net, 'ipv4', '192.0.2.0/29', '192.0.2.0/29'), obs(one, 'ipv4', '192.0.2.4', '192.0.2.4/32'), obs(none, 'ipv4', '198.51.100.1', '198.51.100.1/32')]);
    expect(totals.sort((a, b) => (a.object_id < b.object_id ? -1 : 1))).toEqual([{ object_id: dom, total: 5 }, { object_id: net, total: 5 }, { object_id: one, total: 1 }].sort((a, b) => (a.object_id < b.object_id ? -1 : 1)));
    const d = await stored(dom);
    expect(d.samples).toHaveLength(3);
    expect(d.samples.every((s) => s.match === 'domain' && /^Host[1-5]\.Bad\.example$/.test(s.matched))).toBe(true);
    expect(d.samples[0]!.created_at.toISOString()).toBe('2024-05-01T00:00:00.123Z');
    expect(d.counts).toEqual([expect.objectContaining({ total: 5, is_over: true })]);
    const n = await stored(net);
    expect(n.samples.map((s) => s.matched).every((m) => /^192\.0\.2\.[1-5]$/.test(m))).toBe(true);
    expect(n.samples.every((s) => s.match === 'range')).toBe(true);
    expect((await stored(one)).samples).toEqual([expect.objectContaining({ matched: '192.0.2.4', match: 'exact' })]);
    expect((await stored(one)).counts).toEqual([expect.objectContaining({ total: 1, is_over: false })]);
    expect(await stored(none)).toEqual({ samples: [], counts: [] });

    // A new version of `one` matches nothing any more, `net` matches fewer events: the old rows go
    await run([obs(one, 'ipv4', '198.51.100.2', '198.51.100.2/32'), obs(net, 'ipv4', '192.0.2.4/31', '192.0.2.4/31')]);
    expect(await stored(one)).toEqual({ samples: [], counts: [] });
    expect((await stored(net)).samples.map((s) => s.matched).sort()).toEqual(['192.0.2.4', '192.0.2.5']);
    expect((await stored(net)).counts).toEqual([expect.objectContaining({ total: 2, is_over: false })]);
    expect((await stored(dom)).samples).toHaveLength(3);
  });
});
