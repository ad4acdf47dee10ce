import { Hono, type Context } from 'hono';
import { AppError } from '../../platform/errors.ts';
import { limitBody } from '../../platform/http/middleware.ts';
import { decodeUtf8Strict } from '../../platform/text.ts';
import { actorOf, type AuthService } from '../auth/index.ts';
import { collectionResource, type Caller, type TaxiiAccess } from './taxii.access.ts';
import { taxiiAuth, type TaxiiEnv } from './taxii.auth.ts';
import { parseFilters } from './taxii.filters.ts';
import { acceptable, isTaxiiContentType, responseType, taxiiError, taxiiJson, TAXII_MEDIA } from './taxii.media.ts';
import type { TaxiiReader } from './taxii.read.ts';
import type { TaxiiWriter } from './taxii.write.ts';

/** Where the TAXII server lives, outside /api/v1. */
export const BASE = '/taxii2';
/** The API root Vigil serves: discovery lists it; everything else lives under it. */
export const API_ROOT = 'api';

type C = Context<TaxiiEnv>;

function caller(c: C): Caller & { userId: string } {
  return { partnerId: c.get('partnerId'), actor: actorOf(c as never), log: c.get('log'), userId: c.get('principal')!.userId };
}

function negotiate(c: C, kind: 'taxii' | 'stix'): string {
  const accept = c.req.header('accept');
  if (!acceptable(accept, kind)) throw new AppError('taxii.not_acceptable', `Accept ${kind === 'stix' ? 'application/stix+json;version=2.1 or ' : ''}${TAXII_MEDIA}`, 406);
  return responseType(accept, kind);
}

function dateHeaders(c: C, r: { first?: Date | undefined; last?: Date | undefined }): void {
  if (r.first) c.header('X-TAXII-Date-Added-First', r.first.toISOString());
  if (r.last) c.header('X-TAXII-Date-Added-Last', r.last.toISOString());
}

async function readEnvelope(c: C): Promise<unknown> {
  if (!isTaxiiContentType(c.req.header('content-type'))) throw new AppError('taxii.unsupported_media_type', `Send the envelope as ${TAXII_MEDIA}`, 415);
  const text = decodeUtf8Strict(new Uint8Array(await c.req.arrayBuffer()));
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new AppError('taxii.invalid_json', `The body is not JSON: ${(err as Error).message}`, 400);
  }
}

/**
 * The TAXII 2.1 server under `/taxii2` (outside /api/v1; mount with `app.route('/', ...)`):
 * discovery at `/taxii2/`, one API root at `/taxii2/api/`. Its own authentication (Basic or bearer API key), body limit
 * (`maxBytes`, advertised as max_content_length) and TAXII error bodies.
 */
