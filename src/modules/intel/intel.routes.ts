import { createRoute } from '@hono/zod-openapi';
import { AppError, notFound } from '../../platform/errors.ts';
import { decodeCursor, encodeCursor } from '../../platform/http/cursor.ts';
import { limitBody } from '../../platform/http/middleware.ts';
import { createRouter, errors, json, SECURITY } from '../../platform/http/openapi.ts';
import { decodeUtf8Strict } from '../../platform/text.ts';
import { actorOf, requireUser } from '../auth/index.ts';
import { assertCanImport, tlpAllowedFor } from './intel.access.ts';
import type { IntelService } from './intel.service.ts';
import type { StixRow } from './intel.tables.ts';
import { BundleSchema, ExportQuery, ImportResultSchema, Matches, MatchesQuery, ObjectDetail, ObjectPage, ObjectQuery, Relationships, Sightings, StixIdParam } from './intel.schemas.ts';
import { toBundle } from './stix.export.ts';

const tags = ['intel'];
const BUNDLE_TYPES = ['application/json', 'application/stix+json', 'application/taxii+json'];
const isSeqCursor = (v: unknown): v is { s: number } => typeof (v as { s?: unknown } | null)?.s === 'number' && Number.isSafeInteger((v as { s: number }).s);

const r = {
  importBundle: createRoute({
    method: 'post', path: '/intel/bundles', tags, security: SECURITY,
    summary: 'Import a STIX 2.1 bundle (national CERT staff); each object is validated on its own',
    description: 'Body: a STIX 2.1 bundle as application/json or application/stix+json, up to VIGIL_MAX_STIX_BUNDLE_BYTES (50 MiB). Not JSON: 400 stix.invalid_json; not a bundle: 400 stix.not_a_bundle; too large: 413 request.too_large. Rejected objects are listed with id, code and reason; the others are stored.',
    responses: { 200: json(ImportResultSchema, 'What was stored, rejected, already known'), ...errors(400, 401, 403, 413, 415) },
  }),
  list: createRoute({ method: 'get', path: '/intel/objects', tags, security: SECURITY, summary: 'Latest versions of STIX objects you may see (TLP), filtered, keyset pages', request: { query: ObjectQuery }, responses: { 200: json(ObjectPage, 'A page'), ...errors(400, 401, 403) } }),
  get: createRoute({ method: 'get', path: '/intel/objects/{id}', tags, security: SECURITY, summary: 'One STIX object: latest version and every version', request: { params: StixIdParam }, responses: { 200: json(ObjectDetail, 'The object'), ...errors(401, 403, 404) } }),
  relationships: createRoute({ method: 'get', path: '/intel/objects/{id}/relationships', tags, security: SECURITY, summary: 'Relationships and sightings touching the object, with the objects at their other end', request: { params: StixIdParam }, responses: { 200: json(Relationships, 'Edges'), ...errors(401, 403, 404) } }),
  sightings: createRoute({ method: 'get', path: '/intel/objects/{id}/sightings', tags, security: SECURITY, summary: 'Where the intel was seen: incidents and events (national CERT staff) and STIX sightings', request: { params: StixIdParam }, responses: { 200: json(Sightings, 'Sightings'), ...errors(401, 403, 404) } }),
  matches: createRoute({ method: 'get', path: '/intel/matches', tags, security: SECURITY, summary: 'The intel an incident matches (exact value, address in range, domain under domain)', request: { query: MatchesQuery }, responses: { 200: json(Matches, 'Matches'), ...errors(400, 401, 403) } }),
  export: createRoute({ method: 'get', path: '/intel/export', tags, security: SECURITY, summary: 'A STIX 2.1 bundle of the latest visible versions matching the filter, with TLP 2.0 marking definitions', request: { query: ExportQuery }, responses: { 200: json(BundleSchema, 'A bundle'), ...errors(400, 401, 403) } }),
};

const record = (row: StixRow) => ({
  id: row.id, type: row.type, modified: row.modified.toISOString(), created: row.created.toISOString(), dateAdded: row.date_added.toISOString(),
  tlp: row.tlp, pap: row.pap, source: row.source, revoked: row.revoked, label: row.label, object: row.object as Record<string, unknown>,
});

const withoutObject = ({ object: _o, ...rest }: ReturnType<typeof record>) => rest;

