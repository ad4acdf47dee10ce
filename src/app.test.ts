import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngine } from './platform/db/testing.ts';
import { createTestApp, type Session, type TestApp } from './test-support/app.ts';

describe(`HTTP platform (${testEngine()})`, () => {
  let t: TestApp;
  let admin: Session;
  beforeAll(async () => {
    t = await createTestApp({ VIGIL_MAX_BODY_BYTES: '4096', VIGIL_MAX_IMPORT_BYTES: '65536' });
    admin = await t.signIn('admin');
  });
  afterAll(async () => t.close());

  it('answers unknown API routes with the error envelope and a request id', async () => {
    const res = await t.request('/api/v1/nope', { headers: { 'x-request-id': 'abc-123' } });
    expect(res.status).toBe(404);
    expect(res.headers.get('x-request-id')).toBe('abc-123');
    expect(await res.json()).toEqual({ error: { code: 'route.not_found', message: expect.any(String), requestId: 'abc-123' } });
  });

  it('replaces a malformed request id with its own', async () => {
    const res = await t.request('/api/health', { headers: { 'x-request-id': 'bad id with spaces' } });
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('rejects a body over the limit with 413', async () => {
    const res = await t.request('/api/v1/organizations', { method: 'POST', as: admin, body: JSON.stringify({ name: 'x'.repeat(10_000) }) });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('request.too_large');
  });

  it('rejects a streamed body over the limit even without Content-Length', async () => {
    const stream = new ReadableStream({
      start(ctrl) {
        for (let i = 0; i < 100; i++) ctrl.enqueue(new TextEncoder().encode('x'.repeat(1024)));
        ctrl.close();
      },
    });
    const res = await t.request('/api/v1/imports/constituency', { method: 'POST', as: admin, headers: { 'content-type': 'text/csv' }, body: stream, duplex: 'half' } as RequestInit);
    expect(res.status).toBe(413);
  });

  it('rejects a wrong media type with 415', async () => {
    const res = await t.request('/api/v1/organizations', { method: 'POST', as: admin, headers: { 'content-type': 'text/plain' }, body: 'name=x' });
    expect(res.status).toBe(415);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('request.unsupported_media_type');
  });

  it('rejects malformed JSON with 400 request.invalid_json', async () => {
    const res = await t.request('/api/v1/organizations', { method: 'POST', as: admin, body: '{"name": ' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('request.invalid_json');
  });

  it('lists every API route in the OpenAPI document', async () => {
    const doc = (await (await t.request('/api/openapi.json')).json()) as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(doc.openapi).toBe('3.1.0');
    const routes = t.vigil.app.routes.filter((r) => r.path.startsWith('/api/') && !r.path.startsWith('/api/docs') && r.path !== '/api/openapi.json' && r.method !== 'ALL');
    expect(routes.length).toBeGreaterThan(25);
    for (const r of routes) {
      const path = r.path.replace(/:(\w+)/g, '{$1}');
      expect(doc.paths[path]?.[r.method.toLowerCase()], `${r.method} ${path}`).toBeDefined();
    }
  });

  it('serves the API docs page locally, without a CDN', async () => {
    const html = await (await t.request('/api/docs')).text();
    expect(html).toContain('/api/docs/swagger-ui-bundle.js');
    expect(html).not.toMatch(/https?:\/\//);
    expect((await t.request('/api/docs/swagger-ui-bundle.js')).status).toBe(200);
  });

  it('sets security headers', async () => {
    const res = await t.request('/api/health');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });
});
