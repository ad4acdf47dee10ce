import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngine } from '../../platform/db/testing.ts';
import { createLogger } from '../../platform/logger.ts';
import { createTestApp, type Session, type TestApp } from '../../test-support/app.ts';
import { correlateNewEvents, SETTLE_MS } from './correlate.events-task.ts';
import { bundle, indicator } from './intel.testing.ts';
import { TLP2_MARKING_IDS } from './tlp.ts';

describe(`correlation of newly stored pipeline events with stored intel (${testEngine()})`, () => {
  let t: TestApp;
  let analyst: Session;
  let now = new Date();
  const clock = { now: () => now };
  const feed = randomUUID();
  const report = randomUUID();
  let line = 0;
  beforeAll(async () => {
    t = await createTestApp({ VIGIL_DEMO: '0' });
    analyst = await t.signIn('analyst');
  });
  afterAll(async () => t.close());

  const store = async (at: Date, ip: string) => {
    await sql`insert into events (time_observation, feed_id, report_id, line_no, classification_taxonomy, classification_type, source_ip, tlp, dedup_key, data)
      values (${at.toISOString()}::timestamptz, ${feed}::uuid, ${report}::uuid, ${++line}, 'malicious-code', 'infected-system', ${ip}::inet, 'amber', ${`k${line}`}, '{}')`.execute(t.database.db);
  };
  const run = () => correlateNewEvents({ db: t.database.db, clock, log: createLogger('silent'), correlateEvents: t.vigil.services.intel.correlateEvents });
  const seen = async (id: string) => {
    const res = await t.request(`/api/v1/intel/objects/${id}/sightings`, { as: analyst });
    return ((await res.json()) as { events: { total: number; samples: { matched: string }[] } }).events;
  };

  it('starts at the present, then correlates each settled event once, resuming from its checkpoint', async () => {
    const ind = indicator("[ipv4-addr:value = '198.18.60.0/24']", { object_marking_refs: [TLP2_MARKING_IDS.green] });
    expect((await t.request('/api/v1/intel/bundles', { method: 'POST', as: analyst, body: JSON.stringify(bundle([ind])) })).status).toBe(200);
    expect(await run()).toEqual({ events: 0, correlated: 0 }); // first run: sets the checkpoint

    const t0 = new Date(now.getTime() - SETTLE_MS + 1000);
    await store(t0, '198.18.60.1');
    await store(t0, '198.18.61.1');
    expect((await run()).events).toBe(0); // not settled yet
    now = new Date(now.getTime() + 2000);
    expect(await run()).toEqual({ events: 2, correlated: 1 });
    expect((await seen(ind.id as string)).samples.map((s) => s.matched)).toEqual(['198.18.60.1']);

    await store(new Date(now.getTime() - SETTLE_MS + 500), '198.18.60.2');
    now = new Date(now.getTime() + 1000);
    expect(await run()).toEqual({ events: 1, correlated: 1 });
    expect(await run()).toEqual({ events: 0, correlated: 0 });
    expect((await seen(ind.id as string)).total).toBe(2);
  });
});
