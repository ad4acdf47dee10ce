import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngine } from '../../platform/db/testing.ts';
import { createTestApp, type Session, type TestApp } from '../../test-support/app.ts';

type Item = { index: number; externalId: string | null; outcome: string; incident?: { id: string; ref: string; version: number }; error?: { code: string; status: number; details?: Record<string, unknown> } };
type Answer = { items: Item[]; created: number; updated: number; unchanged: number; rejected: number };
const base = { severity: 'high', rsitTaxonomy: 'malicious-code', rsitType: 'infected-system', tlp: 'amber', description: 'Beaconing from a jump host' };
let seq = 0;

describe(`center notification batches (${testEngine()})`, () => {
  let t: TestApp;
  let center: Session;
  let analyst: Session;
  let served: { id: string };
  let other: { id: string };
  beforeAll(async () => {
    t = await createTestApp();
    analyst = await t.signIn('analyst');
    served = await t.createOrg('Batch Grid Operator', { isCii: true, ciiCategory: 'significant' });
    other = await t.createOrg('Batch Unserved Org');
    const c = await t.vigil.services.centers.create({ name: 'Batch SOC' } as never, { userId: null, label: 't' });
    await t.vigil.services.centers.setOrganizations(c.id, [served.id], { userId: null, label: 't' });
    center = await t.signIn('center_operator', { centerId: c.id });
  });
  afterAll(async () => t.close());

  const note = (over: Record<string, unknown> = {}) => ({ externalId: `B-${++seq}`, organizationId: served.id, detectedAt: new Date(Date.now() - 600_000).toISOString(), ...base, ...over });
  const batch = async (items: unknown[], as = center) => {
    const res = await t.request('/api/v1/center-notifications/batch', { method: 'POST', as, body: JSON.stringify({ items }) });
    return { status: res.status, body: (await res.json()) as Answer & { error?: { code: string } } };
  };
  const timeline = async (id: string) => ((await (await t.request(`/api/v1/incidents/${id}/timeline`, { as: analyst })).json()) as { items: { kind: string; data: Record<string, unknown> }[] }).items;

  it('creates each notification and answers every item in request order', async () => {
    const items = [note(), note(), note({ observables: [{ type: 'ipv4', value: '198.18.7.7' }] })];
    const { status, body } = await batch(items);
    expect(status).toBe(200);
    expect(body).toMatchObject({ created: 3, updated: 0, unchanged: 0, rejected: 0 });
    expect(body.items.map((i) => [i.index, i.externalId, i.outcome])).toEqual(items.map((n, i) => [i, n.externalId, 'created']));
    const got = (await (await t.request(`/api/v1/incidents/${body.items[2]!.incident!.id}`, { as: analyst })).json()) as { ref: string; source: string; observables: unknown[] };
    expect(got).toMatchObject({ ref: body.items[2]!.incident!.ref, source: 'center', observables: [{ type: 'ipv4', value: '198.18.7.7' }] });
  });

  it('changes nothing when the whole batch is retried', async () => {
    const items = [note(), note({ observables: [{ type: 'domain', value: 'retry.example' }] })];
    const first = await batch(items);
    const again = await batch(items);
    expect(again.body).toMatchObject({ created: 0, updated: 0, unchanged: 2, rejected: 0 });
    expect(again.body.items.map((i) => i.incident?.id)).toEqual(first.body.items.map((i) => i.incident?.id));
    expect((await timeline(first.body.items[1]!.incident!.id)).map((e) => e.kind)).toEqual(['created']);
  });

  it('updates an incident the single endpoint opened, recording what changed and the new observables', async () => {
    const n = note({ observables: [{ type: 'domain', value: 'first.example' }] });
    const single = (await (await t.request('/api/v1/center-notifications', { method: 'POST', as: center, body: JSON.stringify(n) })).json()) as { incident: { id: string } };
    const { body } = await batch([{ ...n, severity: 'critical', status: 'contained', observables: [{ type: 'domain', value: 'first.example' }, { type: 'domain', value: 'second.example' }] }]);
    expect(body.items[0]).toMatchObject({ outcome: 'updated', incident: { id: single.incident.id, version: 2 } });
    const [, update] = await timeline(single.incident.id);
    expect(update).toMatchObject({ kind: 'center_update', data: { centerStatus: 'contained', changes: { severity: { from: 'high', to: 'critical' } }, observablesAdded: [{ type: 'domain', value: 'second.example' }] } });
  });

  it('takes later messages about the same incident in one batch as updates, in order', async () => {
    const n = note();
    const { body } = await batch([n, { ...n, severity: 'low' }, { ...n, severity: 'low' }]);
    expect(body.items.map((i) => i.outcome)).toEqual(['created', 'updated', 'unchanged']);
    expect(new Set(body.items.map((i) => i.incident?.id)).size).toBe(1);
    expect((await timeline(body.items[0]!.incident!.id)).map((e) => e.kind)).toEqual(['created', 'center_update']);
  });

  it('answers each invalid item with its own error and still applies the others', async () => {
    const future = new Date(Date.now() + 3600_000).toISOString();
    const { status, body } = await batch([
      note(),
      { ...note(), description: undefined },
      note({ detectedAt: future }),
      note({ rsitType: 'sorcery' }),
      note({ observables: [{ type: 'ipv4', value: '999.1.1.1' }] }),
      note({ organizationId: other.id }),
      'not an object',
      note(),
    ]);
    expect(status).toBe(200);
    expect(body.items.map((i) => i.error?.code ?? i.outcome)).toEqual([
      'created',
      'validation.failed',
      'incident.time_in_future',
      'incident.unknown_taxonomy',
      'incident.invalid_observable',
      'incident.organization_not_served',
      'validation.failed',
      'created',
    ]);
    expect(body.items[5]!.error).toMatchObject({ status: 403, details: { organizationId: other.id } });
    expect(body.items[4]!.error).toMatchObject({ status: 400, details: { field: 'observables[0].value' } });
    expect(body).toMatchObject({ created: 2, rejected: 6 });
  });

  it('starts the same clocks and stores the same case as the single endpoint', async () => {
    const n = note({ severity: 'critical', ciiObject: 'SCADA', affectedSystems: 'HMI' });
    const one = (await (await t.request('/api/v1/center-notifications', { method: 'POST', as: center, body: JSON.stringify(n) })).json()) as { incident: Record<string, unknown> & { id: string } };
    const { body } = await batch([{ ...n, externalId: `${n.externalId}-b` }]);
    const id = body.items[0]!.incident!.id;
    const many = (await (await t.request(`/api/v1/incidents/${id}`, { as: analyst })).json()) as Record<string, unknown>;
    const same = (x: Record<string, unknown>) => ({ ...x, id: null, ref: null, externalId: null, createdAt: null, updatedAt: null, awareAt: null, observables: null });
    expect(same(many)).toEqual(same(one.incident));
    const clocks = async (i: string) => ((await (await t.request(`/api/v1/incidents/${i}/clocks`, { as: analyst })).json()) as { items: { kind: string; label: string }[] }).items.map((c) => `${c.kind} ${c.label}`).sort();
    expect(await clocks(id)).toEqual(await clocks(one.incident.id));
    expect((await clocks(id)).some((c) => c.startsWith('reg.eu-nis2.'))).toBe(true);
  });

  it('keeps one audit chain that verifies, batch and single appends interleaved', async () => {
    const before = await sql<{ n: number }>`select count(*)::int as n from audit_log where action = 'incident.notified'`.execute(t.database.db);
    await t.request('/api/v1/center-notifications', { method: 'POST', as: center, body: JSON.stringify(note()) });
    await batch([note(), note(), note()]);
    await t.request('/api/v1/center-notifications', { method: 'POST', as: center, body: JSON.stringify(note()) });
    const after = await sql<{ n: number }>`select count(*)::int as n from audit_log where action = 'incident.notified'`.execute(t.database.db);
    expect(after.rows[0]!.n - before.rows[0]!.n).toBe(5);
    expect(await t.vigil.services.audit.verify(t.database.db)).toMatchObject({ ok: true });
  });

  it('creates each incident once when overlapping batches arrive at the same time, in any order', async () => {
    const items = [note(), note(), note()];
    const [a, b, c] = await Promise.all([batch(items), batch([...items].reverse()), batch([items[1]!, note()])]);
    expect([a.status, b.status, c.status]).toEqual([200, 200, 200]);
    const byExternal = new Map<string, Set<string>>();
    for (const i of [...a.body.items, ...b.body.items, ...c.body.items]) byExternal.set(i.externalId!, (byExternal.get(i.externalId!) ?? new Set()).add(i.incident!.id));
    expect([...byExternal.values()].every((ids) => ids.size === 1)).toBe(true);
    expect(a.body.created + b.body.created + c.body.created).toBe(4);
  });

  it('rolls the whole batch back when the database fails', async () => {
    await sql`create function batch_fail_fn() returns trigger language plpgsql as $$ begin raise exception 'boom'; end $$`.execute(t.database.db);
    await sql`create trigger batch_fail before insert on incidents for each row when (new.title = 'fail here') execute function batch_fail_fn()`.execute(t.database.db);
    try {
      const good = note();
      const head = await sql<{ seq: number }>`select seq from audit_head`.execute(t.database.db);
      const { status } = await batch([good, note({ title: 'fail here' })]);
      expect(status).toBe(500);
      const again = await batch([good]);
      expect(again.body.items[0]!.outcome).toBe('created');
      const after = await sql<{ seq: number }>`select seq from audit_head`.execute(t.database.db);
      expect(after.rows[0]!.seq).toBe(head.rows[0]!.seq + 1);
    } finally {
      await sql`drop trigger batch_fail on incidents`.execute(t.database.db);
      await sql`drop function batch_fail_fn()`.execute(t.database.db);
    }
  });

  it('refuses bodies that are not a batch, and callers that are not a center', async () => {
    expect((await batch([])).body.error?.code).toBe('validation.failed');
    expect((await batch(Array.from({ length: 501 }, () => note()))).body.error?.code).toBe('validation.failed');
    const res = await t.request('/api/v1/center-notifications/batch', { method: 'POST', as: center, body: JSON.stringify([note()]) });
    expect(res.status).toBe(400);
    const { status, body } = await batch([note()], analyst);
    expect([status, body.error?.code]).toEqual([403, 'auth.forbidden']);
  });
});
