import { createRoute, z } from '@hono/zod-openapi';
import { AppError, notFound } from '../../../platform/errors.ts';
import { limitBody } from '../../../platform/http/middleware.ts';
import { createRouter, errors, IdParam, json, jsonBody, SECURITY } from '../../../platform/http/openapi.ts';
import { decodeUtf8Strict } from '../../../platform/text.ts';
import { actorOf, requireUser } from '../../auth/index.ts';
import { assertCanImport, tlpAllowedFor } from '../intel.access.ts';
import type { MispFeeds } from './misp.feeds.ts';
import { FeedRunSchema, MispFeedInput, MispFeedPatch, MispFeedSchema, MispImportSchema, UuidParam } from './misp.schemas.ts';
import type { MispService } from './misp.service.ts';
import type { MispFeedRow } from './misp.tables.ts';

const tags = ['intel'];
const Any = z.record(z.string(), z.unknown());
/** The path of the MISP event import (its own body limit: events are often over 1 MiB). */
export const MISP_EVENTS_PATH = '/api/v1/intel/misp/events';

const r = {
  importEvent: createRoute({ method: 'post', path: '/intel/misp/events', tags, security: SECURITY, summary: 'Import a MISP event ({"Event": {...}}) into the STIX store (national CERT staff)', description: 'Attributes become indicators (to_ids) or cyber observables, the event a report; tlp:* tags become TLP 2.0 markings. Not a MISP event: 400 misp.not_an_event; nothing mappable: 400 misp.empty_event.', responses: { 200: json(MispImportSchema, 'What was stored'), ...errors(400, 401, 403, 413, 415) } }),
  manifest: createRoute({ method: 'get', path: '/intel/misp/feed/manifest.json', tags, security: SECURITY, summary: 'MISP feed: manifest of the reports and groupings you may see (TLP)', responses: { 200: json(Any, 'uuid -> event header'), ...errors(401, 403) } }),
  hashes: createRoute({ method: 'get', path: '/intel/misp/feed/hashes.csv', tags, security: SECURITY, summary: 'MISP feed: md5 of each attribute value and its event uuid', responses: { 200: { description: 'CSV', content: { 'text/csv': { schema: { type: 'string' } } } }, ...errors(401, 403) } }),
  event: createRoute({ method: 'get', path: '/intel/misp/feed/{uuid}', tags, security: SECURITY, summary: 'MISP feed: one event file (<uuid>.json)', request: { params: UuidParam }, responses: { 200: json(Any, 'A MISP event'), ...errors(400, 401, 403, 404) } }),
  feeds: createRoute({ method: 'get', path: '/intel/misp/feeds', tags, security: SECURITY, summary: 'MISP feeds imported on a schedule', responses: { 200: json(z.object({ items: z.array(MispFeedSchema) }), 'Feeds'), ...errors(401, 403) } }),
  addFeed: createRoute({ method: 'post', path: '/intel/misp/feeds', tags, security: SECURITY, summary: "Import a partner's MISP feed on a schedule", request: { body: jsonBody(MispFeedInput) }, responses: { 201: json(MispFeedSchema, 'Created'), ...errors(400, 401, 403, 415) } }),
  updateFeed: createRoute({ method: 'patch', path: '/intel/misp/feeds/{id}', tags, security: SECURITY, summary: 'Change a MISP feed', request: { params: IdParam, body: jsonBody(MispFeedPatch) }, responses: { 200: json(MispFeedSchema, 'Updated'), ...errors(400, 401, 403, 404, 415) } }),
  runFeed: createRoute({ method: 'post', path: '/intel/misp/feeds/{id}/run', tags, security: SECURITY, summary: 'Import the feed now', request: { params: IdParam }, responses: { 200: json(FeedRunSchema, 'Outcome'), ...errors(401, 403, 404) } }),
};

const toFeed = (f: MispFeedRow) => ({
  id: f.id, partnerId: f.partner_id, name: f.name, url: f.url, intervalSeconds: f.interval_seconds, maxEventsPerRun: f.max_events_per_run, enabled: f.enabled,
  nextRunAt: f.next_run_at.toISOString(), lastRun: { at: f.last_run_at?.toISOString() ?? null, outcome: f.last_outcome, error: f.last_error, count: f.last_count },
});

/** MISP interop routes: event import, the store as a MISP feed (per viewer's TLP), feeds to import. */
export function mispRoutes(deps: { misp: MispService; feeds: MispFeeds; maxBytes: number }) {
  const { misp, feeds } = deps;
  const router = createRouter();
  router.use('/intel/misp/events', limitBody(deps.maxBytes));
  router.openapi(r.importEvent, async (c) => {
    assertCanImport(requireUser(c));
    if ((c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase() !== 'application/json') throw new AppError('request.unsupported_media_type', 'Send the event as application/json', 415);
    let doc: unknown;
    try {
      doc = JSON.parse(decodeUtf8Strict(new Uint8Array(await c.req.arrayBuffer())));
    } catch (err) {
      if (err instanceof AppError) throw err;
      throw new AppError('misp.invalid_json', `The body is not JSON: ${(err as Error).message}`, 400);
    }
    return c.json(await misp.importEvent(doc, { source: 'local', actor: actorOf(c) }), 200);
  });
  router.openapi(r.manifest, async (c) => c.json(await misp.manifest(tlpAllowedFor(requireUser(c))), 200));
  router.openapi(r.hashes, async (c) => {
    const lines = await misp.hashes(tlpAllowedFor(requireUser(c)));
    c.header('Content-Type', 'text/csv; charset=utf-8');
    return c.body(lines.length ? `${lines.join('\n')}\n` : '', 200) as never;
  });
  router.openapi(r.event, async (c) => {
    const tlpAllowed = tlpAllowedFor(requireUser(c));
    const event = await misp.event(c.req.valid('param').uuid.slice(0, -5).toLowerCase(), tlpAllowed);
    if (!event) throw notFound('misp.event_not_found', 'No such event');
    return c.json(event, 200);
  });
  router.openapi(r.feeds, async (c) => {
    assertCanImport(requireUser(c));
    return c.json({ items: (await feeds.list()).map(toFeed) }, 200);
  });
  router.openapi(r.addFeed, async (c) => {
    assertCanImport(requireUser(c));
    return c.json(toFeed(await feeds.create(c.req.valid('json'), actorOf(c))), 201);
  });
  router.openapi(r.updateFeed, async (c) => {
    assertCanImport(requireUser(c));
    return c.json(toFeed(await feeds.update(c.req.valid('param').id, c.req.valid('json'), actorOf(c))), 200);
  });
  router.openapi(r.runFeed, async (c) => {
    assertCanImport(requireUser(c));
    return c.json(await feeds.runNow(c.req.valid('param').id, actorOf(c)), 200);
  });
  return router;
}
