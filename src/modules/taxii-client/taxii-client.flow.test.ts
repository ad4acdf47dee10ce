/* eslint-disable @typescript-eslint/no-explicit-any -- JSON answers are read loosely in assertions */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngine } from '../../platform/db/testing.ts';
import { createTestApp, type Session, type TestApp } from '../../test-support/app.ts';
import { SYSTEM_ACTOR } from '../audit/index.ts';
import { indicator, taxiiWorld, type TaxiiWorld } from '../taxii/taxii.testing.ts';

const KEY = 'a'.repeat(64);

/** Client app C polls and pushes the collection that server app S gives C's partner record there. */
describe(`TAXII client against Vigil's own TAXII server over loopback (${testEngine()})`, () => {
  let s: TaxiiWorld;
  let c: TestApp;
  let admin: Session;
  let partnerId: string;
  const sGreen = [indicator('green'), indicator('green'), indicator('green'), indicator('clear')];

  const call = async (path: string, method = 'GET', body?: unknown) => {
    const res = await c.request(path, { method, as: admin, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };
  const connection = async (over: Record<string, unknown>) => {
    const r = await call(`/api/v1/partners/${partnerId}/taxii-connections`, 'POST', { title: 'S collection', collectionId: s.collectionId, apiRootUrl: `${s.url}/taxii2/api/`, auth: { type: 'bearer', token: s.apiKey }, ...over });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body;
  };
  const agreement = async (tlpLevels: string[], direction: string) => {
    const r = await call(`/api/v1/partners/${partnerId}/agreements`, 'POST', { title: `${direction} ${tlpLevels.join('+')}`, purpose: 'test', direction, tlpLevels, validFrom: '2020-01-01T00:00:00Z', constituentAddresses: 'keep', constituentIdentities: 'keep' });
    expect(r.status).toBe(201);
    return r.body.id as string;
  };
  const run = async (id: string) => (await call(`/api/v1/partners/${partnerId}/taxii-connections/${id}/run`, 'POST')).body;
  const sourceIn = async (t: TestApp, id: string) => (await t.database.db.selectFrom('stix_objects').select('source').where('id', '=', id).executeTakeFirst())?.source;

  beforeAll(async () => {
    s = await taxiiWorld();
    await s.importLocal([...sGreen, indicator('amber'), indicator('red')]);
    c = await createTestApp({ VIGIL_SECRETS_KEY: KEY, VIGIL_INTEL_ALLOW_PRIVATE_URLS: '1' });
    admin = await c.signIn('admin');
    partnerId = (await call('/api/v1/partners', 'POST', { name: 'Server CERT', country: 'FR', kind: 'national_cert' })).body.id as string;
  }, 60_000);
  afterAll(async () => {
    await s?.close();
    await c?.close();
  });

  it('polls in pages from the checkpoint, imports with partner provenance, and resumes where it stopped', async () => {
    const inbound = await agreement(['clear', 'green'], 'inbound');
    const conn = await connection({ agreementId: inbound, direction: 'poll', pageSize: 2 });
    expect(conn.auth).toEqual({ type: 'bearer', username: null, hasSecret: true });
    const first = await run(conn.id);
    expect(first.outcome, JSON.stringify(first)).toBe('ok');
    expect(first.poll).toMatchObject({ accepted: 4, rejected: 0 });
    expect(first.poll.pages).toBeGreaterThanOrEqual(2);
    for (const o of sGreen) expect(await sourceIn(c, o.id as string)).toBe(`partner:${partnerId}`);
    const after = await call(`/api/v1/partners/${partnerId}/taxii-connections/${conn.id}`);
    expect(after.body.checkpoint.pollAddedAfter).toBe(first.poll.checkpoint);
    expect(after.body.lastRun).toMatchObject({ outcome: 'ok', count: 4 });

    expect((await run(conn.id)).poll).toMatchObject({ accepted: 0 });
    const later = indicator('green');
    await s.importLocal([later]);
    expect((await run(conn.id)).poll).toMatchObject({ accepted: 1 });
    expect(await sourceIn(c, later.id as string)).toBe(`partner:${partnerId}`);
  });

  it('pushes only what a GREEN-only agreement allows, writes every pushed object to the ledger, and never re-pushes', async () => {
    const mine = { green: indicator('green'), clear: indicator('clear'), amber: indicator('amber'), strict: indicator('amber+strict'), red: indicator('red') };
    const r = await c.vigil.services.intel.importBundle({ type: 'bundle', id: `bundle--${randomUUID()}`, objects: Object.values(mine) }, { source: 'local', actor: SYSTEM_ACTOR });
    expect(r.rejected).toEqual([]);
    const outbound = await agreement(['clear', 'green'], 'outbound');
    const conn = await connection({ agreementId: outbound, direction: 'push', auth: { type: 'basic', username: s.email, password: s.apiKey } });
    const res = await run(conn.id);
    expect(res.outcome, JSON.stringify(res)).toBe('ok');

    expect(await sourceIn(s.t, mine.green.id as string)).toBe(`partner:${s.partnerId}`);
    expect(await sourceIn(s.t, mine.clear.id as string)).toBe(`partner:${s.partnerId}`);
    for (const o of [mine.amber, mine.strict, mine.red]) expect(await sourceIn(s.t, o.id as string)).toBeUndefined();

    const ledger = await c.database.db.selectFrom('sharing_ledger').selectAll().where('route', '=', 'taxii.push').execute();
    const sent = ledger.flatMap((l) => l.objects ?? []);
    const pushedIds = sent.map(([id]) => id);
    expect(pushedIds).toEqual(expect.arrayContaining([mine.green.id, mine.clear.id]));
    expect(pushedIds).not.toContain(mine.amber.id);
    // What C polled from S (partner GREEN, agreement not in the community) is never sent anywhere.
    for (const o of sGreen.filter((x) => x.object_marking_refs)) if ((o.object_marking_refs as string[])[0]!.includes('bab4a63c')) expect(pushedIds).not.toContain(o.id);
    expect(ledger.every((l) => l.agreement_id === outbound && l.partner_id === partnerId)).toBe(true);
    expect(sent.every(([, , sha256]) => /^[0-9a-f]{64}$/.test(sha256))).toBe(true);
    expect(res.push.pushed).toBe(sent.length);
    expect((await call('/api/v1/ledger/verify')).body).toMatchObject({ ok: true });

    const pushes = await call(`/api/v1/partners/${partnerId}/taxii-connections/${conn.id}/pushes`);
    expect(pushes.body.items[0]).toMatchObject({ status: 'complete', totalCount: sent.length, successCount: sent.length, failureCount: 0 });
    expect((await run(conn.id)).push).toMatchObject({ pushed: 0 });
  });
});
