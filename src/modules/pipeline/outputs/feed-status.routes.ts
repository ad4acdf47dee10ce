import { createRoute, z } from '@hono/zod-openapi';
import type { Clock } from '../../../platform/clock.ts';
import { createRouter, errors, json, SECURITY } from '../../../platform/http/openapi.ts';
import { requirePermission } from '../../auth/index.ts';
import type { MetricsService } from './metrics.service.ts';

const FeedStatus = z
  .object({
    feedId: z.uuid(),
    queueChunks: z.number().openapi({ description: 'Chunks waiting or being processed' }),
    queueBytes: z.number(),
    deadChunks: z.number(),
    lagSeconds: z.number().openapi({ description: 'Age of the oldest chunk still waiting (0 = none)' }),
  })
  .openapi('FeedQueueStatus');

const route = createRoute({
  method: 'get',
  path: '/feed-status',
  tags: ['feeds'],
  summary: 'Queue depth, lag and dead chunks of every feed (the live part of the feeds page)',
  security: SECURITY,
  responses: { 200: json(z.object({ items: z.array(FeedStatus) }).openapi('FeedQueueStatusList'), 'Per-feed queue status'), ...errors(401, 403) },
});

/** GET /feed-status: what /metrics says per feed, as JSON for the console. */
export function feedStatusRoutes(deps: { metrics: MetricsService; clock: Clock }) {
  const router = createRouter();
  router.openapi(route, async (c) => {
    requirePermission(c, 'feeds:read');
    const now = deps.clock.now().getTime();
    const items = (await deps.metrics.feedRows()).map((r) => ({
      feedId: r.id,
      queueChunks: (r.queued_chunks ?? 0) + (r.running_chunks ?? 0),
      queueBytes: Number(r.queued_bytes ?? 0),
      deadChunks: r.dead_chunks ?? 0,
      lagSeconds: r.oldest_queued_at ? Math.max(0, Math.round((now - r.oldest_queued_at.getTime()) / 1000)) : 0,
    }));
    return c.json({ items }, 200);
  });
  return router;
}
