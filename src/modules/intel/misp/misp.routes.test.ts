/* eslint-disable @typescript-eslint/no-explicit-any -- JSON answers are read loosely in assertions */
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngine } from '../../../platform/db/testing.ts';
import { createTestApp, type Session, type TestApp } from '../../../test-support/app.ts';
import { mispEvent } from './misp.testing.ts';

describe(`MISP interop (${testEngine()})`, () => {
  let t: TestApp;
  let analyst: Session;
  let constituent: Session;
  let server: http.Server;
  let feedUrl: string;
  const green = mispEvent({ tlp: 'green' });
  const amber = mispEvent({ tlp: 'amber' });
  const feedEvents = [mispEvent({ tlp: 'green', timestamp: 1_735_000_000 }), mispEvent({ tlp: 'clear', timestamp: 1_735_100_000 })];
  const manifest: Record<string, { timestamp: string }> = {};

  const call = async (path: string, as: Session, init: RequestInit = {}) => {
    const res = await t.request(path, { ...init, as });
    const text = await res.text();
    let body: any = text;
    try {
      body = JSON.parse(text);
    } catch {
      /* CSV */
    }
    return { status: res.status, body };
  };
  const post = (path: string, body: unknown, as = analyst) => call(path, as, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body) });

  beforeAll(async () => {
    for (const e of feedEvents) manifest[e.Event.uuid] = { timestamp: e.Event.timestamp };
    server = http.createServer((req, res) => {
      const name = (req.url ?? '').split('/').pop() ?? '';
      const e = feedEvents.find((x) => `${x.Event.uuid}.json` === name);
      if (name === 'manifest.json') return res.end(JSON.stringify(manifest));
      if (e) return res.end(JSON.stringify(e));
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    feedUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/feeds/cert/`;
    t = await createTestApp({ VIGIL_INTEL_ALLOW_PRIVATE_URLS: '1' });
    analyst = await t.signIn('analyst');
    const org = await t.createOrg('Grid operator');
    constituent = await t.signIn('constituent', { organizationId: org.id });
  }, 60_000);
  afterAll(async () => {
    server?.close();
    await t?.close();
  });

  it('imports a MISP event as a report with indicators, TLP from its tags, and reports duplicates on a second import', async () => {
    const r = await post('/api/v1/intel/misp/events', green);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.result.rejected).toEqual([]);
    expect(r.body.skipped).toEqual([expect.objectContaining({ type: 'comment' })]);
    const rows = await t.database.db.selectFrom('stix_objects').select(['id', 'type', 'tlp', 'source']).where('id', '=', `report--${green.Event.uuid}`).execute();
    expect(rows).toEqual([{ id: `report--${green.Event.uuid}`, type: 'report', tlp: 'green', source: 'local' }]);
    const ip = await t.database.db.selectFrom('stix_objects').select('tlp').where('id', '=', `indicator--${green.Event.Attribute[1]!.uuid as string}`).executeTakeFirstOrThrow();
    expect(ip.tlp).toBe('amber');
    const again = await post('/api/v1/intel/misp/events', green);
    expect(again.body.result.accepted).toEqual([]);
    expect(again.body.result.duplicates.length).toBeGreaterThan(0);
    expect((await post('/api/v1/intel/misp/events', amber)).status).toBe(200);
  });

  it('answers bad input with 4xx and a stable code', async () => {
    expect((await post('/api/v1/intel/misp/events', '{"Event":')).body.error.code).toBe('misp.invalid_json');
    expect((await post('/api/v1/intel/misp/events', { type: 'bundle' })).body.error.code).toBe('misp.not_an_event');
    const forbidden = await post('/api/v1/intel/misp/events', green, constituent);
    expect(forbidden.status).toBe(403);
  });

  it('exports a MISP feed that respects the viewer\'s TLP', async () => {
    const staff = await call('/api/v1/intel/misp/feed/manifest.json', analyst);
    expect(Object.keys(staff.body)).toEqual(expect.arrayContaining([green.Event.uuid, amber.Event.uuid]));
    expect(staff.body[green.Event.uuid]).toMatchObject({ info: 'Phishing wave against energy utilities', timestamp: green.Event.timestamp, Orgc: { name: 'CERT-Example' } });
    const limited = await call('/api/v1/intel/misp/feed/manifest.json', constituent);
    expect(Object.keys(limited.body)).toContain(green.Event.uuid);
    expect(Object.keys(limited.body)).not.toContain(amber.Event.uuid);
    expect((await call(`/api/v1/intel/misp/feed/${amber.Event.uuid}.json`, constituent)).body.error.code).toBe('misp.event_not_found');

    const full = (await call(`/api/v1/intel/misp/feed/${green.Event.uuid}.json`, analyst)).body.Event;
    const seen = (await call(`/api/v1/intel/misp/feed/${green.Event.uuid}.json`, constituent)).body.Event;
    const values = (e: { Attribute: { value: string }[] }) => e.Attribute.map((a) => a.value).sort();
    expect(values(full)).toContain('198.51.100.23');
    expect(values(seen)).not.toContain('198.51.100.23');
    expect(values(seen)).toEqual(expect.arrayContaining([green.Event.Attribute[0]!.value, 'https://evil.example/a?b=1', 'CVE-2024-3400', 'a'.repeat(64)]));
    expect(seen.Tag).toContainEqual({ name: 'tlp:green' });
    expect(seen.Attribute.find((a: { value: string }) => a.value === green.Event.Attribute[0]!.value)).toMatchObject({ type: 'domain', to_ids: true, uuid: green.Event.Attribute[0]!.uuid });

    const csv = await call('/api/v1/intel/misp/feed/hashes.csv', constituent);
    const md5 = createHash('md5').update(green.Event.Attribute[0]!.value as string).digest('hex');
    expect(csv.body).toContain(`${md5},${green.Event.uuid}`);
    expect(csv.body).not.toContain(createHash('md5').update('198.51.100.23').digest('hex'));
  });

  it('imports a partner\'s MISP feed on demand, only new or changed events, with the partner\'s provenance', async () => {
    const admin = await t.signIn('admin');
    const partnerId = (await post('/api/v1/partners', { name: 'MISP community', country: 'INT', kind: 'isac' }, admin)).body.id as string;
    const feed = await post('/api/v1/intel/misp/feeds', { partnerId, name: 'community feed', url: feedUrl });
    expect(feed.status, JSON.stringify(feed.body)).toBe(201);
    const first = await post(`/api/v1/intel/misp/feeds/${feed.body.id}/run`, {});
    expect(first.body).toMatchObject({ outcome: 'ok', listed: 2, imported: 2, failed: [] });
    const src = await t.database.db.selectFrom('stix_objects').select('source').where('id', '=', `report--${feedEvents[0]!.Event.uuid}`).executeTakeFirstOrThrow();
    expect(src.source).toBe(`partner:${partnerId}`);
    expect((await post(`/api/v1/intel/misp/feeds/${feed.body.id}/run`, {})).body).toMatchObject({ imported: 0 });
    const changed = feedEvents[1]!;
    changed.Event.timestamp = '1735200000';
    manifest[changed.Event.uuid] = { timestamp: changed.Event.timestamp };
    expect((await post(`/api/v1/intel/misp/feeds/${feed.body.id}/run`, {})).body).toMatchObject({ imported: 1 });
    const versions = await t.database.db.selectFrom('stix_objects').select('modified').where('id', '=', `report--${changed.Event.uuid}`).execute();
    expect(versions).toHaveLength(2);
    const list = await call('/api/v1/intel/misp/feeds', analyst);
    expect(list.body.items[0].lastRun).toMatchObject({ outcome: 'ok', count: 1 });
    expect((await post('/api/v1/intel/misp/feeds', { partnerId: '00000000-0000-4000-8000-000000000000', name: 'x', url: feedUrl })).body.error.code).toBe('validation.failed');
  });
});

describe(`MISP feed SSRF guard (${testEngine()})`, () => {
  it('refuses a feed on a loopback or private address without VIGIL_INTEL_ALLOW_PRIVATE_URLS', async () => {
    const t = await createTestApp();
    try {
      const admin = await t.signIn('admin');
      const partner = await t.request('/api/v1/partners', { method: 'POST', as: admin, body: JSON.stringify({ name: 'P', country: 'NL', kind: 'isac' }) });
      const partnerId = ((await partner.json()) as { id: string }).id;
      for (const url of ['http://127.0.0.1:8080/feed/', 'http://192.168.1.10/feed/']) {
        const res = await t.request('/api/v1/intel/misp/feeds', { method: 'POST', as: admin, body: JSON.stringify({ partnerId, name: 'x', url }) });
        expect(res.status).toBe(400);
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe('misp.url_forbidden');
      }
    } finally {
      await t.close();
    }
  });
});
