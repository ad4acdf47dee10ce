/* eslint-disable @typescript-eslint/no-explicit-any -- JSON answers are read loosely in assertions */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngine } from '../../platform/db/testing.ts';
import { createTestApp, type Session, type TestApp } from '../../test-support/app.ts';
import { indicator } from '../taxii/taxii.testing.ts';

const TAXII = 'application/taxii+json;version=2.1';

/** A scripted TAXII server: one collection, pages by `next`; `failPage` answers 500 for that page. */
function fakeServer(objects: Record<string, unknown>[], state: { failPage: number | null; auth: string[] }) {
  const added = (i: number) => new Date(Date.UTC(2025, 0, 1, 0, 0, i)).toISOString();
  return http.createServer((req, res) => {
    state.auth.push(req.headers.authorization ?? '');
    const url = new URL(req.url ?? '/', 'http://x');
    res.setHeader('content-type', TAXII);
    if (url.pathname === '/api/collections/c1/') return res.end(JSON.stringify({ id: 'c1', title: 'c', can_read: true, can_write: false }));
    if (url.pathname !== '/api/collections/c1/objects/') return res.writeHead(404).end('{}');
    const after = url.searchParams.get('added_after');
    const start = url.searchParams.has('next') ? Number(url.searchParams.get('next')) : objects.findIndex((_, i) => !after || added(i) > after);
    const page = start < 0 ? 0 : start / 2;
    if (state.failPage === page) return res.writeHead(500).end(JSON.stringify({ title: 'boom' }));
    const slice = start < 0 ? [] : objects.slice(start, start + 2);
    if (slice.length) res.setHeader('x-taxii-date-added-last', added(start + slice.length - 1));
    const more = start >= 0 && start + 2 < objects.length;
    res.end(JSON.stringify({ more, ...(more ? { next: String(start + 2) } : {}), objects: slice }));
  });
}

