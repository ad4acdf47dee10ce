import { OpenAPIHono } from '@hono/zod-openapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../platform/clock.ts';
import { testEngine } from '../../platform/db/testing.ts';
import type { AppEnv } from '../../platform/http/context.ts';
import { handleError } from '../../platform/http/errors.ts';
import { requestContext } from '../../platform/http/middleware.ts';
import { createRouter } from '../../platform/http/openapi.ts';
import { createTestApp, type Session, type TestApp } from '../../test-support/app.ts';
import { authMiddleware } from '../auth/index.ts';
import { createNotify } from './index.ts';
import { silentLog } from './notify.test-support.ts';
import { responseCode } from '../../test-support/errors.ts';

type Endpoint = { id: string; name: string; url: string; eventTypes: string[]; isActive: boolean };

// The notify routes behind the real auth middleware, on the test app's database and sessions.
function mountNotify(t: TestApp, smtpUrl: string | undefined) {
  const notify = createNotify({ db: t.database.db, audit: t.vigil.services.audit, clock: systemClock, log: silentLog, config: { smtpUrl, smtpFrom: 'vigil@cert.example', webhookTimeoutMs: 1000 } });
  const api = createRouter();
  api.use('*', authMiddleware(t.vigil.services.auth));
  api.route('/', notify.routes());
  const app = new OpenAPIHono<AppEnv>();
  app.onError(handleError);
  app.use('*', requestContext(silentLog));
  app.route('/api/v1', api);
  app.doc31('/api/openapi.json', { openapi: '3.1.0', info: { title: 'notify', version: '0' } });
  return (path: string, init: { method?: string; body?: unknown; as?: Session } = {}) => {
    const headers = new Headers();
    if (init.as?.cookie) headers.set('cookie', init.as.cookie);
    if (init.as?.csrf && init.method && init.method !== 'GET') headers.set('x-csrf-token', init.as.csrf);
    if (init.body !== undefined) headers.set('content-type', 'application/json');
    return app.request(path, { method: init.method ?? 'GET', headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
  };
}

describe(`notify API (${testEngine()})`, () => {
  let t: TestApp;
  let admin: Session;
  let analyst: Session;
  let request: ReturnType<typeof mountNotify>;
  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.signIn('admin');
    analyst = await t.signIn('analyst');
    request = mountNotify(t, 'smtp://127.0.0.1:1');
  });
  afterAll(async () => t.close());

  const auditActions = async (entityId: string) =>
    (await t.database.db.selectFrom('audit_log').select(['action', 'before', 'after']).where('entity_id', '=', entityId).orderBy('seq').execute());

  it('shows a generated signing secret once, on creation, and never again', async () => {
    const res = await request('/api/v1/webhook-endpoints', { method: 'POST', as: admin, body: { name: 'Partner SIEM', url: 'https://siem.partner.example/vigil', eventTypes: ['incident.created'] } });
    expect(res.status).toBe(201);
    const created = (await res.json()) as { secret: string; endpoint: Endpoint & { secret?: string } };
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(created.endpoint).toMatchObject({ name: 'Partner SIEM', url: 'https://siem.partner.example/vigil', eventTypes: ['incident.created'], isActive: true });
    expect(created.endpoint.secret).toBeUndefined();
    const list = await (await request('/api/v1/webhook-endpoints', { as: admin })).text();
    expect(list).toContain(created.endpoint.id);
    expect(list).not.toContain(created.secret);
    const audit = await auditActions(created.endpoint.id);
    expect(audit.map((a) => a.action)).toEqual(['webhook_endpoint.created']);
    expect(JSON.stringify(audit)).not.toContain(created.secret);
  });

  it('keeps a secret the administrator chose', async () => {
    const res = await request('/api/v1/webhook-endpoints', { method: 'POST', as: admin, body: { name: 'Own secret', url: 'http://10.0.0.5:8080/hook', eventTypes: ['*'], secret: 'a-long-shared-secret-1234' } });
    expect(res.status).toBe(201);
    expect(((await res.json()) as { secret: string }).secret).toBe('a-long-shared-secret-1234');
  });

  it('rejects an endpoint URL that is not http(s), carries credentials, or subscribes to a malformed event', async () => {
    for (const body of [
      { name: 'x', url: 'ftp://files.example/hook', eventTypes: ['incident.created'] },
      { name: 'x', url: 'https://user:pass@siem.example/hook', eventTypes: ['incident.created'] },
      { name: 'x', url: 'https://siem.example/hook', eventTypes: ['Incident Created'] },
      { name: 'x', url: 'https://siem.example/hook', eventTypes: [] },
      { name: 'x', url: 'https://siem.example/hook', eventTypes: ['incident.created'], secret: 'short' },
    ]) {
      const res = await request('/api/v1/webhook-endpoints', { method: 'POST', as: admin, body });
      expect([res.status, await responseCode(res)]).toEqual([400, 'validation.failed']);
    }
  });

  it('deletes an endpoint with an audit entry, then answers 404', async () => {
    const created = (await (await request('/api/v1/webhook-endpoints', { method: 'POST', as: admin, body: { name: 'Short-lived', url: 'https://a.example/h', eventTypes: ['incident.created'] } })).json()) as { endpoint: Endpoint };
    const id = created.endpoint.id;
    expect((await request(`/api/v1/webhook-endpoints/${id}`, { method: 'DELETE', as: admin })).status).toBe(204);
    const again = await request(`/api/v1/webhook-endpoints/${id}`, { method: 'DELETE', as: admin });
    expect([again.status, await responseCode(again)]).toEqual([404, 'webhook_endpoint.not_found']);
    expect((await auditActions(id)).map((a) => a.action)).toEqual(['webhook_endpoint.created', 'webhook_endpoint.deleted']);
  });

  it('queues a test e-mail that shows in the outbox, audited', async () => {
    const res = await request('/api/v1/notifications/test-email', { method: 'POST', as: admin, body: { to: 'admin@cert.example' } });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    const page = (await (await request('/api/v1/notifications?status=pending', { as: admin })).json()) as { items: { id: string; channel: string; recipient: string; status: string; related: unknown }[] };
    expect(page.items.find((n) => n.id === id)).toMatchObject({ channel: 'email', recipient: 'admin@cert.example', status: 'pending', related: { type: 'notification_test', id: null } });
    expect((await auditActions(id)).map((a) => a.action)).toEqual(['notification.test_email_queued']);
    const bad = await request('/api/v1/notifications/test-email', { method: 'POST', as: admin, body: { to: 'nobody' } });
    expect([bad.status, await responseCode(bad)]).toEqual([400, 'validation.failed']);
  });

  it('refuses a test e-mail with notify.smtp_not_configured when no SMTP server is set', async () => {
    const withoutSmtp = mountNotify(t, undefined);
    const res = await withoutSmtp('/api/v1/notifications/test-email', { method: 'POST', as: admin, body: { to: 'admin@cert.example' } });
    expect([res.status, await responseCode(res)]).toEqual([409, 'notify.smtp_not_configured']);
  });

  it('pages through the outbox newest first with a keyset cursor and filters by status', async () => {
    for (let i = 0; i < 5; i++) await request('/api/v1/notifications/test-email', { method: 'POST', as: admin, body: { to: `page${i}@cert.example` } });
    const seen: string[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const res = await request(`/api/v1/notifications?limit=2${cursor ? `&cursor=${cursor}` : ''}`, { as: admin });
      const page = (await res.json()) as { items: { id: string; createdAt: string }[]; nextCursor: string | null };
      seen.push(...page.items.map((n) => n.id));
      cursor = page.nextCursor;
    }
    expect(seen.length).toBeGreaterThanOrEqual(5);
    expect(new Set(seen).size).toBe(seen.length);
    const sent = (await (await request('/api/v1/notifications?status=sent', { as: admin })).json()) as { items: unknown[] };
    expect(sent.items).toEqual([]);
    const bad = await request('/api/v1/notifications?cursor=bm9wZQ', { as: admin });
    expect([bad.status, await responseCode(bad)]).toEqual([400, 'pagination.invalid_cursor']);
  });

  it('answers 403 to a signed-in user without users:manage, and 401 to nobody', async () => {
    for (const [method, path, body] of [
      ['GET', '/api/v1/notifications', undefined],
      ['POST', '/api/v1/notifications/test-email', { to: 'x@example.org' }],
      ['GET', '/api/v1/webhook-endpoints', undefined],
      ['POST', '/api/v1/webhook-endpoints', { name: 'x', url: 'https://x.example/h', eventTypes: ['*'] }],
      ['DELETE', '/api/v1/webhook-endpoints/00000000-0000-4000-8000-000000000000', undefined],
    ] as const) {
      const forbidden = await request(path, { method, as: analyst, body });
      expect([method, path, forbidden.status, await responseCode(forbidden)]).toEqual([method, path, 403, 'auth.forbidden']);
      const anonymous = await request(path, { method, body });
      expect(anonymous.status).toBe(401);
    }
  });

  it('documents its routes in OpenAPI', async () => {
    const doc = (await (await request('/api/openapi.json')).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/notifications', '/api/v1/notifications/test-email', '/api/v1/webhook-endpoints', '/api/v1/webhook-endpoints/{id}']));
  });
});
