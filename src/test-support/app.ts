import { loadConfig, type Config } from '../platform/config.ts';
import type { Database } from '../platform/db/database.ts';
import { createTestDatabase } from '../platform/db/testing.ts';
import { createLogger } from '../platform/logger.ts';
import { createVigil, type Vigil } from '../app.ts';
import type { Role } from '../platform/db/schema.ts';
import { SYSTEM_ACTOR } from '../modules/audit/index.ts';
import type { Clock } from '../platform/clock.ts';

export const PASSWORD = 'correct horse battery staple';

export type TestApp = {
  vigil: Vigil;
  database: Database;
  config: Config;
  close(): Promise<void>;
  /** A request through the real app (no socket). */
  request(path: string, init?: RequestInit & { as?: Session }): Promise<Response>;
  /** Creates a user with this role and signs in; returns the cookie and CSRF token. */
  signIn(role: Role, extra?: { organizationId?: string; centerId?: string; email?: string }): Promise<Session>;
  createOrg(name: string, over?: Record<string, unknown>): Promise<{ id: string; name: string }>;
};

export type Session = { cookie?: string; csrf?: string; apiKey?: string; userId: string };

let counter = 0;
const unique = (p: string) => `${p}-${process.pid}-${Date.now().toString(36)}-${++counter}`;

/**
 * The whole app on a fresh test database (embedded, or the server from VIGIL_TEST_DATABASE_URL);
 * `dataDir` puts the embedded engine on disk there, as in production (benchmarks).
 */
export async function createTestApp(env: Record<string, string> = {}, opts: { clock?: Clock; dataDir?: string } = {}): Promise<TestApp> {
  const database = await createTestDatabase(opts.dataDir);
  const config = loadConfig({ VIGIL_LOG_LEVEL: 'silent', VIGIL_DATA_DIR: 'memory://', ...env });
  const vigil = createVigil({ config, database, log: createLogger('silent'), ...(opts.clock ? { clock: opts.clock } : {}) });

  const request: TestApp['request'] = async (path, init = {}) => {
    const headers = new Headers(init.headers);
    const s = init.as;
    if (s?.cookie) headers.set('cookie', s.cookie);
    if (s?.csrf && init.method && init.method !== 'GET') headers.set('x-csrf-token', s.csrf);
    if (s?.apiKey) headers.set('authorization', `Bearer ${s.apiKey}`);
    if (typeof init.body === 'string' && !headers.has('content-type')) headers.set('content-type', 'application/json');
    return vigil.app.request(path, { ...init, headers });
  };

  async function signIn(role: Role, extra: { organizationId?: string; centerId?: string; email?: string } = {}): Promise<Session> {
    const email = extra.email ?? `${unique(role)}@example.org`;
    const user = await vigil.services.users.create(
      { email, name: role, role, password: PASSWORD, organizationId: extra.organizationId ?? null, centerId: extra.centerId ?? null },
      SYSTEM_ACTOR,
    );
    const res = await request('/api/v1/auth/login', { method: 'POST', body: JSON.stringify({ email, password: PASSWORD }) });
    if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
    const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0];
    const body = (await res.json()) as { csrfToken: string };
    return { cookie, csrf: body.csrfToken, userId: user.id };
  }

  async function createOrg(name: string, over: Record<string, unknown> = {}) {
    const row = await vigil.services.constituency.organizations.create(
      { name, sector: 'energy', isCii: false, country: 'XX', ...over } as never,
      SYSTEM_ACTOR,
    );
    return { id: row.id, name: row.name };
  }

  return { vigil, database, config, request, signIn, createOrg, close: () => database.close() };
}

/** A name no other test uses. */
export { unique };
