import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngine } from '../../platform/db/testing.ts';
import { createTestApp, type Session, type TestApp } from '../../test-support/app.ts';
import { SYSTEM_ACTOR } from '../audit/index.ts';

describe(`API key scopes for reports and alerts (${testEngine()})`, () => {
  let t: TestApp;
  let analyst: Session;
  const keys = new Map<string, Session>();
  const code = async (res: Response) => ((await res.json()) as { error?: { code: string } }).error?.code;

  beforeAll(async () => {
    t = await createTestApp();
    analyst = await t.signIn('analyst');
    for (const scope of ['reports:read', 'reports:write', 'alerts:read', 'alerts:write', 'incidents:read']) {
      const res = await t.request('/api/v1/api-keys', { method: 'POST', as: analyst, body: JSON.stringify({ name: scope, scopes: [scope] }) });
      expect(res.status).toBe(201);
      keys.set(scope, { apiKey: ((await res.json()) as { key: string }).key, userId: analyst.userId });
    }
  });
  afterAll(async () => t.close());

  it('lets a reports:read key list and read reports, and nothing else', async () => {
    expect((await t.request('/api/v1/reports', { as: keys.get('reports:read') })).status).toBe(200);
    expect((await t.request(`/api/v1/reports/${randomUUID()}`, { as: keys.get('reports:read') })).status).toBe(404);
    const patch = await t.request(`/api/v1/reports/${randomUUID()}`, { method: 'PATCH', as: keys.get('reports:read'), body: JSON.stringify({ status: 'rejected' }) });
    expect(patch.status).toBe(403);
    expect(await code(patch)).toBe('auth.forbidden');
    expect((await t.request('/api/v1/alerts', { as: keys.get('reports:read') })).status).toBe(403);
  });

  it('needs reports:write to change a report', async () => {
    const patch = await t.request(`/api/v1/reports/${randomUUID()}`, { method: 'PATCH', as: keys.get('reports:write'), body: JSON.stringify({ status: 'rejected' }) });
    expect(await code(patch)).toBe('report.not_found');
    const other = await t.request('/api/v1/reports', { as: keys.get('incidents:read') });
    expect(other.status).toBe(403);
    expect(await code(other)).toBe('auth.forbidden');
  });

  it('lets an alerts:read key list alerts but only an alerts:write key acknowledge them', async () => {
    expect((await t.request('/api/v1/alerts', { as: keys.get('alerts:read') })).status).toBe(200);
    const ack = await t.request(`/api/v1/alerts/${randomUUID()}/acknowledge`, { method: 'POST', as: keys.get('alerts:read') });
    expect(ack.status).toBe(403);
    expect(await code(ack)).toBe('auth.forbidden');
    expect(await code(await t.request(`/api/v1/alerts/${randomUUID()}/acknowledge`, { method: 'POST', as: keys.get('alerts:write') }))).toBe('alert.not_found');
    expect((await t.request('/api/v1/alerts', { as: keys.get('incidents:read') })).status).toBe(403);
  });

  it('keeps reports and alerts for national CERT staff whatever the scopes', async () => {
    const center = await t.vigil.services.centers.create({ name: `Scopes SOC ${randomUUID()}` }, SYSTEM_ACTOR);
    const operator = await t.signIn('center_operator', { centerId: center.id });
    const res = await t.request('/api/v1/api-keys', { method: 'POST', as: operator, body: JSON.stringify({ name: 'too wide', scopes: ['reports:read'] }) });
    expect(res.status).toBe(400);
    expect((await t.request('/api/v1/reports', { as: operator })).status).toBe(403);
    expect((await t.request('/api/v1/alerts', { as: operator })).status).toBe(403);
  });
});