export function taxiiRoutes(deps: { auth: AuthService; partnerOf: (userId: string) => Promise<string | null>; access: TaxiiAccess; reader: TaxiiReader; writer: TaxiiWriter; maxBytes: number }) {
  const { access, reader, writer, maxBytes } = deps;
  const app = new Hono<TaxiiEnv>();
  app.onError((err, c) => {
    if (err instanceof AppError) return taxiiError(c, err, c.get('requestId') ?? '');
    c.get('log')?.error({ err }, 'unhandled taxii error');
    return taxiiError(c, new AppError('internal', 'Internal error', 500), c.get('requestId') ?? '');
  });
  // Mounted at the app's root (app.route('/', ...)) so that discovery can answer at `/taxii2/`.
  app.use(`${BASE}/*`, async (c, next) => (c.req.method === 'POST' ? limitBody(maxBytes)(c as never, next) : next()));
  app.use(`${BASE}/*`, taxiiAuth({ auth: deps.auth, partnerOf: deps.partnerOf }));
  const root = `${BASE}/${API_ROOT}`;
  const col = `${root}/collections/:cid`;

  app.get(`${BASE}/`, (c) => {
    const type = negotiate(c, 'taxii');
    const base = new URL(c.req.url).origin;
    return taxiiJson(c, { title: 'Vigil TAXII 2.1', description: 'National CERT intelligence shared under bilateral agreements', default: `${base}/taxii2/${API_ROOT}/`, api_roots: [`${base}/taxii2/${API_ROOT}/`] }, 200, type);
  });
  app.get(`${root}/`, (c) =>
    taxiiJson(c, { title: 'Vigil', description: 'One collection per sharing agreement in force', versions: [TAXII_MEDIA], max_content_length: maxBytes }, 200, negotiate(c, 'taxii')),
  );
  app.get(`${root}/status/:sid/`, async (c) => {
    const type = negotiate(c, 'taxii');
    return taxiiJson(c, await writer.status(caller(c), c.req.param('sid')), 200, type);
  });
  app.get(`${root}/collections/`, async (c) => {
    const type = negotiate(c, 'taxii');
    const rows = await access.collections(caller(c));
    return taxiiJson(c, rows.length ? { collections: rows.map(collectionResource) } : {}, 200, type);
  });
  app.get(`${col}/`, async (c) => {
    const type = negotiate(c, 'taxii');
    return taxiiJson(c, collectionResource((await access.resolve(caller(c), c.req.param('cid'), 'see')).row), 200, type);
  });
  app.get(`${col}/objects/`, async (c) => {
    const type = negotiate(c, 'stix');
    const g = await access.resolve(caller(c), c.req.param('cid'), 'read');
    const sent = await reader.objects(g, parseFilters(c.req.url, { defaultVersion: 'last' }), { requestId: c.get('requestId') ?? null });
    dateHeaders(c, sent);
    c.header('Content-Type', type);
    return c.body(sent.body, 200);
  });
  app.post(`${col}/objects/`, async (c) => {
    const type = negotiate(c, 'taxii');
    const g = await access.resolve(caller(c), c.req.param('cid'), 'write');
    return taxiiJson(c, await writer.post(g, caller(c), await readEnvelope(c)), 202, type);
  });
  app.get(`${col}/objects/:oid/`, async (c) => {
    const type = negotiate(c, 'stix');
    const g = await access.resolve(caller(c), c.req.param('cid'), 'read');
    const f = parseFilters(c.req.url, { allowed: ['match[version]', 'match[spec_version]'], defaultVersion: 'last' });
    const sent = await reader.object(g, c.req.param('oid'), f, { requestId: c.get('requestId') ?? null });
    dateHeaders(c, sent);
    c.header('Content-Type', type);
    return c.body(sent.body, 200);
  });
  app.delete(`${col}/objects/:oid/`, async (c) => {
    negotiate(c, 'taxii');
    const g = await access.resolve(caller(c), c.req.param('cid'), 'write');
    await writer.delete(g, caller(c).actor, c.req.param('oid'), parseFilters(c.req.url, { allowed: ['match[version]', 'match[spec_version]'] }));
    return c.body(null, 200);
  });
  app.get(`${col}/objects/:oid/versions/`, async (c) => {
    const type = negotiate(c, 'taxii');
    const g = await access.resolve(caller(c), c.req.param('cid'), 'read');
    const r = await reader.versions(g, c.req.param('oid'), parseFilters(c.req.url, { allowed: ['match[spec_version]'] }));
    dateHeaders(c, r);
    return taxiiJson(c, r.body, 200, type);
  });
  app.get(`${col}/manifest/`, async (c) => {
    const type = negotiate(c, 'taxii');
    const g = await access.resolve(caller(c), c.req.param('cid'), 'read');
    const r = await reader.manifest(g, parseFilters(c.req.url, { defaultVersion: 'last' }));
    dateHeaders(c, r);
    return taxiiJson(c, r.body, 200, type);
  });
  app.all(`${BASE}/*`, () => {
    throw new AppError('taxii.not_found', 'No such TAXII endpoint (TAXII URLs end with a slash)', 404);
  });
  return app;
}
