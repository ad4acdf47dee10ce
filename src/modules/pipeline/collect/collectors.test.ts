import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngine } from '../../../platform/db/testing.ts';
import { createTestApp, type Session, type TestApp } from '../../../test-support/app.ts';
import { dropDir } from './drop.ts';

const CSV = { header: true, mapping: { ip: 'source.ip' }, constants: { 'classification.type': 'scanner' } };
const MISP_EVENT = (uuid: string, ip: string) => JSON.stringify({ Event: { uuid, info: 'test', timestamp: '1700000000', Attribute: [{ type: 'ip-src', value: ip, category: 'Network activity', to_ids: true }] } });
const UUID_A = '5f1e2d3c-0000-4000-8000-000000000001';
const UUID_B = '5f1e2d3c-0000-4000-8000-000000000002';

describe(`collectors (${testEngine()})`, () => {
  let t: TestApp;
  let analyst: Session;
  let server: http.Server;
  let base = '';
  let dataDir = '';
  const requests: { url: string; inm?: string; key?: string; auth?: string }[] = [];

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-drop-'));
    t = await createTestApp({ VIGIL_PIPELINE_ALLOW_PRIVATE_FEEDS: '1', VIGIL_DATA_DIR: dataDir });
    analyst = await t.signIn('analyst');
    server = http.createServer((req, res) => {
      requests.push({
        url: req.url ?? '',
        ...(req.headers['if-none-match'] ? { inm: String(req.headers['if-none-match']) } : {}),
        ...(req.headers['auth-key'] ? { key: String(req.headers['auth-key']) } : {}),
        ...(req.headers.authorization ? { auth: String(req.headers.authorization) } : {}),
      });
      if (req.url === '/keyed.csv') return void res.writeHead(req.headers['auth-key'] === 's3cret-key' ? 200 : 401).end('ip\n198.51.100.9\n');
      if (req.url === '/scan.csv') {
        if (req.headers['if-none-match'] === '"abc"') return void res.writeHead(304).end();
        return void res.writeHead(200, { etag: '"abc"', 'content-type': 'text/csv' }).end('ip\n198.51.100.1\n198.51.100.2\n');
      }
      if (req.url === '/silent.csv') return; // never answers
      if (req.url === '/misp/manifest.json') return void res.writeHead(200).end(JSON.stringify({ [UUID_A]: { timestamp: 1700000000 }, [UUID_B]: { timestamp: 1700000001 } }));
      if (req.url === `/misp/${UUID_A}.json`) return void res.writeHead(200).end(MISP_EVENT(UUID_A, '198.51.100.7'));
      if (req.url === `/misp/${UUID_B}.json`) return void res.writeHead(200).end(MISP_EVENT(UUID_B, '198.51.100.8'));
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await t.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const createFeed = async (body: Record<string, unknown>) => {
    const res = await t.request('/api/v1/feeds', { method: 'POST', body: JSON.stringify(body), as: analyst });
    expect(res.status).toBe(201);
    return (await res.json()) as { id: string; name: string };
  };
  const run = async (id: string) => (await (await t.request(`/api/v1/feeds/${id}/run`, { method: 'POST', as: analyst })).json()) as { result: string; reportIds: string[]; error?: string };
  const feedRow = (id: string) => t.database.db.selectFrom('feeds').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  it('keeps secret headers sealed and masked, sends them when fetching, and keeps them across an edit that sends the mask', async () => {
    const feed = await createFeed({ name: 'http-keyed', kind: 'http', format: 'csv', parser: CSV, scheduleSeconds: 3600, config: { url: `${base}/keyed.csv`, headers: { 'X-Client': 'vigil' }, secretHeaders: { 'Auth-Key': 's3cret-key' } } });
    const shown = (await (await t.request(`/api/v1/feeds/${feed.id}`, { as: analyst })).json()) as { config: Record<string, unknown>; version: number };
    expect(shown.config).toMatchObject({ headers: { 'X-Client': 'vigil' }, secretHeaders: { 'Auth-Key': '********' } });
    // Only ciphertext at rest: the feed row and the audit log.
    const row = await feedRow(feed.id);
    expect(JSON.stringify(row.config)).not.toContain('s3cret-key');
    expect((row.config as { secretHeaders: Record<string, string> }).secretHeaders['Auth-Key']).toMatch(/^v1\./);
    const audit = await t.database.db.selectFrom('audit_log').select(['after']).where('entity_id', '=', feed.id).execute();
    expect(JSON.stringify(audit)).not.toContain('s3cret-key');
    expect(await run(feed.id)).toMatchObject({ result: 'stored' });
    expect(requests.filter((r) => r.url === '/keyed.csv').at(-1)).toMatchObject({ key: 's3cret-key' });
    // The configuration read, edited and sent back (mask included) keeps the secret; a new value replaces it.
    const patch = async (config: Record<string, unknown>, version: number) => t.request(`/api/v1/feeds/${feed.id}`, { method: 'PATCH', as: analyst, body: JSON.stringify({ version, config }) });
    const edited = await patch({ ...shown.config, timeoutMs: 20_000 }, shown.version);
    expect(edited.status).toBe(200);
    const v2 = (await edited.json()) as { version: number };
    expect((await feedRow(feed.id)).config).toMatchObject({ secretHeaders: { 'Auth-Key': (row.config as { secretHeaders: Record<string, string> }).secretHeaders['Auth-Key'] } });
    // A mask for a header never stored is refused, naming the field.
    const missing = await patch({ url: `${base}/keyed.csv`, secretHeaders: { Authorization: '********' } }, v2.version);
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ error: { code: 'feed.secret_missing', details: { field: 'config.secretHeaders.Authorization' } } });
    const replaced = await patch({ url: `${base}/keyed.csv`, secretHeaders: { 'Auth-Key': 'wrong-key' } }, v2.version);
    expect(replaced.status).toBe(200);
    expect(await run(feed.id)).toMatchObject({ result: 'error' });
    expect(requests.filter((r) => r.url === '/keyed.csv').at(-1)).toMatchObject({ key: 'wrong-key' });
    // A push feed takes no secret headers.
    const push = await t.request('/api/v1/feeds', { method: 'POST', as: analyst, body: JSON.stringify({ name: 'push-keyed', kind: 'push', format: 'csv', parser: CSV, config: { secretHeaders: { 'Auth-Key': 'x' } } }) });
    expect(push.status).toBe(400);
  });

  it('pulls over HTTP, keeps the ETag and answers not_modified on 304', async () => {
    const feed = await createFeed({ name: 'http-etag', kind: 'http', format: 'csv', parser: CSV, scheduleSeconds: 3600, config: { url: `${base}/scan.csv` } });
    expect(await run(feed.id)).toMatchObject({ result: 'stored' });
    expect((await feedRow(feed.id)).http_etag).toBe('"abc"');
    expect(await run(feed.id)).toMatchObject({ result: 'not_modified', reportIds: [] });
    expect(requests.filter((r) => r.url === '/scan.csv').map((r) => r.inm ?? null)).toEqual([null, '"abc"']);
    await t.vigil.pipeline.processor.processPending();
    expect((await feedRow(feed.id)).events_total).toBe(2);
  });

  it('records collect.timeout for a feed that never answers, without hanging', async () => {
    const feed = await createFeed({ name: 'http-silent', kind: 'http', format: 'csv', parser: CSV, scheduleSeconds: 3600, config: { url: `${base}/silent.csv`, idleTimeoutMs: 300, timeoutMs: 1000 } });
    expect(await run(feed.id)).toMatchObject({ result: 'error', error: 'collect.timeout' });
    const errors = (await (await t.request(`/api/v1/feeds/${feed.id}/errors`, { as: analyst })).json()) as { items: { code: string; line: number | null }[] };
    expect(errors.items).toMatchObject([{ code: 'collect.timeout', line: null }]);
    expect((await feedRow(feed.id)).last_result).toBe('error');
  });

  it('takes a stable file from the drop directory once and moves it to done/', async () => {
    const feed = await createFeed({ name: 'drop-feed', kind: 'drop', format: 'csv', parser: CSV });
    const dir = dropDir(dataDir, feed.name);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'scan.csv'), 'ip\n198.51.100.9\n');
    expect(await run(feed.id)).toMatchObject({ result: 'not_modified', reportIds: [] }); // first sight: not yet stable
    const taken = await run(feed.id);
    expect(taken.reportIds).toHaveLength(1);
    expect(fs.existsSync(path.join(dir, 'scan.csv'))).toBe(false);
    expect(fs.readdirSync(path.join(dir, 'done')).some((f) => f.endsWith('-scan.csv'))).toBe(true);
    expect(await run(feed.id)).toMatchObject({ reportIds: [] });
  });

  it('moves a refused drop file to failed/ with the reason beside it', async () => {
    const feed = await createFeed({ name: 'drop-bad', kind: 'drop', format: 'csv', parser: CSV });
    const dir = dropDir(dataDir, feed.name);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'wrong.csv'), 'address;port\n1.2.3.4;80\n');
    await run(feed.id);
    expect(await run(feed.id)).toMatchObject({ result: 'error' });
    const failed = fs.readdirSync(path.join(dir, 'failed'));
    expect(failed.some((f) => f.endsWith('-wrong.csv'))).toBe(true);
    expect(failed.some((f) => f.endsWith('-wrong.csv.reason.txt'))).toBe(true);
  });

  it('pulls a MISP feed: manifest, then each event file once', async () => {
    const feed = await createFeed({ name: 'misp-feed', kind: 'misp', format: 'misp', parser: {}, scheduleSeconds: 3600, config: { url: `${base}/misp/` } });
    const first = await run(feed.id);
    expect(first).toMatchObject({ result: 'stored' });
    expect(first.reportIds).toHaveLength(2);
    expect(await run(feed.id)).toMatchObject({ result: 'not_modified', reportIds: [] });
    const seen = await t.database.db.selectFrom('feed_misp_events').select('event_uuid').where('feed_id', '=', feed.id).orderBy('event_uuid').execute();
    expect(seen.map((s) => s.event_uuid)).toEqual([UUID_A, UUID_B]);
    await t.vigil.pipeline.processor.processPending();
    const events = await t.database.db.selectFrom('events').select(['report_id']).where('feed_id', '=', feed.id).execute();
    expect(new Set(events.map((e) => e.report_id))).toEqual(new Set(first.reportIds));
  });
});
