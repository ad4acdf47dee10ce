import { createRoute } from '@hono/zod-openapi';
import { createRouter, errors, json, jsonBody, SECURITY } from '../../platform/http/openapi.ts';
import { actorOf, requirePermission } from '../auth/index.ts';
import type { BatchItemResult } from './incidents.batch.ts';
import type { Principal } from '../../platform/http/context.ts';
import type { Actor } from '../audit/index.ts';
import { CenterNotificationBatch, MAX_BATCH, NotificationBatchResult } from './incidents.schemas.ts';

const notifyBatch = createRoute({
  method: 'post',
  path: '/center-notifications/batch',
  tags: ['incidents'],
  summary: `Up to ${MAX_BATCH} center notifications in one request, each answered on its own`,
  description:
    'Each item follows the rules of `POST /center-notifications` (idempotent by externalId; a retried batch changes nothing). ' +
    'An invalid item, or one about an organization the center does not serve, is answered with its error and the others are applied; ' +
    'the valid items are applied together or not at all. The request body limit (VIGIL_MAX_BODY_BYTES, 1 MiB by default) applies.',
  security: SECURITY,
  request: { body: jsonBody(CenterNotificationBatch) },
  responses: { 200: json(NotificationBatchResult, 'One answer per item, in request order'), ...errors(400, 401, 403, 413, 415) },
});

/** The batch intake route. */
export function incidentBatchRoutes(deps: { notifyBatch: (items: readonly unknown[], p: Principal, actor: Actor) => Promise<BatchItemResult[]> }) {
  const router = createRouter();
  router.openapi(notifyBatch, async (c) => {
    const results = await deps.notifyBatch(c.req.valid('json').items, requirePermission(c, 'incidents:notify'), actorOf(c));
    const counts = { created: 0, updated: 0, unchanged: 0, rejected: 0 };
    const items = results.map((r) => {
      counts[r.outcome]++;
      if (r.outcome === 'rejected') return { index: r.index, externalId: r.externalId, outcome: r.outcome, error: r.error };
      const { row } = r;
      return { index: r.index, externalId: r.externalId, outcome: r.outcome, incident: { id: row.id, ref: row.ref, state: row.state, version: row.version, updatedAt: row.updated_at.toISOString() } };
    });
    return c.json({ items, ...counts }, 200);
  });
  return router;
}
