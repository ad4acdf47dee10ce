import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../platform/http/context.ts';
import { testEngine } from '../../platform/db/testing.ts';
import { createTestApp, type Session, type TestApp } from '../../test-support/app.ts';
import { createIncidentsRepository, type IncidentFilter } from './incidents.repository.ts';

type Page = { items: { id: string; state: string }[]; nextCursor: string | null };
const base = { rsitTaxonomy: 'fraud', rsitType: 'phishing', tlp: 'amber', pap: 'amber' };

describe(`incident queue filters (${testEngine()})`, () => {
  let t: TestApp;
  let analyst: Session;
  let principal: Principal;
  const ids: string[] = [];
  beforeAll(async () => {
    t = await createTestApp();
    analyst = await t.signIn('analyst');
    principal = { userId: analyst.userId, email: 'a@x', name: 'a', role: 'analyst', organizationId: null, centerId: null, via: 'session', permissions: new Set() };
    for (let i = 0; i < 7; i++) {
      const res = await t.request('/api/v1/incidents', { method: 'POST', as: analyst, body: JSON.stringify({ title: `Queue case ${i}`, severity: i % 2 ? 'high' : 'low', ...base }) });
      ids.push(((await res.json()) as { id: string }).id);
    }
  });
  afterAll(async () => t.close());

  it('pages through a date range that ended long ago exactly as through a recent one', async () => {
    const repo = createIncidentsRepository();
    const from = new Date(Date.now() - 3600_000);
    const to = new Date(Date.now() + 3600_000);
    const walk = async (filter: IncidentFilter, now: Date) => {
      const seen: string[] = [];
      let after: { u: string; i: string } | undefined;
      for (;;) {
        const rows = await repo.list(t.database.db, principal, filter, after, 2, now);
        seen.push(...rows.map((r) => r.id));
        if (rows.length < 2) return seen;
        after = { u: rows[1]!.updated_at.toISOString(), i: rows[1]!.id };
      }
    };
    // Seen from "now" the range is recent (walk the queue); seen from a year later it is long past (read the range).
    for (const filter of [{ from, to }, { from, to, severities: ['high'] }]) {
      const recent = await walk(filter, to);
      expect(recent.length).toBeGreaterThan(0);
      expect(await walk(filter, new Date(to.getTime() + 365 * 24 * 3600_000))).toEqual(recent);
    }
    expect(await walk({ from, to }, to)).toEqual(expect.arrayContaining(ids));
  });

  it('reads state=open as every open state', async () => {
    const [first] = ids;
    const inc = (await (await t.request(`/api/v1/incidents/${first}`, { as: analyst })).json()) as { version: number };
    await t.request(`/api/v1/incidents/${first}/transitions`, { method: 'POST', as: analyst, body: JSON.stringify({ to: 'rejected', version: inc.version }) });
    await t.request(`/api/v1/incidents/${ids[1]}/transitions`, { method: 'POST', as: analyst, body: JSON.stringify({ to: 'triaged', version: 1 }) });
    const page = (await (await t.request('/api/v1/incidents?state=open&limit=200', { as: analyst })).json()) as Page;
    expect(page.items.map((i) => i.id).sort()).toEqual(ids.slice(1).sort());
    expect(new Set(page.items.map((i) => i.state))).toEqual(new Set(['new', 'triaged']));
    const both = (await (await t.request('/api/v1/incidents?state=open,rejected&limit=200', { as: analyst })).json()) as Page;
    expect(both.items).toHaveLength(7);
  });

  // On a PostgreSQL server autovacuum does this; the embedded engine has no autovacuum.
  it.skipIf(testEngine() === 'postgres')('gives the planner statistics once the incident tables have changed enough', async () => {
    const stats = async () => (await sql<{ n: number }>`select count(*)::int as n from pg_statistic where starelid = 'incidents'::regclass`.execute(t.database.db)).rows[0]!.n;
    await sql`insert into incidents (id, ref, title, state, severity, rsit_taxonomy, rsit_type, tlp, pap, source, aware_at, created_at, updated_at)
      select gen_random_uuid(), 'T-' || g, title, state, severity, rsit_taxonomy, rsit_type, tlp, pap, source, aware_at, created_at, updated_at
      from incidents, generate_series(1, 200) g where incidents.id = ${ids[2]!}`.execute(t.database.db);
    expect(await stats()).toBe(0);
    // A backend publishes its table counters at most once a second, after a transaction.
    await new Promise((r) => setTimeout(r, 1100));
    await sql`select 1`.execute(t.database.db);
    await t.vigil.tasks.find((task) => task.name === 'incidents.analyze')!.run();
    expect(await stats()).toBeGreaterThan(0);
  });
});
