import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngine } from '../../platform/db/testing.ts';
import type { Session } from '../../test-support/app.ts';
import { createReportsTestApp, type ReportsTestApp } from './reports.testing.ts';

type Receipt = { trackingCode: string; secret: string; statusUrl: string; observables: number; discarded?: { description: boolean; attachments: number; observables: number }; notice?: string };
type ErrorBody = { error: { code: string; message: string; details: Record<string, unknown> } };
type Detail = {
  id: string;
  description: string | null;
  contact: unknown;
  rsit: { taxonomy: string; type: string };
  observables: { type: string; value: string; source: string }[];
  attachments: { sha256: string; filename: string; declaredType: string | null; sniffedType: string; size: number }[];
};

const PDF = new TextEncoder().encode('%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n');
const KB = 1024;

describe(`public report intake (${testEngine()})`, () => {
  let t: ReportsTestApp;
  let analyst: Session;
  let peer = 0;
  // Each test files from its own address unless it is about the per-address limit.
  const nextPeer = () => `198.51.100.${++peer}`;

  beforeAll(async () => {
    t = await createReportsTestApp({ maxFileBytes: 64 * KB, maxMultipartBytes: 200 * KB, maxFiles: 2, reportsPerWindow: 3 });
    analyst = await t.signIn('analyst');
  });
  afterAll(async () => t.close());

  const postJson = async (body: Record<string, unknown>, peerAddress = nextPeer()) =>
    t.call('/api/v1/reports', { method: 'POST', body: JSON.stringify({ ...(await t.pow()), ...body }), peer: peerAddress });

  const postForm = async (fields: Record<string, string>, files: { name: string; type?: string; data: Uint8Array }[] = [], peerAddress = nextPeer()) => {
    const form = new FormData();
    for (const [k, v] of Object.entries({ ...(await t.pow()), ...fields })) form.append(k, v);
    for (const f of files) form.append('attachments', new File([f.data as Uint8Array<ArrayBuffer>], f.name, { type: f.type ?? '' }));
    return t.call('/api/v1/reports', { method: 'POST', body: form, peer: peerAddress });
  };

  const detail = async (trackingCode: string): Promise<Detail> => {
    const list = (await (await t.call('/api/v1/reports?limit=200', { as: analyst })).json()) as { items: { id: string; trackingCode: string }[] };
    const id = list.items.find((i) => i.trackingCode === trackingCode)?.id;
    return (await (await t.call(`/api/v1/reports/${id}`, { as: analyst })).json()) as Detail;
  };
  const errorOf = async (res: Response) => ((await res.json()) as ErrorBody).error;

  it('files an anonymous JSON report, extracting defanged observables, and answers a tracking code and a secret', async () => {
    const res = await postJson({
      category: 'phishing',
      description: 'A mail from billing[@]bank-secure[.]example sent me to hxxps://bank-secure[.]example/login',
      observables: ['198.51.100.77', { type: 'domain', value: 'Bank-Secure.Example' }],
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const receipt = (await res.json()) as Receipt;
    expect(receipt.trackingCode).toMatch(/^VR-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    expect(receipt.secret).toMatch(/^([0-9A-HJKMNP-TV-Z]{4}-){6}[0-9A-HJKMNP-TV-Z]{4}$/);
    expect(receipt.statusUrl).toBe(`/report/status?code=${receipt.trackingCode}`);
    expect(receipt.notice).toBeUndefined();

    const d = await detail(receipt.trackingCode);
    expect(d.contact).toBeNull();
    expect(d.rsit).toEqual({ taxonomy: 'fraud', type: 'phishing' });
    expect(d.observables).toEqual([
      { type: 'ipv4', value: '198.51.100.77', source: 'given' },
      { type: 'domain', value: 'bank-secure.example', source: 'given' },
      { type: 'email', value: 'billing@bank-secure.example', source: 'extracted' },
      { type: 'url', value: 'https://bank-secure.example/login', source: 'extracted' },
    ]);
  });

  it('keeps contact details when the reporter gives them', async () => {
    const res = await postJson({ category: 'ddos', description: 'Our shop is down', contactName: 'Ada', contactEmail: 'ada@shop.example', contactPhone: '+1 555 0100' });
    const d = await detail(((await res.json()) as Receipt).trackingCode);
    expect(d.contact).toEqual({ name: 'Ada', email: 'ada@shop.example', phone: '+1 555 0100' });
  });

  it('stores an attachment once by SHA-256 for two reports with the same bytes, with its sniffed type', async () => {
    const first = (await (await postForm({ category: 'fraud', description: 'Fake invoice attached' }, [{ name: 'invoice.txt', type: 'text/plain', data: PDF }])).json()) as Receipt;
    const res = await postForm({ category: 'fraud', description: 'Same invoice, other victim', observables: 'evil.example\n198.51.100.9' }, [{ name: '../../x/Rechnung ü.pdf', type: 'application/pdf', data: PDF }]);
    expect(res.status).toBe(201);
    const second = (await res.json()) as Receipt;
    const [a, b] = [await detail(first.trackingCode), await detail(second.trackingCode)];
    expect(a.attachments).toEqual([{ sha256: expect.stringMatching(/^[0-9a-f]{64}$/), filename: 'invoice.txt', declaredType: 'text/plain', sniffedType: 'application/pdf', size: PDF.length }]);
    expect(b.attachments[0]).toMatchObject({ sha256: a.attachments[0]?.sha256, filename: 'Rechnung ü.pdf', declaredType: 'application/pdf' });
    expect(b.observables.map((o) => o.value)).toEqual(['evil.example', '198.51.100.9']);
    const stored = await t.database.db.selectFrom('attachments').select('sha256').where('sha256', '=', a.attachments[0]?.sha256 as string).execute();
    expect(stored).toHaveLength(1);
  });

  it('keeps only URLs and metadata of a child-abuse report, and says so', async () => {
    const before = await t.database.db.selectFrom('attachments').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const res = await postForm(
      { category: 'child_abuse', description: 'Seen at hxxp://bad[.]example/gallery and on 198.51.100.66', observables: 'https://other-bad.example/x\nbad-host.example', contactEmail: 'me@home.example' },
      [{ name: 'screenshot.png', type: 'image/png', data: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]) }],
    );
    expect(res.status).toBe(201);
    const receipt = (await res.json()) as Receipt;
    expect(receipt.discarded).toEqual({ description: true, attachments: 1, observables: 2 });
    expect(receipt.notice).toMatch(/only the web addresses/);
    const d = await detail(receipt.trackingCode);
    expect(d.description).toBeNull();
    expect(d.attachments).toEqual([]);
    expect(d.rsit).toEqual({ taxonomy: 'abusive-content', type: 'violence' });
    expect(d.observables).toEqual([
      { type: 'url', value: 'https://other-bad.example/x', source: 'given' },
      { type: 'url', value: 'http://bad.example/gallery', source: 'extracted' },
    ]);
    expect(d.contact).toEqual({ name: null, email: 'me@home.example', phone: null });
    const after = await t.database.db.selectFrom('attachments').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
    const raw = await t.database.db.selectFrom('reports').select(['description']).where('tracking_code', '=', receipt.trackingCode).executeTakeFirstOrThrow();
    expect(raw.description).toBeNull();
  });

  it('asks for a URL when a child-abuse report has none', async () => {
    const res = await postJson({ category: 'child_abuse', description: 'I saw something terrible' });
    expect([res.status, (await errorOf(res)).code]).toEqual([400, 'report.url_required']);
  });

  it('answers 413 for an attachment over the per-file limit and for a body over the total limit', async () => {
    const big = await postForm({ category: 'malware', description: 'sample' }, [{ name: 'big.bin', data: new Uint8Array(65 * KB) }]);
    const e = await errorOf(big);
    expect([big.status, e.code, e.details.filename]).toEqual([413, 'report.attachment_too_large', 'big.bin']);
    const huge = await postForm({ category: 'malware', description: 'sample' }, [
      { name: 'a.bin', data: new Uint8Array(60 * KB).fill(1) },
      { name: 'b.bin', data: new Uint8Array(60 * KB).fill(2) },
      { name: 'c.bin', data: new Uint8Array(60 * KB).fill(3) },
      { name: 'd.bin', data: new Uint8Array(60 * KB).fill(4) },
    ]);
    expect([huge.status, (await errorOf(huge)).code]).toEqual([413, 'request.too_large']);
  });

  it('refuses a streamed body over the limit without reading all of it', async () => {
    let sent = 0;
    const stream = new ReadableStream({
      pull(ctrl) {
        if (sent >= 100) return ctrl.close();
        sent++;
        ctrl.enqueue(new Uint8Array(16 * KB).fill(0x61));
      },
    });
    const res = await t.call('/api/v1/reports', { method: 'POST', headers: { 'content-type': 'multipart/form-data; boundary=x' }, body: stream, duplex: 'half', peer: nextPeer() } as RequestInit);
    expect(res.status).toBe(413);
    expect(sent).toBeLessThan(100);
  });

  it('answers 400 for too many files', async () => {
    const files = [1, 2, 3].map((n) => ({ name: `${n}.txt`, data: new TextEncoder().encode(`file ${n}`) }));
    const res = await postForm({ category: 'other', description: 'three files' }, files);
    expect([res.status, (await errorOf(res)).code]).toEqual([400, 'report.too_many_attachments']);
  });

  it('answers 400 for an unknown category, naming the allowed ones', async () => {
    const res = await postJson({ category: 'hacking', description: 'x' });
    const e = await errorOf(res);
    expect([res.status, e.code]).toEqual([400, 'report.unknown_category']);
    expect(e.details.allowed).toContain('account_takeover');
  });

  it('answers 400 naming each invalid observable by index', async () => {
    const res = await postJson({ category: 'phishing', observables: ['evil.example', 'not an observable', { type: 'md5', value: 'xyz' }] });
    const e = await errorOf(res);
    expect([res.status, e.code]).toEqual([400, 'report.invalid_observable']);
    expect((e.details.issues as { index: number; path: string }[]).map((i) => i.path)).toEqual(['observables.1', 'observables.2.value']);
  });

  it('answers 400 for an empty report, a wrong-typed field, malformed JSON or multipart, and 415 for other media types', async () => {
    expect((await errorOf(await postJson({ category: 'other', description: '   ' }))).code).toBe('report.empty');
    const typed = await postJson({ category: 'other', description: 42 });
    expect([typed.status, (await errorOf(typed)).code]).toEqual([400, 'validation.failed']);
    const long = await postJson({ category: 'other', description: 'x'.repeat(20_001) });
    expect((await errorOf(long)).code).toBe('validation.failed');
    const json = await t.call('/api/v1/reports', { method: 'POST', body: '{"category": ', peer: nextPeer() });
    expect([json.status, (await errorOf(json)).code]).toEqual([400, 'request.invalid_json']);
    const mp = await t.call('/api/v1/reports', { method: 'POST', headers: { 'content-type': 'multipart/form-data; boundary=zzz' }, body: 'not multipart at all', peer: nextPeer() });
    expect([mp.status, (await errorOf(mp)).code]).toEqual([400, 'report.invalid_multipart']);
    const text = await t.call('/api/v1/reports', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello', peer: nextPeer() });
    expect([text.status, (await errorOf(text)).code]).toEqual([415, 'request.unsupported_media_type']);
    const repeated = new FormData();
    repeated.append('category', 'other');
    repeated.append('category', 'fraud');
    const rep = await t.call('/api/v1/reports', { method: 'POST', body: repeated, peer: nextPeer() });
    expect([rep.status, (await errorOf(rep)).code]).toEqual([400, 'validation.failed']);
  });

  it('answers 400 for a missing, wrong or reused proof of work', async () => {
    const missing = await t.call('/api/v1/reports', { method: 'POST', body: JSON.stringify({ category: 'other', description: 'x' }), peer: nextPeer() });
    expect([missing.status, (await errorOf(missing)).code]).toEqual([400, 'validation.failed']);
    const pow = await t.pow();
    const wrong = await postJson({ category: 'other', description: 'x', powNonce: `${pow.powNonce}zz!` });
    expect([wrong.status, (await errorOf(wrong)).code]).toEqual([400, 'report.pow_invalid']);
    const forged = await postJson({ category: 'other', description: 'x', powChallenge: 'v1.abc.9999999999.0.forged', powNonce: '1' });
    expect((await errorOf(forged)).code).toBe('report.pow_invalid');
    expect((await postJson({ category: 'other', description: 'first', ...pow })).status).toBe(201);
    const again = await postJson({ category: 'other', description: 'second', ...pow });
    expect([again.status, (await errorOf(again)).code]).toEqual([400, 'report.pow_reused']);
  });

  it('rejects a report whose honeypot field is filled', async () => {
    const res = await postJson({ category: 'other', description: 'buy cheap pills', website: 'http://spam.example' });
    expect([res.status, (await errorOf(res)).code]).toEqual([400, 'report.rejected']);
  });

  it('limits reports per address with 429 and Retry-After, and counts only reports filed', async () => {
    const address = '203.0.113.50';
    expect((await postJson({ category: 'other', description: 'bad one', observables: ['nonsense!'] }, address)).status).toBe(400);
    for (let i = 0; i < 3; i++) expect((await postJson({ category: 'other', description: `report ${i}` }, address)).status).toBe(201);
    const res = await postJson({ category: 'other', description: 'one too many' }, address);
    const e = await errorOf(res);
    expect([res.status, e.code]).toEqual([429, 'report.rate_limited']);
    expect(e.details.retryAfterSeconds).toBeGreaterThan(3500);
    expect(Number(res.headers.get('retry-after'))).toBe(e.details.retryAfterSeconds);
    // Another address, and another /64 for IPv6, are not affected; the same /64 is.
    expect((await postJson({ category: 'other', description: 'elsewhere' }, '203.0.113.51')).status).toBe(201);
    for (let i = 0; i < 3; i++) expect((await postJson({ category: 'other', description: `v6 ${i}` }, `2001:db8:1:2::${i + 1}`)).status).toBe(201);
    expect((await postJson({ category: 'other', description: 'same /64' }, '2001:db8:1:2:ffff::9')).status).toBe(429);
  });

  it('audits each report as the public actor, without the description or contact details', async () => {
    const receipt = (await (await postJson({ category: 'data_leak', description: 'My secret diary', contactEmail: 'diary@home.example' })).json()) as Receipt;
    const row = await t.database.db.selectFrom('audit_log').selectAll().where('action', '=', 'report.received').orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
    expect([row.actor_id, row.actor_label]).toEqual([null, 'public']);
    expect(JSON.stringify(row.after)).toContain(receipt.trackingCode);
    expect(JSON.stringify(row.after)).not.toMatch(/diary/);
    expect(row.request_id).toBeTruthy();
  });
});

describe(`public intake under load (${testEngine()})`, () => {
  let t: ReportsTestApp;
  beforeAll(async () => {
    t = await createReportsTestApp({ maxConcurrent: 1 });
  });
  afterAll(async () => t.close());

  it('answers 503 report.busy at once when the intake gate is full, and serves again once it frees', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const stream = new ReadableStream({
      async pull(ctrl) {
        await held;
        ctrl.close();
      },
    });
    const slow = t.call('/api/v1/reports', { method: 'POST', headers: { 'content-type': 'application/json' }, body: stream, duplex: 'half' } as RequestInit);
    await new Promise((r) => setTimeout(r, 20));
    const started = performance.now();
    const busy = await t.call('/api/v1/reports/status', { method: 'POST', body: JSON.stringify({ trackingCode: 'VR-0000-0000', secret: 'x' }) });
    expect(performance.now() - started).toBeLessThan(1000);
    expect([busy.status, ((await busy.json()) as ErrorBody).error.code, busy.headers.get('retry-after')]).toEqual([503, 'report.busy', '5']);
    release();
    expect((await slow).status).toBe(400);
    const free = await t.call('/api/v1/reports/status', { method: 'POST', body: JSON.stringify({ trackingCode: 'VR-0000-0000', secret: 'x' }) });
    expect(free.status).toBe(404);
  });
});
