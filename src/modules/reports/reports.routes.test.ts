import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngine } from '../../platform/db/testing.ts';
import type { Session } from '../../test-support/app.ts';
import { createReportsTestApp, type ReportsTestApp } from './reports.testing.ts';

type Receipt = { trackingCode: string; secret: string };
type Summary = { id: string; trackingCode: string; status: string; category: string; attachmentCount: number; observableCount: number; descriptionPreview: string | null };
type Page = { items: Summary[]; nextCursor: string | null };
type Detail = { id: string; status: string; publicNote: string | null; incidentId: string | null; attachments: { sha256: string; filename: string }[] };

describe(`reports for analysts (${testEngine()})`, () => {
  let t: ReportsTestApp;
  let analyst: Session;
  let admin: Session;
  let constituent: Session;
  const filed: (Receipt & { id: string })[] = [];
  let n = 0;

  const file = async (fields: Record<string, string>, files: { name: string; data: Uint8Array }[] = []) => {
    const form = new FormData();
    for (const [k, v] of Object.entries({ ...(await t.pow()), ...fields })) form.append(k, v);
    for (const f of files) form.append('attachments', new File([f.data as Uint8Array<ArrayBuffer>], f.name));
    const res = await t.call('/api/v1/reports', { method: 'POST', body: form, peer: `192.0.2.${++n}` });
    expect(res.status).toBe(201);
    return (await res.json()) as Receipt;
  };

  beforeAll(async () => {
    // Each reading of the clock is a second later, so the reports' creation times never tie.
    let tick = Date.now();
    t = await createReportsTestApp({}, { now: () => new Date((tick += 1000)) });
    analyst = await t.signIn('analyst');
    admin = await t.signIn('admin');
    const org = await t.createOrg('Reports Constituent Org');
    constituent = await t.signIn('constituent', { organizationId: org.id });
    const html = new TextEncoder().encode('<!doctype html><script>alert(1)</script>');
    for (const [category, description] of [
      ['phishing', 'first phishing'],
      ['ddos', 'a flood'],
      ['phishing', 'second phishing'],
      ['malware', 'a trojan'],
      ['phishing', 'third phishing'],
    ] as const) {
      const r = await file({ category, description }, category === 'malware' ? [{ name: 'évil "page".html', data: html }] : []);
      filed.push({ ...r, id: '' });
    }
    const all = (await (await t.call('/api/v1/reports?limit=200', { as: analyst })).json()) as Page;
    for (const f of filed) f.id = all.items.find((i) => i.trackingCode === f.trackingCode)?.id ?? '';
  });
  afterAll(async () => t.close());

  it('lets only analysts and administrators see reports', async () => {
    expect((await t.call('/api/v1/reports')).status).toBe(401);
    const res = await t.call('/api/v1/reports', { as: constituent });
    expect([res.status, ((await res.json()) as { error: { code: string } }).error.code]).toEqual([403, 'auth.forbidden']);
    expect((await t.call(`/api/v1/reports/${filed[0]?.id}`, { as: constituent })).status).toBe(403);
    expect((await t.call('/api/v1/reports', { as: admin })).status).toBe(200);
  });

  it('lists newest first with keyset paging and filters', async () => {
    const first = (await (await t.call('/api/v1/reports?limit=2', { as: analyst })).json()) as Page;
    expect(first.items.map((i) => i.trackingCode)).toEqual([filed[4]?.trackingCode, filed[3]?.trackingCode]);
    const second = (await (await t.call(`/api/v1/reports?limit=2&cursor=${first.nextCursor}`, { as: analyst })).json()) as Page;
    expect(second.items.map((i) => i.trackingCode)).toEqual([filed[2]?.trackingCode, filed[1]?.trackingCode]);
    const phishing = (await (await t.call('/api/v1/reports?category=phishing', { as: analyst })).json()) as Page;
    expect(phishing.items.map((i) => i.descriptionPreview)).toEqual(['third phishing', 'second phishing', 'first phishing']);
    expect(phishing.nextCursor).toBeNull();
    const bad = await t.call('/api/v1/reports?cursor=garbage', { as: analyst });
    expect(bad.status).toBe(400);
    expect((await t.call('/api/v1/reports?status=lost', { as: analyst })).status).toBe(400);
  });

  it('serves an attachment as a download only: octet-stream, attachment disposition, nosniff', async () => {
    const malware = filed[3] as Receipt & { id: string };
    const d = (await (await t.call(`/api/v1/reports/${malware.id}`, { as: analyst })).json()) as Detail;
    const att = d.attachments[0] as { sha256: string };
    const res = await t.call(`/api/v1/reports/${malware.id}/attachments/${att.sha256}`, { as: analyst });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="_vil _page_.html"; filename*=UTF-8''%C3%A9vil%20%22page%22.html`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await res.text()).toBe('<!doctype html><script>alert(1)</script>');
    // Only through a report that carries it, and only for analysts.
    expect((await t.call(`/api/v1/reports/${filed[0]?.id}/attachments/${att.sha256}`, { as: analyst })).status).toBe(404);
    expect((await t.call(`/api/v1/reports/${malware.id}/attachments/${att.sha256}`, { as: constituent })).status).toBe(403);
    expect((await t.call(`/api/v1/reports/${malware.id}/attachments/NOTAHASH`, { as: analyst })).status).toBe(400);
  });

  it('answers 404 for an unknown report', async () => {
    const res = await t.call('/api/v1/reports/00000000-0000-4000-8000-000000000000', { as: analyst });
    expect([res.status, ((await res.json()) as { error: { code: string } }).error.code]).toEqual([404, 'report.not_found']);
  });

  it('changes status and public note, audits the change, and shows it on the public status page', async () => {
    const target = filed[1] as Receipt & { id: string };
    const res = await t.call(`/api/v1/reports/${target.id}`, { method: 'PATCH', as: analyst, body: JSON.stringify({ status: 'in_review', publicNote: 'We are looking into it.' }) });
    expect(res.status).toBe(200);
    expect((await res.json()) as Detail).toMatchObject({ status: 'in_review', publicNote: 'We are looking into it.' });
    const audit = await t.database.db.selectFrom('audit_log').selectAll().where('action', '=', 'report.updated').where('entity_id', '=', target.id).execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]?.actor_id).toBe(analyst.userId);
    expect(audit[0]?.before).toEqual({ trackingCode: target.trackingCode, status: 'received', publicNote: null });
    expect(audit[0]?.after).toEqual({ trackingCode: target.trackingCode, status: 'in_review', publicNote: 'We are looking into it.' });

    const pub = await t.call('/api/v1/reports/status', { method: 'POST', body: JSON.stringify({ trackingCode: target.trackingCode, secret: target.secret }), peer: '198.18.0.1' });
    expect((await pub.json()) as Record<string, unknown>).toMatchObject({ status: 'in_review', publicNote: 'We are looking into it.' });

    // The same values again change nothing and add no audit entry.
    await t.call(`/api/v1/reports/${target.id}`, { method: 'PATCH', as: analyst, body: JSON.stringify({ status: 'in_review' }) });
    expect(await t.database.db.selectFrom('audit_log').select('seq').where('action', '=', 'report.updated').where('entity_id', '=', target.id).execute()).toHaveLength(1);
    const byStatus = (await (await t.call('/api/v1/reports?status=in_review', { as: analyst })).json()) as Page;
    expect(byStatus.items.map((i) => i.id)).toEqual([target.id]);
  });

  it('validates a change: empty, unknown status, bad incident id, CSRF', async () => {
    const id = filed[0]?.id as string;
    const patch = (body: unknown, as: Session = analyst) => t.call(`/api/v1/reports/${id}`, { method: 'PATCH', as, body: JSON.stringify(body) });
    expect((await patch({})).status).toBe(400);
    expect((await patch({ status: 'archived' })).status).toBe(400);
    expect((await patch({ incidentId: 'nope' })).status).toBe(400);
    expect((await patch({ status: 'closed' }, { ...analyst, csrf: 'wrong' })).status).toBe(403);
    expect((await patch({ status: 'closed' }, constituent)).status).toBe(403);
    const linked = (await (await patch({ status: 'linked', incidentId: '11111111-1111-4111-8111-111111111111' })).json()) as Detail;
    expect(linked).toMatchObject({ status: 'linked', incidentId: '11111111-1111-4111-8111-111111111111' });
  });
});
