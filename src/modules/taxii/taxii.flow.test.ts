import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngine } from '../../platform/db/testing.ts';
import { TLP2_MARKING_IDS } from '../intel/index.ts';
import { indicator, taxiiWorld, type TaxiiWorld } from './taxii.testing.ts';

const TAXII = 'application/taxii+json;version=2.1';

describe(`TAXII 2.1 client flow over a loopback socket (${testEngine()})`, () => {
  let w: TaxiiWorld;
  const get = (path: string, auth = w.bearer, accept = TAXII) => fetch(`${w.url}${path}`, { headers: { authorization: auth, accept } });

  beforeAll(async () => {
    w = await taxiiWorld();
    await w.importLocal([...Array.from({ length: 5 }, () => indicator('green')), indicator('amber'), indicator('red'), indicator('clear')]);
  });
  afterAll(async () => w?.close());

  it('runs discovery -> collections -> paged objects -> POST -> status', async () => {
    const discovery = await get('/taxii2/');
    expect(discovery.status).toBe(200);
    expect(discovery.headers.get('content-type')).toBe(TAXII);
    const d = (await discovery.json()) as { api_roots: string[]; default: string };
    expect(d.api_roots).toEqual([`${w.url}/taxii2/api/`]);
    const rootPath = new URL(d.api_roots[0]!).pathname;
    const root = (await (await get(rootPath)).json()) as { versions: string[]; max_content_length: number };
    expect(root.versions).toEqual([TAXII]);

    const cols = (await (await get(`${rootPath}collections/`)).json()) as { collections: { id: string; can_read: boolean; can_write: boolean }[] };
    expect(cols.collections).toEqual([expect.objectContaining({ id: w.collectionId, can_read: true, can_write: true })]);
    const objectsPath = `${rootPath}collections/${w.collectionId}/objects/`;

    const seen: string[] = [];
    let next: string | undefined;
    let pages = 0;
    do {
      const res = await get(`${objectsPath}?limit=2${next ? `&next=${encodeURIComponent(next)}` : ''}`);
      expect(res.status).toBe(200);
      const env = (await res.json()) as { more: boolean; next?: string; objects?: { id: string }[] };
      seen.push(...(env.objects ?? []).map((o) => o.id));
      next = env.more ? env.next : undefined;
      pages++;
    } while (next && pages < 20);
    expect(seen).toHaveLength(6); // 5 GREEN + 1 CLEAR; AMBER and RED stay home
    expect(pages).toBeGreaterThanOrEqual(3);

    const mine = indicator('green');
    const posted = await fetch(`${w.url}${objectsPath}`, { method: 'POST', headers: { authorization: w.basic, accept: TAXII, 'content-type': TAXII }, body: JSON.stringify({ objects: [mine] }) });
    expect(posted.status).toBe(202);
    const status = (await posted.json()) as { id: string; status: string; success_count: number };
    expect(status).toMatchObject({ status: 'complete', success_count: 1 });
    const again = (await (await get(`${rootPath}status/${status.id}/`)).json()) as { successes: { id: string }[]; total_count: number };
    expect(again).toMatchObject({ total_count: 1, successes: [{ id: mine.id }] });
  });

  it('authenticates with Basic (password or API key) and bearer, and refuses anything else with 401', async () => {
    for (const auth of [w.basic, w.basicKey, w.bearer]) expect((await get('/taxii2/api/collections/', auth)).status).toBe(200);
    const wrong = await get('/taxii2/api/collections/', `Basic ${Buffer.from(`${w.email}:wrong password!`).toString('base64')}`);
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toContain('Basic');
    expect(((await wrong.json()) as { http_status: string; title: string }).http_status).toBe('401');
    const otherUser = await get('/taxii2/api/collections/', `Basic ${Buffer.from(`someone@else.example:${w.apiKey}`).toString('base64')}`);
    expect(otherUser.status).toBe(401);
    expect((await fetch(`${w.url}/taxii2/api/collections/`)).status).toBe(401);
  });

  it('answers 406 for an unacceptable Accept and 415 for a POST of another media type, in the TAXII error format', async () => {
    const r406 = await get('/taxii2/api/collections/', w.bearer, 'application/xml');
    expect(r406.status).toBe(406);
    expect(await r406.json()).toMatchObject({ title: 'Not Acceptable', http_status: '406', error_code: 'taxii.not_acceptable' });
    expect((await get('/taxii2/api/collections/', w.bearer, 'application/taxii+json;version=2.0')).status).toBe(406);
    const objects = `/taxii2/api/collections/${w.collectionId}/objects/`;
    expect((await get(objects, w.bearer, 'application/stix+json;version=2.1')).status).toBe(200);
    const r415 = await fetch(`${w.url}${objects}`, { method: 'POST', headers: { authorization: w.bearer, 'content-type': 'application/json' }, body: '{"objects":[]}' });
    expect(r415.status).toBe(415);
    expect(await r415.json()).toMatchObject({ error_code: 'taxii.unsupported_media_type', http_status: '415' });
  });

  it('rejects a tampered next cursor with 400', async () => {
    const res = await get(`/taxii2/api/collections/${w.collectionId}/objects/?limit=1`);
    const env = (await res.json()) as { next: string };
    const [body, mac] = env.next.split('.');
    const forged = Buffer.from(JSON.stringify({ v: 1, c: w.collectionId, s: 0 })).toString('base64url');
    for (const bad of [`${forged}.${mac}`, `${body}.${mac!.slice(0, -2)}xx`, 'garbage']) {
      const r = await get(`/taxii2/api/collections/${w.collectionId}/objects/?next=${encodeURIComponent(bad)}`);
      expect(r.status).toBe(400);
      expect(((await r.json()) as { error_code: string }).error_code).toBe('taxii.invalid_next');
    }
  });

  it('answers 404 for a collection outside the agreements and audits the attempt', async () => {
    const stranger = randomUUID();
    const r = await get(`/taxii2/api/collections/${stranger}/objects/`);
    expect(r.status).toBe(404);
    const audit = await w.t.database.db.selectFrom('audit_log').selectAll().where('action', '=', 'taxii.access_denied').where('entity_id', '=', stranger).execute();
    expect(audit).toHaveLength(1);
  });

  it('answers 403 (and audits) for its own collection once the agreement has expired', async () => {
    const res = await w.t.request(`/api/v1/partners/${w.partnerId}/agreements`, { as: w.admin });
    const ag = ((await res.json()) as { items: { id: string }[] }).items[0]!;
    const expire = (validUntil: string | null) =>
      w.t.request(`/api/v1/partners/${w.partnerId}/agreements/${ag.id}`, { method: 'PATCH', as: w.admin, body: JSON.stringify({ validUntil }) });
    expect((await expire('2021-01-01T00:00:00Z')).status).toBe(200);
    const r = await get(`/taxii2/api/collections/${w.collectionId}/objects/`);
    expect(r.status).toBe(403);
    expect(((await r.json()) as { error_code: string }).error_code).toBe('taxii.agreement_not_in_force');
    expect(((await (await get('/taxii2/api/collections/')).json()) as { collections?: unknown[] }).collections).toBeUndefined();
    expect((await expire(null)).status).toBe(200);
  });

  it('sets X-TAXII-Date-Added-First/Last from the true insertion times of two versions', async () => {
    const v1 = indicator('green', { modified: '2025-02-01T00:00:00.000Z' });
    await w.importLocal([v1]);
    await new Promise((r) => setTimeout(r, 30));
    await w.importLocal([{ ...v1, modified: '2025-03-01T00:00:00.000Z', name: 'v2' }]);
    const rows = await w.t.database.db.selectFrom('stix_objects').select(['modified', 'date_added']).where('id', '=', v1.id as string).orderBy('seq').execute();
    expect(rows).toHaveLength(2);
    const r = await get(`/taxii2/api/collections/${w.collectionId}/objects/${v1.id as string}/?match[version]=all`);
    expect(r.status).toBe(200);
    expect(r.headers.get('x-taxii-date-added-first')).toBe(rows[0]!.date_added.toISOString());
    expect(r.headers.get('x-taxii-date-added-last')).toBe(rows[1]!.date_added.toISOString());
    expect(rows[1]!.date_added.getTime()).toBeGreaterThan(rows[0]!.date_added.getTime());
    const versions = (await (await get(`/taxii2/api/collections/${w.collectionId}/objects/${v1.id as string}/versions/`)).json()) as { versions: string[] };
    expect(versions.versions).toEqual(['2025-02-01T00:00:00.000Z', '2025-03-01T00:00:00.000Z']);
  });

  it('refuses forged, unknown, malformed and downgrading markings from a partner and clamps unmarked objects', async () => {
    const held = indicator('green');
    await w.importLocal([{ ...held, object_marking_refs: [TLP2_MARKING_IDS.amber] }]);
    const forgedMd = { type: 'marking-definition', spec_version: '2.1', id: `marking-definition--${randomUUID()}`, created: '2025-01-01T00:00:00.000Z', name: 'TLP:CLEAR', definition_type: 'tlp', definition: { tlp: 'white' } };
    const unmarked = indicator('green', { object_marking_refs: undefined });
    const envelope = {
      objects: [
        forgedMd,
        indicator('green', { object_marking_refs: [forgedMd.id] }),
        indicator('green', { object_marking_refs: [`marking-definition--${randomUUID()}`] }),
        indicator('green', { object_marking_refs: ['TLP:GREEN'] }),
        indicator('green', { object_marking_refs: [TLP2_MARKING_IDS.green, TLP2_MARKING_IDS.clear] }),
        indicator('amber'),
        { ...held, modified: '2025-06-01T00:00:00.000Z', object_marking_refs: [TLP2_MARKING_IDS.clear] },
        unmarked,
      ],
    };
    const res = await fetch(`${w.url}/taxii2/api/collections/${w.collectionId}/objects/`, { method: 'POST', headers: { authorization: w.bearer, 'content-type': TAXII }, body: JSON.stringify(envelope) });
    expect(res.status).toBe(202);
    const s = (await res.json()) as { failures: { message: string }[]; successes: { id: string; message?: string }[] };
    const codes = s.failures.map((f) => f.message.split(':')[0]).sort();
    expect(codes).toEqual(['agreement.tlp_not_allowed', 'marking.conflicting', 'marking.downgrade', 'marking.forged', 'marking.forged', 'marking.malformed', 'marking.unknown']);
    expect(s.successes).toEqual([{ id: unmarked.id, version: '2025-01-01T00:00:00.000000Z', message: 'unmarked: stored as TLP:GREEN' }]);
    const stored = await w.t.database.db.selectFrom('stix_objects').select(['tlp', 'source']).where('id', '=', unmarked.id as string).executeTakeFirstOrThrow();
    expect(stored).toEqual({ tlp: 'green', source: `partner:${w.partnerId}` });
  });

  it('answers 413 for a body over the limit', async () => {
    const big = JSON.stringify({ objects: [indicator('green', { description: 'x'.repeat(60 * 1024 * 1024) })] });
    const res = await fetch(`${w.url}/taxii2/api/collections/${w.collectionId}/objects/`, { method: 'POST', headers: { authorization: w.bearer, 'content-type': TAXII }, body: big });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error_code: string }).error_code).toBe('request.too_large');
  });
});
