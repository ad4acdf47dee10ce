/** Test support: the reports module mounted the way app.ts mounts it, on a fresh test database. */
import { OpenAPIHono } from '@hono/zod-openapi';
import { systemClock, type Clock } from '../../platform/clock.ts';
import type { AppEnv } from '../../platform/http/context.ts';
import { handleError } from '../../platform/http/errors.ts';
import { limitBody, requestContext, requireMediaType } from '../../platform/http/middleware.ts';
import { createRouter } from '../../platform/http/openapi.ts';
import { createLogger } from '../../platform/logger.ts';
import { createTestApp, type Session, type TestApp } from '../../test-support/app.ts';
import { authMiddleware } from '../auth/index.ts';
import { createReports, type Reports, type ReportsLimits } from './index.ts';
import { solveChallenge } from './pow.ts';

export type ReportsTestApp = TestApp & {
  reports: Reports;
  /** A request through an app wired like app.ts with the reports module added; `peer` is the caller's address. */
  call(path: string, init?: RequestInit & { as?: Session; peer?: string }): Promise<Response>;
  /** A solved proof of work for the next report. */
  pow(): Promise<{ powChallenge: string; powNonce: string }>;
};

export const TEST_DIFFICULTY = 8;

export async function createReportsTestApp(limits: Partial<ReportsLimits> = {}, clock: Clock = systemClock): Promise<ReportsTestApp> {
  const t = await createTestApp();
  const log = createLogger('silent');
  const reports = createReports({
    db: t.database.db,
    audit: t.vigil.services.audit,
    clock,
    log,
    clientIp: (c) => c.req.header('x-test-peer') ?? 'unknown',
    limits: { powDifficulty: TEST_DIFFICULTY, ...limits },
  });

  // The same order as app.ts with the wiring proposed for it: public report routes before `api`.
  const app = new OpenAPIHono<AppEnv>();
  app.onError(handleError);
  app.use('*', requestContext(log));
  app.route('/api/v1', reports.routes.public());
  const api = createRouter();
  api.use('*', async (c, next) => {
    await limitBody(t.config.maxBodyBytes)(c, async () => {
      await requireMediaType(['application/json'])(c, next);
    });
  });
  api.use('*', authMiddleware(t.vigil.services.auth));
  api.route('/', reports.routes.analyst());
  app.route('/api/v1', api);

  const call: ReportsTestApp['call'] = async (path, init = {}) => {
    const headers = new Headers(init.headers);
    const s = init.as;
    if (s?.cookie) headers.set('cookie', s.cookie);
    if (s?.csrf && init.method && init.method !== 'GET') headers.set('x-csrf-token', s.csrf);
    if (init.peer) headers.set('x-test-peer', init.peer);
    if (typeof init.body === 'string' && !headers.has('content-type')) headers.set('content-type', 'application/json');
    return app.request(path, { ...init, headers });
  };
  const pow = async () => {
    const { challenge, difficulty } = (await (await call('/api/v1/reports/challenge')).json()) as { challenge: string; difficulty: number };
    return { powChallenge: challenge, powNonce: solveChallenge(challenge, difficulty) };
  };
  return { ...t, reports, call, pow };
}
