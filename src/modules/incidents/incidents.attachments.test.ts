import { createHash } from 'node:crypto';
import { OpenAPIHono } from '@hono/zod-openapi';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngine } from '../../platform/db/testing.ts';
import type { AppEnv } from '../../platform/http/context.ts';
import { handleError } from '../../platform/http/errors.ts';
import { limitBody, requestContext, requireMediaType } from '../../platform/http/middleware.ts';
import { createRouter } from '../../platform/http/openapi.ts';
import { createLogger } from '../../platform/logger.ts';
import { systemClock } from '../../platform/clock.ts';
import { createTestApp, type Session, type TestApp } from '../../test-support/app.ts';
import { authMiddleware } from '../auth/index.ts';
import { incidentAttachmentsRoutes, isIncidentAttachmentUpload } from './incidents.attachments.routes.ts';

type Err = { error: { code: string } };
type Item = { sha256: string; filename: string; size: number; sniffedType: string; declaredType: string | null; createdAt: string; uploadedBy: { id: string | null; label: string } };
type Items = { items: Item[] };

const MiB = 1024 * 1024;
const PDF = new TextEncoder().encode('%PDF-1.7\n% a tiny pdf\n');
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const base = { severity: 'high', rsitTaxonomy: 'fraud', rsitType: 'phishing', pap: 'amber' };

/**
 * The API as app.ts assembles it, with the one change the upload needs: the API-wide body limit and
 * JSON-only check let the upload through, and the attachments router is mounted with the others.
 */
function apiWithAttachments(t: TestApp) {
  const { auth, audit, incidents } = t.vigil.services;
  const api = createRouter();
  api.use('*', async (c, next) => {
    if (isIncidentAttachmentUpload(c.req.method, c.req.path)) return next();
    const isImport = c.req.path.startsWith('/api/v1/imports/');
    await limitBody(isImport ? t.config.maxImportBytes : t.config.maxBodyBytes)(c, async () => {
      await (isImport ? next() : requireMediaType(['application/json'])(c, next));
    });
  });
  api.use('*', authMiddleware(auth));
  api.route('/', incidentAttachmentsRoutes({ db: t.database.db, audit, clock: systemClock, repo: incidents.repo }));
  const app = new OpenAPIHono<AppEnv>();
  app.onError(handleError);
  app.use('*', requestContext(createLogger('silent')));
  app.route('/api/v1', api);
  return app;
}

