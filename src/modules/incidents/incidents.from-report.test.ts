import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngine } from '../../platform/db/testing.ts';
import { createTestApp, type Session, type TestApp } from '../../test-support/app.ts';

describe(`incidents from public reports (${testEngine()})`, () => {
  let t: TestApp;
  let analyst: Session;
  let orgId: string;
  beforeAll(async () => {
    t = await createTestApp();
    analyst = await t.signIn('analyst');
    orgId = (await t.createOrg('Report Owner Bank', { sector: 'banking' })).id;
    await t.vigil.services.constituency.organizations.addAsset(orgId, { type: 'domain', value: 'owner-bank.example' }, { userId: null, label: 't' });
  });
  afterAll(async () => t.close());

  async function fileReport(): Promise<string> {
    const id = randomUUID();
    const now = new Date();
    await t.database.db
      .insertInto('reports')
      .values({
        id, tracking_code: `VR-${id.slice(0, 4).toUpperCase()}-TEST`, secret_hash: 'x', category: 'phishing', rsit_taxonomy: 'fraud', rsit_type: 'phishing',
        description: 'A fake login page for my bank', contact_name: null, contact_email: null, contact_phone: null,
        observables: JSON.stringify([{ type: 'url', value: 'https://login.owner-bank.example/signin', source: 'given' }, { type: 'ipv4', value: '203.0.113.9', source: 'extracted' }]),
        status: 'received', public_status_note: null, client_ip_hash: 'h', user_agent: null, created_at: now, updated_at: now, incident_id: null,
      })
      .execute();
    return id;
  }

  it('opens a triaged incident from a report, finds the owner from its observables and links the report', async () => {
    const reportId = await fileReport();
    const res = await t.request(`/api/v1/reports/${reportId}/incident`, { method: 'POST', as: analyst, body: JSON.stringify({ severity: 'high' }) });
    expect(res.status).toBe(201);
    const inc = (await res.json()) as { id: string; source: string; state: string; organizationId: string; rsit: { type: string } };
    expect(inc).toMatchObject({ source: 'report', state: 'triaged', organizationId: orgId, rsit: { type: 'phishing' } });
    const report = await t.database.db.selectFrom('reports').select(['status', 'incident_id']).where('id', '=', reportId).executeTakeFirstOrThrow();
    expect(report).toEqual({ status: 'linked', incident_id: inc.id });
    const detail = (await (await t.request(`/api/v1/incidents/${inc.id}`, { as: analyst })).json()) as { observables: { type: string }[] };
    expect(detail.observables.map((o) => o.type).sort()).toEqual(['ipv4', 'url']);
    const again = await t.request(`/api/v1/reports/${reportId}/incident`, { method: 'POST', as: analyst, body: JSON.stringify({ severity: 'high' }) });
    expect([again.status, ((await again.json()) as { error: { code: string } }).error.code]).toEqual([409, 'report.already_linked']);
  });

  it('keeps the conversion to national CERT staff', async () => {
    const reportId = await fileReport();
    const constituent = await t.signIn('constituent', { organizationId: orgId });
    expect((await t.request(`/api/v1/reports/${reportId}/incident`, { method: 'POST', as: constituent, body: JSON.stringify({ severity: 'low' }) })).status).toBe(403);
    expect((await t.request(`/api/v1/reports/${randomUUID()}/incident`, { method: 'POST', as: analyst, body: JSON.stringify({ severity: 'low' }) })).status).toBe(404);
  });
});
