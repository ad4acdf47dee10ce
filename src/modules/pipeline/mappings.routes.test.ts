import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Session, type TestApp } from '../../test-support/app.ts';
import { testEngine } from '../../platform/db/testing.ts';
import { shippedMappings } from './mappings/index.ts';

type Mapping = { id: string; name: string; format: string; parser: Record<string, unknown> };

describe(`feed mappings API (${testEngine()})`, () => {
  let t: TestApp;
  let analyst: Session;

  beforeAll(async () => {
    t = await createTestApp();
    analyst = await t.signIn('analyst');
  });
  afterAll(() => t.close());

  it('lists the shipped mappings with their parser settings', async () => {
    const res = await t.request('/api/v1/feed-mappings', { as: analyst });
    expect(res.status).toBe(200);
    const { items } = (await res.json()) as { items: Mapping[] };
    expect(items.map((m) => m.id)).toEqual(shippedMappings().map((m) => m.name));
    const scan = items.find((m) => m.id === 'shadowserver-scan');
    expect(scan).toMatchObject({ format: 'csv', parser: { format: 'csv', header: true } });
    expect(scan?.name).toMatch(/scan/i);
  });

  it('gives a mapping that a new feed accepts as its parser', async () => {
    const { items } = (await (await t.request('/api/v1/feed-mappings', { as: analyst })).json()) as { items: Mapping[] };
    for (const m of items) {
      const res = await t.request('/api/v1/feeds', { method: 'POST', as: analyst, body: JSON.stringify({ name: `from-${m.id}`, kind: 'push', format: m.format, parser: m.parser }) });
      expect(res.status, m.id).toBe(201);
    }
  });

  it('answers 401 without a session and 403 to a constituent', async () => {
    expect((await t.request('/api/v1/feed-mappings')).status).toBe(401);
    const org = await t.createOrg('Mappings Org');
    const constituent = await t.signIn('constituent', { organizationId: org.id });
    const res = await t.request('/api/v1/feed-mappings', { as: constituent });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('auth.forbidden');
  });
});
