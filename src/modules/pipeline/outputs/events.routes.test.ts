import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../audit/index.ts';
import { testEngine } from '../../../platform/db/testing.ts';
import { encodeCursor } from '../../../platform/http/cursor.ts';
import { createTestApp, type Session, type TestApp } from '../../../test-support/app.ts';
import { apiKeyFor, insertEvents, insertFeed } from './outputs.test-support.ts';

type Page = { items: { id: string; organizationId: string | null; source: { ip: string | null }; classification: { type: string }; event: Record<string, unknown> }[]; nextCursor: string | null };

describe(`events APIs: /me/events and /events (${testEngine()})`, () => {
  let t: TestApp;
  let orgA: string;
  let orgB: string;
  let feedX: string;
  let feedY: string;
  let constituentA: Session;
  let keyA: Session;
  let analyst: Session;
  const range = 'since=2026-03-01T00:00:00Z&until=2026-03-02T00:00:00Z';

  beforeAll(async () => {
    t = await createTestApp();
    orgA = (await t.createOrg('Energy A')).id;
    orgB = (await t.createOrg('Water B')).id;
    feedX = await insertFeed(t.database.db, 'scan-x');
    feedY = await insertFeed(t.database.db, 'scan-y');
    const events = [];
    for (let i = 0; i < 7; i++) events.push({ at: `2026-03-01T0${i}:00:00Z`, org: orgA, feed: feedX, ip: `198.18.0.${i + 1}`, asn: 64500 });
    events.push({ at: '2026-03-01T03:30:00Z', org: orgA, feed: feedY, ip: '198.18.1.9', asn: 64501, type: 'vulnerable-system', taxonomy: 'vulnerable', extra: { tag: '=cmd|calc' }, fqdn: '=HYPERLINK("http://x.example")' });
    for (let i = 0; i < 4; i++) events.push({ at: `2026-03-01T0${i}:15:00Z`, org: orgB, feed: feedX, ip: `198.19.0.${i + 1}`, asn: 64502 });
    events.push({ at: '2026-03-01T05:00:00Z', org: null, feed: feedX, ip: '203.0.113.5' });
    events.push({ at: '2026-03-03T05:00:00Z', org: orgA, feed: feedX, ip: '198.18.0.99' }); // outside the range
    await insertEvents(t.database.db, events);
    constituentA = await t.signIn('constituent', { organizationId: orgA });
    keyA = await apiKeyFor(t, constituentA, ['events:own']);
    analyst = await t.signIn('analyst');
  });
  afterAll(async () => t.close());

  const get = async (path: string, as: Session, headers: Record<string, string> = {}) => t.request(path, { as, headers });
  const page = async (path: string, as: Session) => {
    const res = await get(path, as);
    expect(res.status).toBe(200);
    return (await res.json()) as Page;
  };

  it("gives a constituent's API key exactly its own organization's events, oldest first", async () => {
    const body = await page(`/api/v1/me/events?${range}`, keyA);
    expect(body.items).toHaveLength(8);
    expect(new Set(body.items.map((e) => e.organizationId))).toEqual(new Set([orgA]));
    expect(body.items[0]?.source.ip).toBe('198.18.0.1');
    expect(body.items[0]?.event['source.ip']).toBe('198.18.0.1');
  });

  it('never shows org B to org A, whatever the parameters', async () => {
    const paths = [
      `/api/v1/me/events?${range}&organizationId=${orgB}`,
      `/api/v1/me/events?${range}&ip=198.19.0.0/16`,
      `/api/v1/me/events?${range}&asn=64502`,
      `/api/v1/me/events?${range}&feedId=${feedX}&organizationId=${orgB}&format=jsonl`,
      `/api/v1/me/events?since=2000-01-01T00:00:00Z&until=2100-01-01T00:00:00Z&format=intelmq`,
      `/api/v1/me/events?${range}&format=csv`,
      `/api/v1/me/events?${range}&order=desc&cursor=${encodeCursor({ t: '2026-03-01T23:00:00.000Z', i: '999999' })}`,
    ];
    for (const path of paths) {
      const res = await get(path, keyA);
      expect(res.status, path).toBe(200);
      const text = await res.text();
      expect(text, path).not.toContain('198.19.');
      expect(text, path).not.toContain(orgB);
      expect(text, path).not.toContain('203.0.113.5');
    }
    expect((await page(`/api/v1/me/events?${range}&ip=198.19.0.0/16`, keyA)).items).toEqual([]);
  });

  it('answers 403 with a stable code to everyone but constituents on /me/events', async () => {
    const res = await get(`/api/v1/me/events?${range}`, analyst);
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('events.not_a_constituent');
    const center = await t.vigil.services.centers.create({ name: 'Other SOC' } as never, SYSTEM_ACTOR);
    const operator = await t.signIn('center_operator', { centerId: center.id });
    expect(((await (await get('/api/v1/me/events', operator)).json()) as { error: { code: string } }).error.code).toBe('events.not_a_constituent');
    expect((await t.request('/api/v1/me/events')).status).toBe(401);
    // A constituent key without the events:own scope is refused too.
    const narrow = await apiKeyFor(t, constituentA, ['incidents:read']);
    expect(((await (await get('/api/v1/me/events', narrow)).json()) as { error: { code: string } }).error.code).toBe('auth.forbidden');
  });

  it('pages with keyset cursors without gaps or repeats', async () => {
    const seen: string[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const body: Page = await page(`/api/v1/me/events?${range}&limit=3${cursor ? `&cursor=${cursor}` : ''}`, keyA);
      seen.push(...body.items.map((e) => e.id));
      cursor = body.nextCursor;
    }
    expect(seen).toHaveLength(8);
    expect(new Set(seen).size).toBe(8);
  });

  it('streams JSON Lines, CSV and IntelMQ JSON, chosen by format= or Accept', async () => {
    const jsonl = await get(`/api/v1/me/events?${range}`, keyA, { accept: 'application/x-ndjson' });
    expect(jsonl.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    const lines = (await jsonl.text()).trim().split('\n');
    expect(lines).toHaveLength(8);
    expect((JSON.parse(lines[0] ?? '{}') as { organizationId: string }).organizationId).toBe(orgA);

    const csv = await get(`/api/v1/me/events?${range}&format=csv`, keyA);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const rows = (await csv.text()).split('\r\n').filter(Boolean);
    expect(rows[0]).toMatch(/^time\.source,time\.observation,feed\.name,feed\.provider,classification\.taxonomy,classification\.type,/);
    expect(rows).toHaveLength(9);
    const row = rows.find((r) => r.includes('198.18.1.9')) ?? '';
    expect(row).toContain(`"'=HYPERLINK(""http://x.example"")"`);
    // extra.* as one JSON object (with the owner's extra.constituency, rebuilt from organization_id).
    expect(row).toMatch(/,"\{""constituency\.organization"":""Energy A"",.*""tag"":""=cmd\|calc""\}"$/);

    const intelmq = await get(`/api/v1/me/events?${range}&format=intelmq&type=vulnerable-system`, keyA);
    const line = (await intelmq.text()).trim();
    expect(line.split('\n')).toHaveLength(1);
    const parsed = JSON.parse(line) as Record<string, unknown>;
    expect(parsed['extra.tag']).toBe('=cmd|calc');
    expect(parsed['source.ip']).toBe('198.18.1.9');
    expect(parsed['time.observation']).toBe('2026-03-01T03:30:00+00:00');
    expect(Object.keys(parsed)).toEqual([...Object.keys(parsed)].sort());
    expect(line).toContain('"classification.type": "vulnerable-system", ');
  });

  it('a streamed answer stops at limit and hands the cursor to continue in X-Next-Cursor', async () => {
    const first = await get(`/api/v1/me/events?${range}&format=jsonl&limit=5`, keyA);
    const next = first.headers.get('x-next-cursor');
    expect(next).toBeTruthy();
    const a = (await first.text()).trim().split('\n');
    const second = await get(`/api/v1/me/events?${range}&format=jsonl&limit=5&cursor=${next}`, keyA);
    expect(second.headers.get('x-next-cursor')).toBeNull();
    const b = (await second.text()).trim().split('\n');
    expect(a).toHaveLength(5);
    expect(b).toHaveLength(3);
    const ids = [...a, ...b].map((l) => (JSON.parse(l) as { id: string }).id);
    expect(new Set(ids).size).toBe(8);
  });

  it('lets analysts filter by organization, feed, classification, CIDR, ASN and time, newest first', async () => {
    expect((await page(`/api/v1/events?${range}&limit=100`, analyst)).items).toHaveLength(13);
    expect((await page(`/api/v1/events?${range}&organizationId=${orgB}`, analyst)).items.map((e) => e.organizationId)).toEqual([orgB, orgB, orgB, orgB]);
    expect((await page(`/api/v1/events?${range}&feedId=${feedY}`, analyst)).items.map((e) => e.source.ip)).toEqual(['198.18.1.9']);
    expect((await page(`/api/v1/events?${range}&taxonomy=vulnerable&type=vulnerable-system`, analyst)).items).toHaveLength(1);
    expect((await page(`/api/v1/events?${range}&ip=198.18.0.0/24`, analyst)).items).toHaveLength(7);
    expect((await page(`/api/v1/events?${range}&ip=198.18.0.3`, analyst)).items.map((e) => e.source.ip)).toEqual(['198.18.0.3']);
    expect((await page(`/api/v1/events?${range}&asn=64502`, analyst)).items).toHaveLength(4);
    const window = await page('/api/v1/events?since=2026-03-01T02:00:00Z&until=2026-03-01T03:00:00Z', analyst);
    expect(window.items.map((e) => e.source.ip)).toEqual(['198.19.0.3', '198.18.0.3']);
    const intelmq = await get(`/api/v1/events?${range}&format=intelmq&organizationId=${orgB}`, analyst);
    expect((await intelmq.text()).trim().split('\n')).toHaveLength(4);
  });

  it("shows a center operator only the events of the organizations its center serves", async () => {
    const center = await t.vigil.services.centers.create({ name: 'North SOC' } as never, SYSTEM_ACTOR);
    await t.database.db.insertInto('center_organizations').values({ center_id: center.id, organization_id: orgB }).execute();
    const operator = await t.signIn('center_operator', { centerId: center.id });
    const body = await page(`/api/v1/events?${range}&limit=100`, operator);
    expect(body.items).toHaveLength(4);
    expect(new Set(body.items.map((e) => e.organizationId))).toEqual(new Set([orgB]));
    expect((await page(`/api/v1/events?${range}&organizationId=${orgA}`, operator)).items).toEqual([]);
    const res = await get(`/api/v1/events?${range}`, constituentA);
    expect(res.status).toBe(403);
  });

  it('refuses bad input with stable codes', async () => {
    const code = async (path: string) => ((await (await get(path, analyst)).json()) as { error: { code: string } }).error.code;
    expect(await code('/api/v1/events?ip=999.1.1.1')).toBe('validation.failed');
    expect(await code('/api/v1/events?ip=198.18.0.0/33')).toBe('validation.failed');
    expect(await code('/api/v1/events?since=2026-03-02T00:00:00Z&until=2026-03-01T00:00:00Z')).toBe('events.invalid_range');
    expect(await code('/api/v1/events?cursor=bm90LWEtY3Vyc29y')).toBe('pagination.invalid_cursor');
    expect(await code('/api/v1/events?limit=5000')).toBe('validation.failed');
    expect(await code('/api/v1/events?format=xml')).toBe('validation.failed');
  });
});
