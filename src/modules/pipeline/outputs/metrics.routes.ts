import { createRoute, z } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../../../platform/http/context.ts';
import { createRouter, errors, SECURITY } from '../../../platform/http/openapi.ts';
import { requirePermission } from '../../auth/index.ts';
import { safeTokenEqual } from './metrics.token.ts';
import { PROMETHEUS_CONTENT_TYPE, renderPrometheus } from './metrics.format.ts';
import type { MetricsService } from './metrics.service.ts';

const route = createRoute({
  method: 'get',
  path: '/metrics',
  tags: ['metrics'],
  summary: 'Prometheus metrics (text format 0.0.4): per-feed status, queue depth and lag, outbox, jobs',
  description: 'An admin session, an API key with the metrics:read permission, or `Authorization: Bearer <VIGIL_METRICS_TOKEN>`.',
  security: SECURITY,
  responses: { 200: { description: 'Metrics', content: { 'text/plain': { schema: z.string() } } }, ...errors(401, 403) },
});

/**
 * `/metrics`, mounted at the root (outside /api/v1). `authenticate` is the auth middleware that
 * resolves sessions and API keys; the configured scrape token is checked before it.
 */
export function metricsRoutes(deps: { metrics: MetricsService; authenticate: MiddlewareHandler<AppEnv>; token: string | undefined }) {
  const router = createRouter();
  router.openapi(route, async (c) => {
    const bearer = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
    const isScraper = deps.token !== undefined && bearer !== undefined && safeTokenEqual(bearer, deps.token);
    if (!isScraper) {
      await deps.authenticate(c, async () => undefined);
      requirePermission(c, 'metrics:read');
    }
    const body = renderPrometheus(await deps.metrics.collect());
    return c.body(body, 200, { 'Content-Type': PROMETHEUS_CONTENT_TYPE, 'Cache-Control': 'no-store' }) as never;
  });
  return router;
}
