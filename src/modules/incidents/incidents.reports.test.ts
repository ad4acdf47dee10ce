import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngine } from '../../platform/db/testing.ts';
import { createTestApp, type Session, type TestApp } from '../../test-support/app.ts';

describe(`incident export and metrics (${testEngine()})`, () => {
  let t: TestApp;
  let analyst: Session;
  let now = new Date('2026-03-02T08:00:00Z');
  beforeAll(async () => {
    t = await createTestApp({}, { clock: { now: () => now } });
    analyst = await t.signIn('analyst');
    const bank = await t.createOrg('Metrics Bank', { sector: 'banking' });
    const grid = await t.createOrg('Metrics Grid', { sector: 'energy' });
    const open = async (orgId: string, title: string, rsitTaxonomy: string, rsitType: string) =>
      (await (await t.request('/api/v1/incidents', { method: 'POST', as: analyst, body: JSON.stringify({ title, organizationId: orgId, severity: 'high', rsitTaxonomy, rsitType }) })).json()) as { id: string; version: number };
    const a = await open(bank.id, '=cmd|calc, "quoted"', 'fraud', 'phishing');
    await open(bank.id, 'Second phish', 'fraud', 'phishing');
    now = new Date('2026-03-10T08:00:00Z');
    analyst = await t.signIn('analyst'); // the first session expired in the week that passed
    await open(grid.id, 'Grid DDoS', 'availability', 'ddos');
    now = new Date(now.getTime() + 30 * 60_000);
    await t.request(`/api/v1/incidents/${a.id}/transitions`, { method: 'POST', as: analyst, body: JSON.stringify({ to: 'triaged', version: a.version }) });
  });
  afterAll(async () => t.close());

  it('exports the filtered queue as CSV with formulas neutralized', async () => {
    const res = await t.request('/api/v1/incident-exports?taxonomy=fraud', { as: analyst });
    expect(res.headers.get('content-type')).toContain('text/csv');
    const lines = (await res.text()).trim().split('\r\n');
    expect(lines[0]).toContain('ref,title,state');
    expect(lines).toHaveLength(3);
    expect(lines.join('\n')).toContain(`"'=cmd|calc, ""quoted"""`);
  });

  it('counts by sector, taxonomy and ISO week and measures time to acknowledge', async () => {
    const m = (await (await t.request('/api/v1/incident-metrics?from=2026-03-01T00:00:00Z&to=2026-04-01T00:00:00Z', { as: analyst })).json()) as {
      bySector: { key: string; count: number }[];
      byTaxonomy: { key: string; count: number }[];
      byWeek: { key: string; count: number }[];
      timeToAcknowledge: { count: number; medianSeconds: number };
    };
    expect(m.bySector).toEqual([{ key: 'banking', count: 2 }, { key: 'energy', count: 1 }]);
    expect(m.byTaxonomy).toEqual([{ key: 'fraud', count: 2 }, { key: 'availability', count: 1 }]);
    expect(m.byWeek).toEqual([{ key: '2026-W10', count: 2 }, { key: '2026-W11', count: 1 }]);
    expect(m.timeToAcknowledge.count).toBe(1);
    expect(m.timeToAcknowledge.medianSeconds).toBe(8 * 24 * 3600 + 30 * 60);
  });

  it('counts only what the viewer may see', async () => {
    const org = await t.createOrg('Metrics Outsider');
    const me = await t.signIn('constituent', { organizationId: org.id });
    const m = (await (await t.request('/api/v1/incident-metrics?from=2026-03-01T00:00:00Z&to=2026-04-01T00:00:00Z', { as: me })).json()) as { bySector: unknown[] };
    expect(m.bySector).toEqual([]);
  });
});