/** Intel routes: import, browse, versions, graph, sightings, matches, export. */
export function intelRoutes(deps: { intel: IntelService; maxBundleBytes: number }) {
  const { intel } = deps;
  const router = createRouter();
  router.use('/intel/bundles', limitBody(deps.maxBundleBytes));
  router.openapi(r.importBundle, async (c) => {
    const p = requireUser(c);
    assertCanImport(p);
    const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    if (!BUNDLE_TYPES.includes(type)) throw new AppError('request.unsupported_media_type', `Send the bundle as ${BUNDLE_TYPES.join(' or ')}`, 415, { allowed: BUNDLE_TYPES });
    const text = decodeUtf8Strict(new Uint8Array(await c.req.arrayBuffer()));
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (err) {
      throw new AppError('stix.invalid_json', `The body is not JSON: ${(err as Error).message}`, 400);
    }
    return c.json(await intel.importBundle(body, { source: 'local', actor: actorOf(c) }), 200);
  });
  router.openapi(r.list, async (c) => {
    const tlpAllowed = tlpAllowedFor(requireUser(c));
    const { type, id, q, limit, cursor } = c.req.valid('query');
    const after = decodeCursor(cursor, isSeqCursor);
    const rows = await intel.listObjects({ types: type, ids: id, q, tlpAllowed, afterSeq: after?.s, limit: limit + 1, versions: ['last'] });
    const last = rows.length > limit ? rows[limit - 1] : undefined;
    return c.json({ items: rows.slice(0, limit).map(record), nextCursor: last ? encodeCursor({ s: last.seq }) : null }, 200);
  });
  router.openapi(r.get, async (c) => {
    const versions = await intel.getVersions(c.req.valid('param').id, tlpAllowedFor(requireUser(c)));
    const current = versions[versions.length - 1];
    if (!current) throw notFound('intel.not_found', 'No such STIX object');
    return c.json({ current: record(current), versions: versions.map((v) => withoutObject(record(v))) }, 200);
  });
  router.openapi(r.relationships, async (c) => {
    const { id } = c.req.valid('param');
    const tlpAllowed = tlpAllowedFor(requireUser(c));
    if (!(await intel.latestOf([id], tlpAllowed)).length) throw notFound('intel.not_found', 'No such STIX object');
    const edges = await intel.relationshipsOf(id, 1000);
    const visible = new Set((await intel.latestOf([...new Set(edges.map((e) => e.id))], tlpAllowed)).map((x) => x.id));
    const shown = edges.filter((e) => visible.has(e.id));
    const ends = [...new Set(shown.flatMap((e) => [e.source_ref, e.target_ref]).filter((x) => x !== id))];
    const objects = await intel.latestOf([...ends, ...visible], tlpAllowed);
    return c.json({ edges: shown.map((e) => ({ id: e.id, sourceRef: e.source_ref, targetRef: e.target_ref, relationshipType: e.relationship_type })), objects: objects.map(record) }, 200);
  });
  router.openapi(r.sightings, async (c) => {
    const { id } = c.req.valid('param');
    const p = requireUser(c);
    const tlpAllowed = tlpAllowedFor(p);
    if (!(await intel.latestOf([id], tlpAllowed)).length) throw notFound('intel.not_found', 'No such STIX object');
    const staff = tlpAllowed === undefined;
    const { samples, counts } = staff ? await intel.sightingsOf(id) : { samples: [], counts: [] };
    const seen = (kind: 'incident' | 'event') => {
      const n = counts.find((x) => x.target_kind === kind);
      const s = samples.filter((x) => x.target_kind === kind).map((x) => ({ targetId: x.target_id, kind: x.kind, value: x.value, matched: x.matched, match: x.match }));
      return { total: n?.total ?? 0, overCorrelated: n?.is_over ?? false, samples: s };
    };
    const edges = (await intel.relationshipsOf(id, 1000)).filter((e) => e.relationship_type === 'sighted' && e.source_ref === id);
    const visible = new Set((await intel.latestOf([...new Set(edges.map((e) => e.id))], tlpAllowed)).map((x) => x.id));
    const stixSightings = edges.filter((e) => visible.has(e.id)).map((e) => ({ id: e.id, sourceRef: e.source_ref, targetRef: e.target_ref, relationshipType: e.relationship_type }));
    return c.json({ incidents: seen('incident'), events: seen('event'), stixSightings }, 200);
  });
  router.openapi(r.matches, async (c) => {
    const tlpAllowed = tlpAllowedFor(requireUser(c));
    if (tlpAllowed !== undefined) throw new AppError('auth.forbidden', 'Incident correlations are for national CERT staff', 403);
    const rows = await intel.matchesOfIncident(c.req.valid('query').incident, undefined, 1000);
    return c.json({ items: rows.map((x) => ({ objectId: x.object_id, type: x.type, label: x.label, tlp: x.tlp, kind: x.kind, value: x.value, matched: x.matched, match: x.match })) }, 200);
  });
  router.openapi(r.export, async (c) => {
    const tlpAllowed = tlpAllowedFor(requireUser(c));
    const { type, id, q, limit } = c.req.valid('query');
    const rows = await intel.listObjects({ types: type, ids: id, q, tlpAllowed, limit, versions: ['last'] });
    return c.json(toBundle(rows.map((x) => x.object as Record<string, unknown>)), 200);
  });
  return router;
}
