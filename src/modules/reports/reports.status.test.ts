import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngine } from '../../platform/db/testing.ts';
import { createReportsTestApp, type ReportsTestApp } from './reports.testing.ts';

type Receipt = { trackingCode: string; secret: string };
type ErrorBody = { error: { code: string; message: string; details?: { retryAfterSeconds?: number } } };

describe(`report status by tracking code (${testEngine()})`, () => {
  let t: ReportsTestApp;
  let receipt: Receipt;
  beforeAll(async () => {
    t = await createReportsTestApp({ statusFailuresPerWindow: 5 });
    const res = await t.call('/api/v1/reports', { method: 'POST', body: JSON.stringify({ ...(await t.pow()), category: 'malware', description: 'My laptop shows a ransom note' }), peer: '192.0.2.1' });
    receipt = (await res.json()) as Receipt;
  });
  afterAll(async () => t.close());

  const lookup = (body: Record<string, string>, peer: string) => t.call('/api/v1/reports/status', { method: 'POST', body: JSON.stringify(body), peer });

  it('shows the status (never the content) to whoever holds the code and the secret, however they are typed', async () => {
    const res = await lookup({ trackingCode: receipt.trackingCode.toLowerCase().replace('vr-', ''), secret: receipt.secret.replaceAll('-', ' ').toLowerCase() }, '192.0.2.10');
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toEqual({ trackingCode: receipt.trackingCode, status: 'received', category: 'malware', createdAt: expect.any(String), updatedAt: expect.any(String), publicNote: null });
    expect(JSON.stringify(body)).not.toContain('ransom');
  });

  it('gives the same 404 for a wrong secret, an unknown code and a malformed code', async () => {
    const answers = [];
    for (const body of [
      { trackingCode: receipt.trackingCode, secret: 'AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA' },
      { trackingCode: 'VR-0000-0000', secret: receipt.secret },
      { trackingCode: 'not a code', secret: 'not a secret' },
    ]) {
      const res = await lookup(body, '192.0.2.20');
      const { error } = (await res.json()) as ErrorBody;
      answers.push([res.status, error.code, error.message]);
    }
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    expect(answers[0]).toEqual([404, 'report.not_found', expect.any(String)]);
  });

  it('throttles an address that keeps guessing, even once it guesses right, and not other addresses', async () => {
    const guesser = '192.0.2.30';
    for (let i = 0; i < 5; i++) expect((await lookup({ trackingCode: `VR-0000-000${i}`, secret: receipt.secret }, guesser)).status).toBe(404);
    const res = await lookup({ trackingCode: receipt.trackingCode, secret: receipt.secret }, guesser);
    const body = (await res.json()) as ErrorBody;
    expect([res.status, body.error.code]).toEqual([429, 'report.rate_limited']);
    expect(body.error.details?.retryAfterSeconds).toBeGreaterThan(0);
    expect(res.headers.get('retry-after')).toBe(String(body.error.details?.retryAfterSeconds));
    expect((await lookup({ trackingCode: receipt.trackingCode, secret: receipt.secret }, '192.0.2.31')).status).toBe(200);
  });

  it('answers 400 for an absurd request', async () => {
    const res = await lookup({ trackingCode: 'x'.repeat(100), secret: 'y' }, '192.0.2.40');
    expect([res.status, ((await res.json()) as ErrorBody).error.code]).toEqual([400, 'validation.failed']);
  });

  it('hands out signed, expiring proof-of-work challenges without caching', async () => {
    const res = await t.call('/api/v1/reports/challenge');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const c = (await res.json()) as { challenge: string; difficulty: number; expiresAt: string };
    expect(c.challenge).toMatch(/^v1\.[A-Za-z0-9_-]+\.\d+\.8\.[A-Za-z0-9_-]+$/);
    expect(c.difficulty).toBe(8);
    expect(Date.parse(c.expiresAt)).toBeGreaterThan(Date.now());
  });

  it('purges expired throttling windows and spent challenges, keeping live ones', async () => {
    const db = t.database.db;
    const now = Date.now();
    await db.insertInto('report_rate').values([
      { key: 'test:old', window_start: new Date(now - 2 * 86400_000), count: 9 },
      { key: 'test:live', window_start: new Date(now - 60_000), count: 1 },
    ]).execute();
    await db.insertInto('report_pow_spent').values([
      { challenge_id: 'test-old', expires_at: new Date(now - 1000) },
      { challenge_id: 'test-live', expires_at: new Date(now + 600_000) },
    ]).execute();
    await t.reports.tasks[0]?.run();
    const keys = (await db.selectFrom('report_rate').select('key').where('key', 'like', 'test:%').execute()).map((r) => r.key);
    const spent = (await db.selectFrom('report_pow_spent').select('challenge_id').where('challenge_id', 'like', 'test-%').execute()).map((r) => r.challenge_id);
    expect([keys, spent]).toEqual([['test:live'], ['test-live']]);
  });
});
