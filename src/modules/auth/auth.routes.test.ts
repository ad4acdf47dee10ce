import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngine } from '../../platform/db/testing.ts';
import { createTestApp, PASSWORD, type Session, type TestApp } from '../../test-support/app.ts';
import { responseCode } from '../../test-support/errors.ts';

type Err = { error: { code: string; details?: Record<string, unknown> } };

describe(`auth over HTTP (${testEngine()})`, () => {
  let t: TestApp;
  let admin: Session;
  beforeAll(async () => {
    t = await createTestApp({ VIGIL_LOGIN_MAX_FAILURES: '3' });
    admin = await t.signIn('admin');
  });
  afterAll(async () => t.close());

  it('sets an HttpOnly SameSite=Strict session cookie and never returns the password hash', async () => {
    await t.vigil.services.users.create({ email: 'cookie@example.org', name: 'C', role: 'analyst', password: PASSWORD }, { userId: null, label: 't' });
    const res = await t.request('/api/v1/auth/login', { method: 'POST', body: JSON.stringify({ email: 'Cookie@Example.org', password: PASSWORD }) });
    expect(res.status).toBe(200);
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/vigil_session=/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(JSON.stringify(await res.json())).not.toMatch(/scrypt|password/i);
  });

  it('stores the password with a memory-hard hash', async () => {
    const { rows } = await sql<{ h: string }>`select password_hash as h from users where email_key = 'cookie@example.org'`.execute(t.database.db);
    expect(rows[0]?.h).toMatch(/^scrypt\$32768\$8\$1\$/);
  });

  it('answers a wrong password and an unknown user the same way', async () => {
    const a = await t.request('/api/v1/auth/login', { method: 'POST', body: JSON.stringify({ email: 'cookie@example.org', password: 'wrong password!' }) });
    const b = await t.request('/api/v1/auth/login', { method: 'POST', body: JSON.stringify({ email: 'nobody@example.org', password: 'wrong password!' }) });
    expect([a.status, b.status]).toEqual([401, 401]);
    expect([await responseCode(a), await responseCode(b)]).toEqual(['auth.invalid_credentials', 'auth.invalid_credentials']);
  });

  it('throttles an account after repeated failures, even for the right password', async () => {
    await t.vigil.services.users.create({ email: 'victim@example.org', name: 'V', role: 'analyst', password: PASSWORD }, { userId: null, label: 't' });
    for (let i = 0; i < 3; i++) {
      await t.request('/api/v1/auth/login', { method: 'POST', body: JSON.stringify({ email: 'victim@example.org', password: 'not the password' }) });
    }
    const res = await t.request('/api/v1/auth/login', { method: 'POST', body: JSON.stringify({ email: 'victim@example.org', password: PASSWORD }) });
    expect(res.status).toBe(429);
    const body = (await res.json()) as Err;
    expect(body.error.code).toBe('auth.throttled');
    expect(body.error.details?.retryAfterSeconds).toBeGreaterThan(0);
  });

  it('requires the CSRF token for changes made with the session cookie', async () => {
    const res = await t.request('/api/v1/sectors', { method: 'POST', body: JSON.stringify({ code: 'csrf-test', name: 'X' }), as: { ...admin, csrf: undefined } });
    expect(res.status).toBe(403);
    expect(await responseCode(res)).toBe('auth.csrf_failed');
    const ok = await t.request('/api/v1/sectors', { method: 'POST', body: JSON.stringify({ code: 'csrf-test', name: 'X' }), as: admin });
    expect(ok.status).toBe(201);
  });

  it('lets a browser with a live session cookie sign in again without a CSRF token', async () => {
    const s = await t.signIn('analyst');
    const me = (await (await t.request('/api/v1/auth/me', { as: s })).json()) as { user: { email: string } };
    const res = await t.request('/api/v1/auth/login', { method: 'POST', as: { ...s, csrf: undefined }, body: JSON.stringify({ email: me.user.email, password: PASSWORD }) });
    expect(res.status).toBe(200);
  });

  it('marks the cookie Secure when Vigil is served over HTTPS', async () => {
    const https = await createTestApp({ VIGIL_PUBLIC_URL: 'https://vigil.example.org' });
    try {
      await https.vigil.services.users.create({ email: 'tls@example.org', name: 'T', role: 'analyst', password: PASSWORD }, { userId: null, label: 't' });
      const res = await https.request('/api/v1/auth/login', { method: 'POST', body: JSON.stringify({ email: 'tls@example.org', password: PASSWORD }) });
      expect(res.headers.get('set-cookie')).toMatch(/; Secure/);
    } finally {
      await https.close();
    }
  });

  it('ends the session on logout', async () => {
    const s = await t.signIn('analyst');
    expect((await t.request('/api/v1/auth/logout', { method: 'POST', as: s })).status).toBe(204);
    expect((await t.request('/api/v1/auth/me', { as: s })).status).toBe(401);
  });

  it('shows an API key once, stores it hashed, and lets a machine call with it', async () => {
    const res = await t.request('/api/v1/api-keys', { method: 'POST', as: admin, body: JSON.stringify({ name: 'feed', scopes: ['lookup'] }) });
    expect(res.status).toBe(201);
    const { key, apiKey } = (await res.json()) as { key: string; apiKey: { id: string; prefix: string } };
    expect(key).toMatch(/^vgl_/);
    const { rows } = await sql<{ s: string }>`select secret_hash as s from api_keys where id = ${apiKey.id}`.execute(t.database.db);
    // The secret is everything after `vgl_<prefix>_`: base64url, so it may itself hold underscores.
    const secret = key.slice('vgl_'.length + 12 + 1);
    expect(secret).toHaveLength(43);
    expect(rows[0]?.s).not.toContain(secret);
    const list = JSON.stringify(await (await t.request('/api/v1/api-keys', { as: admin })).json());
    expect(list).not.toContain(key);
    expect((await t.request('/api/v1/lookup?q=198.18.0.1', { as: { apiKey: key, userId: '' } })).status).toBe(200);
  });

  it('limits an API key to its scopes', async () => {
    const { key } = (await (await t.request('/api/v1/api-keys', { method: 'POST', as: admin, body: JSON.stringify({ name: 'narrow', scopes: ['lookup'] }) })).json()) as { key: string };
    const res = await t.request('/api/v1/organizations', { as: { apiKey: key, userId: '' } });
    expect(res.status).toBe(403);
    expect(await responseCode(res)).toBe('auth.forbidden');
  });

  it('refuses revoked and expired API keys with distinct codes', async () => {
    const created = (await (await t.request('/api/v1/api-keys', { method: 'POST', as: admin, body: JSON.stringify({ name: 'r', scopes: ['lookup'] }) })).json()) as { key: string; apiKey: { id: string } };
    expect((await t.request(`/api/v1/api-keys/${created.apiKey.id}`, { method: 'DELETE', as: admin })).status).toBe(204);
    const revoked = await t.request('/api/v1/lookup?q=198.18.0.1', { as: { apiKey: created.key, userId: '' } });
    expect([revoked.status, await responseCode(revoked)]).toEqual([401, 'auth.api_key_revoked']);

    const exp = (await (await t.request('/api/v1/api-keys', { method: 'POST', as: admin, body: JSON.stringify({ name: 'e', scopes: ['lookup'] }) })).json()) as { key: string; apiKey: { id: string } };
    await sql`update api_keys set expires_at = now() - interval '1 minute' where id = ${exp.apiKey.id}`.execute(t.database.db);
    const expired = await t.request('/api/v1/lookup?q=198.18.0.1', { as: { apiKey: exp.key, userId: '' } });
    expect([expired.status, await responseCode(expired)]).toEqual([401, 'auth.api_key_expired']);

    const forged = await t.request('/api/v1/lookup?q=198.18.0.1', { as: { apiKey: `${exp.key.slice(0, -4)}AAAA`, userId: '' } });
    expect([forged.status, await responseCode(forged)]).toEqual([401, 'auth.invalid_api_key']);
  });

  it('refuses to give a key scopes beyond its owner role', async () => {
    const partner = await t.vigil.services.users.create({ email: 'partner-cert@example.org', name: 'P', role: 'partner' }, { userId: null, label: 't' });
    const res = await t.request('/api/v1/api-keys', { method: 'POST', as: admin, body: JSON.stringify({ name: 'p', userId: partner.id, scopes: ['constituency:read'] }) });
    expect([res.status, await responseCode(res)]).toEqual([400, 'api_key.scope_not_allowed']);
  });

  it('keeps user management to administrators', async () => {
    const analyst = await t.signIn('analyst');
    const res = await t.request('/api/v1/users', { as: analyst });
    expect([res.status, await responseCode(res)]).toEqual([403, 'auth.forbidden']);
    expect((await t.request('/api/v1/users', { as: admin })).status).toBe(200);
  });

  it('creates the first admin once with the bootstrap token', async () => {
    const fresh = await createTestApp();
    try {
      const token = await fresh.vigil.services.users.issueBootstrapToken();
      const body = { token, email: 'first@example.org', name: 'First', password: PASSWORD };
      const bad = await fresh.request('/api/v1/auth/bootstrap', { method: 'POST', body: JSON.stringify({ ...body, token: 'nope' }) });
      expect([bad.status, await responseCode(bad)]).toEqual([401, 'auth.invalid_bootstrap_token']);
      const ok = await fresh.request('/api/v1/auth/bootstrap', { method: 'POST', body: JSON.stringify(body) });
      expect(ok.status).toBe(201);
      const again = await fresh.request('/api/v1/auth/bootstrap', { method: 'POST', body: JSON.stringify({ ...body, email: 'second@example.org' }) });
      expect([again.status, await responseCode(again)]).toEqual([409, 'auth.already_bootstrapped']);
    } finally {
      await fresh.close();
    }
  });

  it('audits sign-ins and user changes, readable by admins only', async () => {
    const res = await t.request('/api/v1/audit?limit=200', { as: admin });
    const { items } = (await res.json()) as { items: { action: string; before: unknown; after: unknown }[] };
    expect(items.map((i) => i.action)).toEqual(expect.arrayContaining(['auth.login', 'user.created', 'api_key.created', 'api_key.revoked']));
    expect(JSON.stringify(items)).not.toMatch(/scrypt\$|secret_hash/);
    const analyst = await t.signIn('analyst');
    expect((await t.request('/api/v1/audit', { as: analyst })).status).toBe(403);
  });
});
