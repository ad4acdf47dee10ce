import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../platform/db/database.ts';
import { createTestDatabase, testEngine } from '../../platform/db/testing.ts';

// Migration 0013 checks the hot references of incidents per statement instead of per row; these
// tests hold it to what the foreign keys guaranteed.
describe(`incident references are enforced like foreign keys (${testEngine()})`, () => {
  let database: Database;
  const run = (q: ReturnType<typeof sql>) => q.execute(database.db);
  const codeOf = (p: Promise<unknown>) => p.then(() => 'ok', (err: { code?: string }) => err.code);

  async function org(): Promise<string> {
    const id = randomUUID();
    await run(sql`insert into organizations (id, name, name_key, sector, country, created_at, updated_at) values (${id}, ${`Org ${id}`}, ${id}, 'energy', 'XX', now(), now())`);
    return id;
  }
  async function center(): Promise<string> {
    const id = randomUUID();
    await run(sql`insert into centers (id, name, name_key, created_at, updated_at) values (${id}, ${`SOC ${id}`}, ${id}, now(), now())`);
    return id;
  }
  async function incident(over: { org?: string | null; center?: string | null } = {}): Promise<string> {
    const id = randomUUID();
    await run(sql`insert into incidents (id, ref, title, state, severity, rsit_taxonomy, rsit_type, tlp, pap, organization_id, source, source_center_id, assignee_center_id, aware_at, created_at, updated_at)
      values (${id}, ${`INC-T-${id}`}, 'test', 'new', 'low', 'other', 'other', 'amber', 'amber', ${over.org ?? null}, 'center', ${over.center ?? null}, ${over.center ?? null}, now(), now(), now())`);
    return id;
  }
  const children = async (id: string) =>
    (await sql<{ n: number }>`select ((select count(*) from incident_observables where incident_id = ${id}) + (select count(*) from incident_clocks where incident_id = ${id})
      + (select count(*) from incident_timeline where incident_id = ${id}))::int as n`.execute(database.db)).rows[0]?.n;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => database.close());

  it('refuses rows that point at an incident that does not exist, in a batch as alone', async () => {
    const real = await incident();
    const ghost = randomUUID();
    expect(await codeOf(run(sql`insert into incident_observables (incident_id, type, value) values (${ghost}, 'ipv4', '198.18.0.1')`))).toBe('23503');
    expect(await codeOf(run(sql`insert into incident_observables (incident_id, type, value) values (${real}, 'ipv4', '198.18.0.1'), (${ghost}, 'ipv4', '198.18.0.2')`))).toBe('23503');
    expect(await codeOf(run(sql`insert into incident_clocks (incident_id, kind, label, source, started_at, due_at) values (${ghost}, 'sla.x', 'x', 'sla', now(), now())`))).toBe('23503');
    expect(await codeOf(run(sql`insert into incident_timeline (incident_id, at, actor_label, kind, data) values (${ghost}, now(), 'x', 'x', '{}')`))).toBe('23503');
    expect(await codeOf(run(sql`update incident_observables set incident_id = ${ghost} where incident_id = ${real}`))).toBe('ok'); // nothing to move yet
    await run(sql`insert into incident_observables (incident_id, type, value) values (${real}, 'ipv4', '198.18.0.3')`);
    expect(await codeOf(run(sql`update incident_observables set incident_id = ${ghost} where incident_id = ${real}`))).toBe('23503');
  });

  it('refuses an incident about an organization or center that does not exist, on insert and on update', async () => {
    expect(await codeOf(incident({ org: randomUUID() }))).toBe('23503');
    expect(await codeOf(incident({ center: randomUUID() }))).toBe('23503');
    const id = await incident({ org: await org(), center: await center() });
    expect(await codeOf(run(sql`update incidents set organization_id = ${randomUUID()} where id = ${id}`))).toBe('23503');
    expect(await codeOf(run(sql`update incidents set assignee_center_id = ${randomUUID()} where id = ${id}`))).toBe('23503');
    expect(await codeOf(run(sql`update incidents set organization_id = ${await org()} where id = ${id}`))).toBe('ok');
  });

  it('sets the organization and centers to null when they are deleted, and deletes an incident with its rows', async () => {
    const [o, c] = [await org(), await center()];
    const id = await incident({ org: o, center: c });
    await run(sql`insert into incident_observables (incident_id, type, value) values (${id}, 'domain', 'x.example')`);
    await run(sql`insert into incident_clocks (incident_id, kind, label, source, started_at, due_at) values (${id}, 'sla.x', 'x', 'sla', now(), now())`);
    await run(sql`insert into incident_timeline (incident_id, at, actor_label, kind, data) values (${id}, now(), 'x', 'x', '{}')`);
    await run(sql`delete from organizations where id = ${o}`);
    await run(sql`delete from centers where id = ${c}`);
    const { rows } = await sql<{ o: string | null; s: string | null; a: string | null }>`select organization_id as o, source_center_id as s, assignee_center_id as a from incidents where id = ${id}`.execute(database.db);
    expect(rows).toEqual([{ o: null, s: null, a: null }]);
    expect(await children(id)).toBe(3);
    await run(sql`delete from incidents where id = ${id}`);
    expect(await children(id)).toBe(0);
  });

  it('refuses to change the id of an organization that incidents point at', async () => {
    const o = await org();
    await incident({ org: o });
    expect(await codeOf(run(sql`update organizations set id = ${randomUUID()} where id = ${o}`))).toBe('23503');
  });
});
