import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngine } from '../../platform/db/testing.ts';
import { createTestApp, unique, type Session, type TestApp } from '../../test-support/app.ts';
import { responseCode } from '../../test-support/errors.ts';

type Center = { id: string; name: string; status: string; lastHeartbeatAt: string | null; lastReport: unknown; organizationCount: number; contactCount: number; dutyContacts: { name: string }[] };
type CenterDetail = Center & { organizationIds: string[]; contacts: { id: string; is24x7: boolean }[] };
type Alert = { id: string; kind: string; status: string; entityId: string };

describe(`centers API: heartbeats, contacts, alerts (${testEngine()})`, () => {
  let t: TestApp;
  let admin: Session;
  let analyst: Session;
  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.signIn('admin');
    analyst = await t.signIn('analyst');
  });
  afterAll(async () => t.close());

  const send = (method: string, path: string, body: unknown, as: Session) => t.request(path, { method, as, body: body === undefined ? undefined : JSON.stringify(body) });
  const post = (path: string, body: unknown, as = admin) => send('POST', path, body, as);
  const patch = (path: string, body: unknown, as = admin) => send('PATCH', path, body, as);
  const getJson = async <T>(path: string, as: Session) => (await (await t.request(path, { as })).json()) as T;
  const newCenter = async (body: Record<string, unknown> = {}) => (await (await post('/api/v1/centers', { name: unique('SOC'), ...body })).json()) as CenterDetail;

  /** A machine account of the center (no password) and an API key for it. */
  async function machineKey(centerId: string, scopes = ['centers:read']): Promise<Session> {
    const user = (await (await post('/api/v1/users', { email: `${unique('soc')}@example.org`, name: 'SOC sensor', role: 'center_operator', centerId })).json()) as { id: string };
    const res = await post('/api/v1/api-keys', { name: 'heartbeat', userId: user.id, scopes });
    expect(res.status).toBe(201);
    return { apiKey: ((await res.json()) as { key: string }).key, userId: user.id };
  }

  it('takes a heartbeat from the API key of a center operator and shows the center up', async () => {
    const center = await newCenter();
    expect(center).toMatchObject({ status: 'never', lastHeartbeatAt: null, heartbeatIntervalSeconds: 300, silentAfterSeconds: 900 });
    const key = await machineKey(center.id);
    const res = await post('/api/v1/centers/heartbeat', { version: '4.2.0', queueDepth: 12, message: 'all good' }, key);
    expect(res.status).toBe(200);
    const beat = (await res.json()) as { centerId: string; status: string; nextExpectedBefore: string };
    expect(beat).toMatchObject({ centerId: center.id, status: 'up' });
    expect(Date.parse(beat.nextExpectedBefore) - Date.now()).toBeGreaterThan(290_000);

    const again = await post('/api/v1/centers/heartbeat', { message: 'too soon' }, key);
    expect(again.status).toBe(200);
    const bare = await t.request('/api/v1/centers/heartbeat', { method: 'POST', as: key });
    expect(bare.status).toBe(200);

    const listed = (await getJson<{ items: Center[] }>('/api/v1/centers', analyst)).items.find((c) => c.id === center.id);
    expect(listed).toMatchObject({ status: 'up', lastReport: { version: '4.2.0', queueDepth: 12, message: 'all good' } });
    expect(await getJson<{ items: Center[] }>('/api/v1/centers', key)).toMatchObject({ items: [{ id: center.id, status: 'up' }] });
  });

  it('refuses heartbeats from accounts without a center and from keys without centers:read', async () => {
    for (const who of [admin, analyst]) {
      const res = await post('/api/v1/centers/heartbeat', {}, who);
      expect([res.status, await responseCode(res)]).toEqual([403, 'center.no_center']);
    }
    const narrow = await machineKey((await newCenter()).id, ['lookup']);
    const res = await post('/api/v1/centers/heartbeat', {}, narrow);
    expect([res.status, await responseCode(res)]).toEqual([403, 'auth.forbidden']);
    const key = await machineKey((await newCenter()).id);
    const bad = await post('/api/v1/centers/heartbeat', { queueDepth: -1 }, key);
    expect([bad.status, await responseCode(bad)]).toEqual([400, 'validation.failed']);
  });

  it('keeps an operator of another center away from this center', async () => {
    const mine = await newCenter();
    const other = await newCenter();
    const op = await t.signIn('center_operator', { centerId: mine.id });
    const get = await t.request(`/api/v1/centers/${other.id}`, { as: op });
    expect([get.status, await responseCode(get)]).toEqual([404, 'center.not_found']);
    expect((await t.request(`/api/v1/centers/${mine.id}`, { as: op })).status).toBe(200);
    const change = await patch(`/api/v1/centers/${other.id}`, { name: 'Taken over' }, op);
    expect([change.status, await responseCode(change)]).toEqual([403, 'auth.forbidden']);
    expect((await patch(`/api/v1/centers/${mine.id}`, { name: 'Mine now' }, op)).status).toBe(403);
    expect((await post(`/api/v1/centers/${other.id}/contacts`, { name: 'X', role: 'duty', email: 'x@example.org' }, op)).status).toBe(403);
    expect((await t.request('/api/v1/alerts', { as: op })).status).toBe(403);
    expect((await getJson<{ items: Center[] }>('/api/v1/centers', op)).items.map((c) => c.id)).toEqual([mine.id]);
  });

  it('changes a center and rejects a silence window shorter than the interval with a stable code', async () => {
    const center = await newCenter();
    const res = await patch(`/api/v1/centers/${center.id}`, { heartbeatIntervalSeconds: 1200 });
    expect([res.status, await responseCode(res)]).toEqual([400, 'center.silent_after_too_short']);
    const both = await patch(`/api/v1/centers/${center.id}`, { heartbeatIntervalSeconds: 120, silentAfterSeconds: 60 });
    expect([both.status, await responseCode(both)]).toEqual([400, 'center.silent_after_too_short']);
    const tiny = await patch(`/api/v1/centers/${center.id}`, { heartbeatIntervalSeconds: 1 });
    expect([tiny.status, await responseCode(tiny)]).toEqual([400, 'validation.failed']);
    const created = await post('/api/v1/centers', { name: unique('Bad SOC'), heartbeatIntervalSeconds: 900, silentAfterSeconds: 300 });
    expect([created.status, await responseCode(created)]).toEqual([400, 'center.silent_after_too_short']);

    const ok = await patch(`/api/v1/centers/${center.id}`, { name: `${center.name} renamed`, description: 'Regional SOC', heartbeatIntervalSeconds: 60, silentAfterSeconds: 180 });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ name: `${center.name} renamed`, description: 'Regional SOC', heartbeatIntervalSeconds: 60, silentAfterSeconds: 180 });
    const { rows } = await sql<{ before: unknown; after: unknown }>`select before, after from audit_log where action = 'center.updated' and entity_id = ${center.id}`.execute(t.database.db);
    expect(rows).toEqual([{ before: expect.objectContaining({ heartbeat_interval_seconds: 300 }), after: expect.objectContaining({ heartbeat_interval_seconds: 60, description: 'Regional SOC' }) }]);
    const other = await newCenter();
    const dup = await patch(`/api/v1/centers/${other.id}`, { name: `${center.name.toUpperCase()} RENAMED` });
    expect([dup.status, await responseCode(dup)]).toEqual([409, 'center.duplicate_name']);
  });

  it('adds and removes duty contacts, shown with the organizations the center serves', async () => {
    const center = await newCenter();
    const org = await t.createOrg(unique('Served'));
    expect((await send('PUT', `/api/v1/centers/${center.id}/organizations`, { organizationIds: [org.id] }, admin)).status).toBe(204);
    const duty = await post(`/api/v1/centers/${center.id}/contacts`, { name: 'Night Desk', role: 'duty officer', email: 'night@soc.example', phone: '+99 555 0100', is24x7: true });
    expect(duty.status).toBe(201);
    const dutyId = ((await duty.json()) as { id: string }).id;
    expect((await post(`/api/v1/centers/${center.id}/contacts`, { name: 'Manager', role: 'SOC manager', email: 'boss@soc.example' })).status).toBe(201);
    const bad = await post(`/api/v1/centers/${center.id}/contacts`, { name: 'Nobody', role: 'x', email: 'not-an-email' });
    expect([bad.status, await responseCode(bad)]).toEqual([400, 'validation.failed']);

    const detail = await getJson<CenterDetail>(`/api/v1/centers/${center.id}`, analyst);
    expect(detail.organizationIds).toEqual([org.id]);
    expect(detail.contacts.map((c) => c.is24x7)).toEqual([true, false]);
    const listed = (await getJson<{ items: Center[] }>('/api/v1/centers', analyst)).items.find((c) => c.id === center.id);
    expect(listed).toMatchObject({ organizationCount: 1, contactCount: 2, dutyContacts: [{ name: 'Night Desk' }] });

    expect((await t.request(`/api/v1/centers/${center.id}/contacts/${dutyId}`, { method: 'DELETE', as: admin })).status).toBe(204);
    const gone = await t.request(`/api/v1/centers/${center.id}/contacts/${dutyId}`, { method: 'DELETE', as: admin });
    expect([gone.status, await responseCode(gone)]).toEqual([404, 'center.contact_not_found']);
    const { rows } = await sql<{ action: string }>`select action from audit_log where entity_type = 'center' and entity_id = ${center.id} order by seq`.execute(t.database.db);
    expect(rows.map((r) => r.action)).toEqual(['center.created', 'center.organizations_set', 'center.contact_added', 'center.contact_added', 'center.contact_removed']);
  });

  it('lists the alert of a silent center for analysts, who acknowledge it; the next beat resolves it', async () => {
    const center = await newCenter({ heartbeatIntervalSeconds: 60, silentAfterSeconds: 120 });
    const key = await machineKey(center.id);
    expect((await post('/api/v1/centers/heartbeat', {}, key)).status).toBe(200);
    await sql`update centers set last_heartbeat_at = now() - interval '10 minutes' where id = ${center.id}`.execute(t.database.db);
    await t.vigil.services.centers.checkSilence();
    await t.vigil.services.centers.checkSilence();

    const open = (await getJson<{ items: Alert[] }>('/api/v1/alerts?status=open', analyst)).items.filter((a) => a.entityId === center.id);
    expect(open).toMatchObject([{ kind: 'center.silent', status: 'open' }]);
    const alertId = open[0]?.id ?? '';
    const ack = await post(`/api/v1/alerts/${alertId}/acknowledge`, undefined, analyst);
    expect(ack.status).toBe(200);
    expect(await ack.json()).toMatchObject({ status: 'acknowledged', acknowledgedBy: analyst.userId });
    expect((await post(`/api/v1/alerts/${alertId}/acknowledge`, undefined, admin)).status).toBe(200);
    const unresolved = (await getJson<{ items: Alert[] }>('/api/v1/alerts?status=unresolved', admin)).items.filter((a) => a.entityId === center.id);
    expect(unresolved.map((a) => a.status)).toEqual(['acknowledged']);

    expect((await post('/api/v1/centers/heartbeat', {}, key)).status).toBe(200);
    const after = (await getJson<{ items: Alert[] }>('/api/v1/alerts', analyst)).items.filter((a) => a.entityId === center.id);
    expect(after.map((a) => a.status)).toEqual(['resolved']);
    const late = await post(`/api/v1/alerts/${alertId}/acknowledge`, undefined, analyst);
    expect([late.status, await responseCode(late)]).toEqual([409, 'alert.resolved']);
    const unknown = await post('/api/v1/alerts/00000000-0000-4000-8000-000000000000/acknowledge', undefined, analyst);
    expect([unknown.status, await responseCode(unknown)]).toEqual([404, 'alert.not_found']);
    const bad = await t.request('/api/v1/alerts?status=whatever', { as: analyst });
    expect([bad.status, await responseCode(bad)]).toEqual([400, 'validation.failed']);
  });

  it('pages through alerts with a keyset cursor', async () => {
    for (let i = 0; i < 3; i++) {
      const c = await newCenter();
      await sql`update centers set last_heartbeat_at = now() - interval '1 hour' where id = ${c.id}`.execute(t.database.db);
    }
    await t.vigil.services.centers.checkSilence();
    const ids: string[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const page: { items: Alert[]; nextCursor: string | null } = await getJson(`/api/v1/alerts?limit=2${cursor ? `&cursor=${cursor}` : ''}`, analyst);
      ids.push(...page.items.map((a) => a.id));
      cursor = page.nextCursor;
    }
    expect(ids.length).toBeGreaterThanOrEqual(3);
    expect(new Set(ids).size).toBe(ids.length);
    const tampered = await t.request('/api/v1/alerts?cursor=nope', { as: analyst });
    expect([tampered.status, await responseCode(tampered)]).toEqual([400, 'pagination.invalid_cursor']);
  });
});