describe(`incident attachments (${testEngine()})`, () => {
  let t: TestApp;
  let app: ReturnType<typeof apiWithAttachments>;
  let analyst: Session;
  let orgA: { id: string };
  let constituentA: Session;
  let constituentB: Session;

  beforeAll(async () => {
    t = await createTestApp();
    app = apiWithAttachments(t);
    analyst = await t.signIn('analyst');
    orgA = await t.createOrg('Attach Org A');
    const orgB = await t.createOrg('Attach Org B');
    constituentA = await t.signIn('constituent', { organizationId: orgA.id });
    constituentB = await t.signIn('constituent', { organizationId: orgB.id });
  });
  afterAll(async () => t.close());

  const send = (path: string, init: RequestInit & { as?: Session } = {}) => {
    const headers = new Headers(init.headers);
    if (init.as?.cookie) headers.set('cookie', init.as.cookie);
    if (init.as?.csrf && init.method && init.method !== 'GET') headers.set('x-csrf-token', init.as.csrf);
    return app.request(path, { ...init, headers });
  };
  const open = async (tlp = 'amber') => {
    const res = await t.request('/api/v1/incidents', { method: 'POST', as: analyst, body: JSON.stringify({ title: 'Attached', organizationId: orgA.id, tlp, ...base }) });
    expect(res.status).toBe(201);
    return ((await res.json()) as { id: string }).id;
  };
  const form = (...files: { name: string; data: Uint8Array<ArrayBuffer>; type?: string }[]) => {
    const f = new FormData();
    for (const file of files) f.append('file', new File([file.data], file.name, { type: file.type ?? 'application/octet-stream' }));
    return f;
  };
  const upload = (id: string, body: FormData, as = analyst) => send(`/api/v1/incidents/${id}/attachments`, { method: 'POST', as, body });
  const code = async (res: Response) => ((await res.json()) as Err).error.code;

  it('uploads, lists and downloads as an attachment that is never rendered', async () => {
    const id = await open();
    const text = new TextEncoder().encode('<html><script>alert(1)</script></html>');
    const res = await upload(id, form({ name: 'Bericht März (1).pdf', data: PDF, type: 'application/pdf' }, { name: '../../evil.html', data: text, type: 'text/html' }));
    expect(res.status).toBe(201);
    const { items } = (await res.json()) as Items;
    expect(items).toEqual([
      expect.objectContaining({ sha256: sha(PDF), filename: 'Bericht März (1).pdf', size: PDF.length, sniffedType: 'application/pdf', uploadedBy: { id: analyst.userId, label: expect.any(String) } }),
      expect.objectContaining({ sha256: sha(text), filename: 'evil.html', size: text.length, sniffedType: 'text/html' }),
    ]);

    const list = (await (await send(`/api/v1/incidents/${id}/attachments`, { as: analyst })).json()) as Items;
    expect(list.items.map((i) => i.sha256).sort()).toEqual([sha(PDF), sha(text)].sort());

    const dl = await send(`/api/v1/incidents/${id}/attachments/${sha(PDF)}`, { as: analyst });
    expect(dl.status).toBe(200);
    expect(dl.headers.get('content-type')).toBe('application/octet-stream');
    expect(dl.headers.get('content-disposition')).toBe(`attachment; filename="Bericht M_rz _1_.pdf"; filename*=UTF-8''Bericht%20M%C3%A4rz%20%281%29.pdf`);
    expect(dl.headers.get('x-content-type-options')).toBe('nosniff');
    expect(dl.headers.get('cache-control')).toBe('no-store');
    expect(new Uint8Array(await dl.arrayBuffer())).toEqual(PDF);

    const html = await send(`/api/v1/incidents/${id}/attachments/${sha(text)}`, { as: analyst });
    expect(html.headers.get('content-type')).toBe('application/octet-stream');
    expect(html.headers.get('content-disposition')).toMatch(/^attachment;/);

    expect((await send(`/api/v1/incidents/${id}/attachments/${'0'.repeat(64)}`, { as: analyst })).status).toBe(404);
  });

  it('stores the same bytes once, however often and wherever they are attached', async () => {
    const id = await open();
    const other = await open();
    const bytes = new TextEncoder().encode(`same bytes ${Date.now()}`);
    const first = (await (await upload(id, form({ name: 'a.txt', data: bytes }))).json()) as Items;
    const again = await upload(id, form({ name: 'renamed.txt', data: bytes }, { name: 'dup.txt', data: bytes }));
    expect(again.status).toBe(201);
    const second = (await again.json()) as Items;
    expect(second.items).toEqual(first.items);
    expect((await upload(other, form({ name: 'b.txt', data: bytes }))).status).toBe(201);

    const db = t.database.db;
    const count = async (table: string, where = sql``) => (await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)} where sha256 = ${sha(bytes)} ${where}`.execute(db)).rows[0]?.n;
    expect(await count('attachments')).toBe(1);
    expect(await count('incident_attachments', sql`and incident_id = ${id}`)).toBe(1);
    expect(await count('incident_attachments')).toBe(2);

    const { items } = (await (await t.request(`/api/v1/incidents/${id}/timeline`, { as: analyst })).json()) as { items: { kind: string }[] };
    expect(items.filter((e) => e.kind === 'attachment_added')).toHaveLength(1);
  });

  it('puts each new attachment on the timeline and in the audit log, as metadata only', async () => {
    const id = await open();
    await upload(id, form({ name: 'ioc.pdf', data: PDF }));
    const { items } = (await (await t.request(`/api/v1/incidents/${id}/timeline`, { as: analyst })).json()) as { items: { kind: string; data: Record<string, unknown> }[] };
    const entry = items.find((e) => e.kind === 'attachment_added');
    expect(entry?.data).toEqual({ sha256: sha(PDF), filename: 'ioc.pdf', size: PDF.length, sniffedType: 'application/pdf', declaredType: 'application/octet-stream' });
    const audit = await t.database.db.selectFrom('audit_log').select(['after']).where('action', '=', 'incident.attachment_added').where('entity_id', '=', id).execute();
    expect(audit).toHaveLength(1);
    const after = typeof audit[0]?.after === 'string' ? JSON.parse(audit[0].after) : audit[0]?.after;
    expect(after).toEqual(entry?.data);
  });

  it('follows the visibility of the incident: another organization, or TLP:RED, gets 404', async () => {
    const id = await open('amber');
    await upload(id, form({ name: 'x.pdf', data: PDF }));
    const path = `/api/v1/incidents/${id}/attachments`;
    expect((await send(path, { as: constituentA })).status).toBe(200);
    expect((await send(`${path}/${sha(PDF)}`, { as: constituentA })).status).toBe(200);
    expect((await send(path, { as: constituentB })).status).toBe(404);
    const theirs = await send(`${path}/${sha(PDF)}`, { as: constituentB });
    expect([theirs.status, await code(theirs)]).toEqual([404, 'incident.not_found']);

    const red = await open('red');
    await upload(red, form({ name: 'x.pdf', data: PDF }));
    expect((await send(`/api/v1/incidents/${red}/attachments/${sha(PDF)}`, { as: constituentA })).status).toBe(404);
    // Constituents read; they do not attach.
    expect((await upload(id, form({ name: 'y.pdf', data: PDF }), constituentA)).status).toBe(403);
    const missing = await upload('00000000-0000-4000-8000-000000000000', form({ name: 'y.pdf', data: PDF }));
    expect(missing.status).toBe(404);
  });

  it('enforces the limits: 413 past 25 MB a file, 400 past 10 files, 415 for anything but multipart', async () => {
    const id = await open();
    const big = await upload(id, form({ name: 'big.bin', data: new Uint8Array(25 * MiB + 1) }));
    expect([big.status, await code(big)]).toEqual([413, 'request.too_large']);
    const total = await upload(id, form(...[1, 2, 3].map((n) => ({ name: `part${n}.bin`, data: new Uint8Array(20 * MiB).fill(n) }))));
    expect([total.status, await code(total)]).toEqual([413, 'request.too_large']);
    const many = await upload(id, form(...Array.from({ length: 11 }, (_, n) => ({ name: `f${n}.txt`, data: new TextEncoder().encode(`file ${n}`) }))));
    expect([many.status, await code(many)]).toEqual([400, 'attachment.too_many']);
    const asJson = await send(`/api/v1/incidents/${id}/attachments`, { method: 'POST', as: analyst, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ file: 'x' }) });
    expect([asJson.status, await code(asJson)]).toEqual([415, 'request.unsupported_media_type']);
    const none = await upload(id, new FormData());
    expect(none.status).toBe(400);
    const list = (await (await send(`/api/v1/incidents/${id}/attachments`, { as: analyst })).json()) as Items;
    expect(list.items).toEqual([]);
    // A file of exactly the limit is fine.
    const ok = await upload(id, form({ name: 'max.bin', data: new Uint8Array(25 * MiB) }));
    expect(ok.status).toBe(201);
  });
});
