import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngine } from '../../platform/db/testing.ts';
import { createTestApp, type Session, type TestApp } from '../../test-support/app.ts';

type Err = { error: { code: string; details?: Record<string, unknown> } };
type Inc = { id: string; ref: string; state: string; version: number; allowedTransitions: string[]; observables?: { type: string; value: string }[] };
const body = (v: unknown) => JSON.stringify(v);
const base = { severity: 'high', rsitTaxonomy: 'fraud', rsitType: 'phishing', tlp: 'amber', pap: 'amber' };

describe(`incidents API (${testEngine()})`, () => {
  let t: TestApp;
  let analyst: Session;
  let orgA: { id: string };
  let orgB: { id: string };
  let center: { id: string };
  let centerKey: Session;
  beforeAll(async () => {
    t = await createTestApp();
    analyst = await t.signIn('analyst');
    orgA = await t.createOrg('Incident Org A');
    orgB = await t.createOrg('Incident Org B');
    const admin = await t.signIn('admin');
    center = (await (await t.request('/api/v1/centers', { method: 'POST', as: admin, body: body({ name: 'Grid SOC' }) })).json()) as { id: string };
    await t.vigil.services.centers.setOrganizations(center.id, [orgA.id], { userId: null, label: 't' });
    centerKey = await t.signIn('center_operator', { centerId: center.id });
  });
  afterAll(async () => t.close());

  const post = (path: string, v: unknown, as = analyst) => t.request(path, { method: 'POST', as, body: body(v) });
  const open = async (over: Record<string, unknown> = {}) => (await (await post('/api/v1/incidents', { title: 'Phishing wave', organizationId: orgA.id, ...base, ...over })).json()) as Inc;
  const code = async (res: Response) => ((await res.json()) as Err).error.code;

  it('opens an incident with a reference, the new state and its allowed next states', async () => {
    const res = await post('/api/v1/incidents', { title: 'Credential phishing', organizationId: orgA.id, ...base, tlp: 'TLP:AMBER', observables: [{ type: 'url', value: 'hxxps://login.bank[.]example/x' }, { type: 'ipv4', value: '198.18.5.5' }] });
    expect(res.status).toBe(201);
    const inc = (await res.json()) as Inc;
    expect(inc.ref).toMatch(/^INC-\d{4}-\d{6}$/);
    expect(inc.state).toBe('new');
    expect(inc.allowedTransitions).toEqual(['triaged', 'rejected', 'duplicate']);
    expect(inc.observables).toEqual(expect.arrayContaining([{ type: 'url', value: 'https://login.bank.example/x' }, { type: 'ipv4', value: '198.18.5.5' }]));
  });

  it('walks the lifecycle and answers an illegal transition with 409 and the allowed states', async () => {
    let inc = await open();
    const move = async (to: string) => {
      const res = await post(`/api/v1/incidents/${inc.id}/transitions`, { to, version: inc.version });
      if (res.status === 200) inc = (await res.json()) as Inc;
      return res;
    };
    const bad = await move('closed');
    expect(bad.status).toBe(409);
    const err = (await bad.json()) as Err;
    expect(err.error).toMatchObject({ code: 'incident.invalid_transition', details: { from: 'new', allowed: ['triaged', 'rejected', 'duplicate'] } });
    for (const to of ['triaged', 'containment', 'eradication', 'recovery', 'resolved', 'closed']) expect((await move(to)).status).toBe(200);
    const { items } = (await (await t.request(`/api/v1/incidents/${inc.id}/timeline`, { as: analyst })).json()) as { items: { kind: string }[] };
    expect(items.map((i) => i.kind)).toEqual(['created', ...Array(6).fill('transitioned')]);
  });

  it('loses no update when two people edit the same version: one wins, the other gets 409', async () => {
    const inc = await open();
    const [a, b] = await Promise.all([
      t.request(`/api/v1/incidents/${inc.id}`, { method: 'PATCH', as: analyst, body: body({ version: inc.version, severity: 'critical' }) }),
      t.request(`/api/v1/incidents/${inc.id}`, { method: 'PATCH', as: analyst, body: body({ version: inc.version, title: 'Renamed' }) }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const loser = a.status === 409 ? a : b;
    expect(await code(loser)).toBe('incident.version_conflict');
  });

  it('takes a center notification once, however often it is retried, and applies later updates', async () => {
    const n = { externalId: 'SOC-42', organizationId: orgA.id, ...base, description: 'Malware on a SCADA jump host', detectedAt: new Date(Date.now() - 3600_000).toISOString(), observables: [{ type: 'sha256', value: 'A'.repeat(64) }] };
    const first = await post('/api/v1/center-notifications', n, centerKey);
    expect(first.status).toBe(201);
    const created = (await first.json()) as { outcome: string; incident: Inc };
    const retry = await post('/api/v1/center-notifications', n, centerKey);
    expect([retry.status, ((await retry.json()) as { outcome: string }).outcome]).toEqual([200, 'unchanged']);
    const update = (await (await post('/api/v1/center-notifications', { ...n, severity: 'critical', status: 'contained' }, centerKey)).json()) as { outcome: string; incident: Inc };
    expect(update.outcome).toBe('updated');
    expect(update.incident.id).toBe(created.incident.id);
    const list = (await (await t.request('/api/v1/incidents?q=SCADA', { as: analyst })).json()) as { items: Inc[] };
    expect(list.items.map((i) => i.id)).toEqual([created.incident.id]);
    const { items } = (await (await t.request(`/api/v1/incidents/${created.incident.id}/timeline`, { as: analyst })).json()) as { items: { kind: string; data: { changes?: Record<string, unknown> } }[] };
    expect(items.map((i) => i.kind)).toEqual(['created', 'center_update']);
    expect(items[1]?.data.changes).toHaveProperty('severity');
  });

  it('forbids a center to notify about an organization it does not serve', async () => {
    const res = await post('/api/v1/center-notifications', { externalId: 'SOC-X', organizationId: orgB.id, ...base, description: 'x', detectedAt: new Date().toISOString() }, centerKey);
    expect([res.status, await code(res)]).toEqual([403, 'incident.organization_not_served']);
  });

  it('rejects times from the future, start after detection, unknown taxonomies and invalid observables', async () => {
    const future = new Date(Date.now() + 3600_000).toISOString();
    const n = { externalId: 'SOC-T', organizationId: orgA.id, ...base, description: 'x', detectedAt: new Date().toISOString() };
    expect(await code(await post('/api/v1/center-notifications', { ...n, detectedAt: future }, centerKey))).toBe('incident.time_in_future');
    expect(await code(await post('/api/v1/center-notifications', { ...n, startedAt: future }, centerKey))).toBe('incident.time_in_future');
    expect(await code(await post('/api/v1/center-notifications', { ...n, startedAt: new Date(Date.now() + 1000).toISOString(), detectedAt: new Date(Date.now() - 1000).toISOString() }, centerKey))).toBe('incident.start_after_detection');
    expect(await code(await post('/api/v1/incidents', { title: 'x', ...base, rsitType: 'sorcery' }))).toBe('incident.unknown_taxonomy');
    const bad = await post('/api/v1/incidents', { title: 'x', ...base, observables: [{ type: 'ipv4', value: '999.1.1.1' }] });
    expect(((await bad.json()) as Err).error).toMatchObject({ code: 'incident.invalid_observable', details: { field: 'observables[0].value' } });
    const alias = await post('/api/v1/incidents', { title: 'IntelMQ spelling', ...base, rsitTaxonomy: 'fraud', rsitType: 'unauthorized-use-of-resources' });
    expect(alias.status).toBe(201);
  });

  it('enforces TLP per viewer on the server', async () => {
    const amber = await open({ title: 'Amber case' });
    const red = await open({ title: 'Red case', tlp: 'red' });
    const strict = await open({ title: 'Strict case', tlp: 'amber+strict' });
    const other = await open({ title: 'Other org case', organizationId: orgB.id });
    const constituent = await t.signIn('constituent', { organizationId: orgA.id });
    const status = async (id: string, as: Session) => (await t.request(`/api/v1/incidents/${id}`, { as })).status;
    expect(await status(amber.id, constituent)).toBe(200);
    expect(await status(strict.id, constituent)).toBe(200);
    expect(await status(red.id, constituent)).toBe(404);
    expect(await status(other.id, constituent)).toBe(404);
    expect(await status(amber.id, centerKey)).toBe(200);
    expect(await status(strict.id, centerKey)).toBe(404);
    expect(await status(red.id, centerKey)).toBe(404);
    const admin = await t.signIn('admin');
    const otherCenter = (await (await post('/api/v1/centers', { name: 'Other SOC' }, admin)).json()) as { id: string };
    const outsider = await t.signIn('center_operator', { centerId: otherCenter.id });
    expect(await status(amber.id, outsider)).toBe(404);
    await post(`/api/v1/incidents/${red.id}/assignment`, { version: red.version, centerId: otherCenter.id });
    expect(await status(red.id, outsider)).toBe(200);
    const partner = await t.signIn('partner');
    expect(await status(amber.id, partner)).toBe(403);
  });

  it('suggests duplicates by shared observables and merges them in one action', async () => {
    const obs = [{ type: 'domain', value: 'evil-merge.example' }];
    const keep = await open({ title: 'Keep me', observables: obs });
    const dup = await open({ title: 'Duplicate', observables: [...obs, { type: 'md5', value: 'd41d8cd98f00b204e9800998ecf8427e' }] });
    const related = (await (await t.request(`/api/v1/incidents/${dup.id}/related`, { as: analyst })).json()) as { items: { id: string; shared: number }[] };
    expect(related.items[0]).toMatchObject({ id: keep.id, shared: 1 });
    const merged = await post(`/api/v1/incidents/${dup.id}/merge`, { into: keep.id, version: dup.version });
    expect(((await merged.json()) as Inc).state).toBe('merged');
    const target = (await (await t.request(`/api/v1/incidents/${keep.id}`, { as: analyst })).json()) as Inc;
    expect(target.observables?.map((o) => o.type).sort()).toEqual(['domain', 'md5']);
    const again = await post(`/api/v1/incidents/${dup.id}/merge`, { into: keep.id, version: dup.version + 1 });
    expect([again.status, await code(again)]).toEqual([409, 'incident.merge_closed']);
  });

  it('keeps tasks and comments on the timeline', async () => {
    const inc = await open();
    const task = (await (await post(`/api/v1/incidents/${inc.id}/tasks`, { title: 'Call the CISO' })).json()) as { id: string };
    await t.request(`/api/v1/incidents/${inc.id}/tasks/${task.id}`, { method: 'PATCH', as: analyst, body: body({ status: 'done' }) });
    await post(`/api/v1/incidents/${inc.id}/comments`, { body: 'CISO informed' });
    const { items } = (await (await t.request(`/api/v1/incidents/${inc.id}/timeline`, { as: analyst })).json()) as { items: { kind: string }[] };
    expect(items.map((i) => i.kind)).toEqual(['created', 'task_added', 'task_updated', 'commented']);
  });

  it('filters by state, severity and organization, and pages without repeats', async () => {
    for (let i = 0; i < 5; i++) await open({ title: `Paged ${i}`, organizationId: orgB.id, severity: 'low' });
    const seen: string[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const page = (await (await t.request(`/api/v1/incidents?organizationId=${orgB.id}&severity=low&state=new&limit=2${cursor ? `&cursor=${cursor}` : ''}`, { as: analyst })).json()) as { items: Inc[]; nextCursor: string | null };
      seen.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor;
    }
    expect(seen).toHaveLength(5);
    expect(new Set(seen).size).toBe(5);
  });
});
