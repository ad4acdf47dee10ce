import { createRoute, z } from '@hono/zod-openapi';
import { createRouter, errors, IdParam, json, jsonBody, SECURITY } from '../../platform/http/openapi.ts';
import { actorOf, requirePermission } from '../auth/index.ts';
import { MAX_REQUEUE, type DeadLettersService } from './deadletters.service.ts';

const tags = ['feeds'];
const DeadChunk = z
  .object({
    id: z.number().int(),
    reportId: z.uuid(),
    seq: z.number().int().openapi({ description: 'Position of the chunk in its report' }),
    firstLine: z.number().int(),
    lineCount: z.number().int(),
    attempts: z.number().int(),
    lastError: z.string().nullable(),
  })
  .openapi('DeadChunk');
const DeadChunkList = z.object({ items: z.array(DeadChunk) }).openapi('DeadChunkList');
const ListQuery = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100).openapi({ param: { name: 'limit', in: 'query' } }) });
const RequeueRequest = z
  .object({ chunkIds: z.array(z.number().int().positive()).min(1).max(MAX_REQUEUE).optional().openapi({ description: `Chunks to requeue; absent = every dead chunk of the feed (up to ${MAX_REQUEUE})` }) })
  .strict()
  .openapi('RequeueDeadChunks');
const RequeueResult = z.object({ requeued: z.number().int(), chunkIds: z.array(z.number().int()) }).openapi('RequeueDeadChunksResult');

const routes = {
  list: createRoute({ method: 'get', path: '/feeds/{id}/dead-chunks', tags, summary: 'The feed\'s dead letters: chunks that failed every attempt, newest first', security: SECURITY, request: { params: IdParam, query: ListQuery }, responses: { 200: json(DeadChunkList, 'Dead chunks'), ...errors(400, 401, 403, 404) } }),
  requeue: createRoute({ method: 'post', path: '/feeds/{id}/dead-chunks/requeue', tags, summary: 'Put dead chunks back in the queue (all or nothing, audited)', security: SECURITY, request: { params: IdParam, body: jsonBody(RequeueRequest) }, responses: { 200: json(RequeueResult, 'Requeued'), ...errors(400, 401, 403, 404) } }),
};

/** GET /feeds/{id}/dead-chunks (feeds:read) and POST /feeds/{id}/dead-chunks/requeue (feeds:write). */
export function deadLettersRoutes(deps: { deadLetters: DeadLettersService }) {
  const { deadLetters } = deps;
  const router = createRouter();
  router.openapi(routes.list, async (c) => {
    requirePermission(c, 'feeds:read');
    const rows = await deadLetters.list(c.req.valid('param').id, c.req.valid('query').limit);
    const items = rows.map((r) => ({ id: r.id, reportId: r.report_id, seq: r.seq, firstLine: r.first_line, lineCount: r.line_count, attempts: r.attempts, lastError: r.last_error }));
    return c.json({ items }, 200);
  });
  router.openapi(routes.requeue, async (c) => {
    requirePermission(c, 'feeds:write');
    const { chunkIds } = c.req.valid('json');
    return c.json(await deadLetters.requeue(c.req.valid('param').id, chunkIds ?? null, actorOf(c)), 200);
  });
  return router;
}
