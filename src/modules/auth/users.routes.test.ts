import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngine } from '../../platform/db/testing.ts';
import { createTestApp, PASSWORD, type Session, type TestApp } from '../../test-support/app.ts';
import { responseCode } from '../../test-support/errors.ts';

describe(`users and centers API (${testEngine()})`, () => {
  let t: TestApp;
  let admin: Session;
  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.signIn('admin');
  });
  afterAll(async () => t.close());

  const post = (path: string, body: unknown, as = admin) => t.request(path, { method: 'POST', as, body: JSON.stringify(body) });
  const patch = (path: string, body: unknown, as = admin) => t.request(path, { method: 'PATCH', as, body: JSON.stringify(body) });

  it('requires an organization for constituents and a center for center operators', async () => {
    const a = await post('/api/v1/users', { email: 'c1@example.org', name: 'C', role: 'constituent', password: PASSWORD });
    expect([a.status, await responseCode(a)]).toEqual([400, 'user.organization_required']);
    const b = await post('/api/v1/users', { email: 'c2@example.org', name: 'C', role: 'center_operator', password: PASSWORD });
    expect([b.status, await responseCode(b)]).toEqual([400, 'user.center_required']);
    const c = await post('/api/v1/users', { email: 'c3@example.org', name: 'C', role: 'constituent', organizationId: '00000000-0000-4000-8000-000000000000', password: PASSWORD });
    expect([c.status, await responseCode(c)]).toEqual([400, 'user.unknown_organization']);
  });

  it('rejects a second account with the same e-mail in any case', async () => {
    expect((await post('/api/v1/users', { email: 'same@example.org', name: 'S', role: 'analyst', password: PASSWORD })).status).toBe(201);
    const again = await post('/api/v1/users', { email: 'SAME@example.org', name: 'S', role: 'analyst', password: PASSWORD });
    expect([again.status, await responseCode(again)]).toEqual([409, 'user.duplicate_email']);
  });

  it('signs a deactivated user out everywhere', async () => {
    const s = await t.signIn('analyst');
    expect((await patch(`/api/v1/users/${s.userId}`, { isActive: false })).status).toBe(200);
    expect((await t.request('/api/v1/auth/me', { as: s })).status).toBe(401);
  });

  it('never demotes or deactivates the last active administrator', async () => {
    const fresh = await createTestApp();
    try {
      const only = await fresh.signIn('admin');
      const res = await fresh.request(`/api/v1/users/${only.userId}`, { method: 'PATCH', as: only, body: JSON.stringify({ role: 'analyst' }) });
      expect([res.status, await responseCode(res)]).toEqual([409, 'user.last_admin']);
    } finally {
      await fresh.close();
    }
  });

  it('pages through users with a keyset cursor', async () => {
    for (let i = 0; i < 4; i++) await post('/api/v1/users', { email: `page${i}@example.org`, name: 'P', role: 'analyst', password: PASSWORD });
    const emails: string[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const page = (await (await t.request(`/api/v1/users?limit=2${cursor ? `&cursor=${cursor}` : ''}`, { as: admin })).json()) as { items: { email: string }[]; nextCursor: string | null };
      emails.push(...page.items.map((u) => u.email));
      cursor = page.nextCursor;
    }
    expect(new Set(emails).size).toBe(emails.length);
    expect(emails).toEqual(expect.arrayContaining(['page0@example.org', 'page3@example.org']));
  });

  it('lets a center operator see its own center only', async () => {
    const mine = (await (await post('/api/v1/centers', { name: 'North SOC' })).json()) as { id: string };
    const other = (await (await post('/api/v1/centers', { name: 'South SOC' })).json()) as { id: string };
    const dup = await post('/api/v1/centers', { name: 'north soc' });
    expect([dup.status, await responseCode(dup)]).toEqual([409, 'center.duplicate_name']);
    const op = await t.signIn('center_operator', { centerId: mine.id });
    const list = (await (await t.request('/api/v1/centers', { as: op })).json()) as { items: { id: string }[] };
    expect(list.items.map((c) => c.id)).toEqual([mine.id]);
    expect((await t.request(`/api/v1/centers/${other.id}`, { as: op })).status).toBe(404);
    expect((await post('/api/v1/centers', { name: 'Rogue SOC' }, op)).status).toBe(403);
  });

  it('refuses to assign an unknown organization to a center', async () => {
    const center = (await (await post('/api/v1/centers', { name: 'East SOC' })).json()) as { id: string };
    const res = await t.request(`/api/v1/centers/${center.id}/organizations`, { method: 'PUT', as: admin, body: JSON.stringify({ organizationIds: ['00000000-0000-4000-8000-000000000000'] }) });
    expect([res.status, await responseCode(res)]).toEqual([400, 'center.unknown_organization']);
  });
});