describe(`TAXII client connections API (${testEngine()})`, () => {
  let t: TestApp;
  let admin: Session;
  let partnerId: string;
  let inbound: string;
  let outbound: string;
  let server: http.Server;
  let base: string;
  const objects = Array.from({ length: 5 }, () => indicator('green'));
  const state = { failPage: 1 as number | null, auth: [] as string[] };

  const call = async (path: string, method = 'GET', body?: unknown, as = admin) => {
    const res = await t.request(path, { method, as, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };
  const conns = () => `/api/v1/partners/${partnerId}/taxii-connections`;
  const input = (over: Record<string, unknown> = {}) => ({ title: 'fake', agreementId: inbound, direction: 'poll', apiRootUrl: `${base}/api/`, collectionId: 'c1', auth: { type: 'basic', username: 'vigil', password: 'pa55-w0rd-secret' }, pageSize: 2, ...over });

  beforeAll(async () => {
    server = fakeServer(objects, state);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    t = await createTestApp({ VIGIL_SECRETS_KEY: 'b'.repeat(64), VIGIL_INTEL_ALLOW_PRIVATE_URLS: '1' });
    admin = await t.signIn('admin');
    partnerId = (await call('/api/v1/partners', 'POST', { name: 'Fake CERT', country: 'NL', kind: 'national_cert' })).body.id as string;
    const ag = async (direction: string) => (await call(`/api/v1/partners/${partnerId}/agreements`, 'POST', { title: direction, purpose: 'p', direction, tlpLevels: ['green'], validFrom: '2020-01-01T00:00:00Z' })).body.id as string;
    inbound = await ag('inbound');
    outbound = await ag('outbound');
  }, 60_000);
  afterAll(async () => {
    server?.close();
    await t?.close();
  });

  it('never returns or audits the secret, and stores it encrypted', async () => {
    const created = await call(conns(), 'POST', input());
    expect(created.status).toBe(201);
    expect(JSON.stringify(created.body)).not.toContain('pa55-w0rd');
    expect(created.body.auth).toEqual({ type: 'basic', username: 'vigil', hasSecret: true });
    const row = await t.database.db.selectFrom('taxii_connections').select('secret_enc').where('id', '=', created.body.id).executeTakeFirstOrThrow();
    expect(row.secret_enc).not.toContain('pa55');
    const audit = await t.database.db.selectFrom('audit_log').selectAll().where('entity_id', '=', created.body.id).execute();
    expect(audit.length).toBe(1);
    expect(JSON.stringify(audit)).not.toContain('pa55-w0rd');
    expect(JSON.stringify(audit)).not.toContain(row.secret_enc!);
  });

  it('commits the checkpoint page by page: a failure mid-way keeps what was imported and the next run resumes', async () => {
    const conn = (await call(conns(), 'POST', input())).body;
    const failed = await call(`${conns()}/${conn.id}/run`, 'POST');
    expect(failed.body).toMatchObject({ outcome: 'failed', error: { code: 'taxii_client.http_status' } });
    const mid = (await call(`${conns()}/${conn.id}`)).body;
    expect(mid.checkpoint.pollAddedAfter).toBe('2025-01-01T00:00:01.000Z');
    expect(mid.lastRun.outcome).toBe('failed');
    expect(await t.database.db.selectFrom('stix_objects').select('id').where('source', '=', `partner:${partnerId}`).execute()).toHaveLength(2);
    state.failPage = null;
    const resumed = await call(`${conns()}/${conn.id}/run`, 'POST');
    expect(resumed.body.poll).toMatchObject({ accepted: 3 });
    expect(resumed.body.poll.checkpoint).toBe('2025-01-01T00:00:04.000Z');
    expect(state.auth.at(-1)).toBe(`Basic ${Buffer.from('vigil:pa55-w0rd-secret').toString('base64')}`);
  });

  it('refuses a push through an inbound agreement, a poll through an outbound one, and both URLs at once', async () => {
    expect((await call(conns(), 'POST', input({ direction: 'push' }))).body.error.code).toBe('taxii_client.agreement_direction');
    expect((await call(conns(), 'POST', input({ agreementId: outbound }))).body.error.code).toBe('taxii_client.agreement_direction');
    const both = await call(conns(), 'POST', input({ discoveryUrl: `${base}/taxii2/` }));
    expect(both.status).toBe(400);
    expect(both.body.error.code).toBe('validation.failed');
    expect((await call(conns(), 'POST', input({ apiRootUrl: 'file:///etc/passwd' }))).body.error.code).toBe('validation.failed');
  });

  it('answers 404 for a connection under another partner, and 403 for a constituent', async () => {
    const conn = (await call(conns(), 'POST', input())).body;
    const other = (await call('/api/v1/partners', 'POST', { name: 'Other CERT', country: 'BE', kind: 'national_cert' })).body.id as string;
    expect((await call(`/api/v1/partners/${other}/taxii-connections/${conn.id}`)).body.error.code).toBe('taxii_client.not_found');
    const org = await t.createOrg('Some utility');
    const constituent = await t.signIn('constituent', { organizationId: org.id });
    expect((await call(conns(), 'GET', undefined, constituent)).status).toBe(403);
  });
});

describe(`TAXII client SSRF guard (${testEngine()})`, () => {
  it('refuses loopback and private partner URLs unless VIGIL_INTEL_ALLOW_PRIVATE_URLS is set', async () => {
    const t = await createTestApp({ VIGIL_SECRETS_KEY: 'c'.repeat(64) });
    try {
      const admin = await t.signIn('admin');
      const call = async (path: string, body: unknown) => {
        const res = await t.request(path, { method: 'POST', as: admin, body: JSON.stringify(body) });
        return { status: res.status, body: (await res.json()) as Record<string, any> };
      };
      const partnerId = (await call('/api/v1/partners', { name: 'P', country: 'NL', kind: 'national_cert' })).body.id as string;
      const agreementId = (await call(`/api/v1/partners/${partnerId}/agreements`, { title: 'in', purpose: 'p', direction: 'inbound', tlpLevels: ['green'], validFrom: '2020-01-01T00:00:00Z' })).body.id as string;
      for (const url of ['http://127.0.0.1:9/taxii2/', 'http://[::1]/taxii2/', 'http://169.254.169.254/latest/', 'http://10.1.2.3/']) {
        const r = await call(`/api/v1/partners/${partnerId}/taxii-connections`, { title: 'x', agreementId, direction: 'poll', discoveryUrl: url, collectionId: 'c', auth: { type: 'none' } });
        expect(r.status, url).toBe(400);
        expect(r.body.error.code).toBe('taxii_client.url_forbidden');
      }
    } finally {
      await t.close();
    }
  });
});
