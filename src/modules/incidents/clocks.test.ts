import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngine } from '../../platform/db/testing.ts';
import { createTestApp, type Session, type TestApp } from '../../test-support/app.ts';

type ClockOut = { kind: string; status: string; dueAt: string; remainingSeconds: number | null };
const H = 3600_000;

describe(`incident clocks (${testEngine()})`, () => {
  let t: TestApp;
  let analyst: Session;
  let now = new Date();
  const at = (ms: number) => (now = new Date(now.getTime() + ms));
  beforeAll(async () => {
    t = await createTestApp({}, { clock: { now: () => now } });
    analyst = await t.signIn('analyst');
    await sql`update regulatory_regimes set is_active = (code in ('eu-nis2', 'national-cii'))`.execute(t.database.db);
  });
  afterAll(async () => t.close());

  const post = (path: string, v: unknown) => t.request(path, { method: 'POST', as: analyst, body: JSON.stringify(v) });
  const clocks = async (id: string) => ((await (await t.request(`/api/v1/incidents/${id}/clocks`, { as: analyst })).json()) as { items: ClockOut[] }).items;
  const open = async (orgId: string, severity = 'critical') =>
    (await (await post('/api/v1/incidents', { title: 'Clocked', organizationId: orgId, severity, rsitTaxonomy: 'availability', rsitType: 'ddos' })).json()) as { id: string; version: number };

  it('starts SLA clocks by severity and CII category, and regulatory clocks from awareness', async () => {
    const org = await t.createOrg('Clock Grid', { isCii: true, ciiCategory: 'significant' });
    const inc = await open(org.id);
    const list = await clocks(inc.id);
    const byKind = Object.fromEntries(list.map((c) => [c.kind, c]));
    expect(Object.keys(byKind).sort()).toEqual(['reg.eu-nis2.early_warning', 'reg.eu-nis2.final_report', 'reg.eu-nis2.notification', 'reg.national-cii.report_significant', 'sla.acknowledge', 'sla.resolve', 'sla.triage']);
    expect(byKind['sla.acknowledge']?.remainingSeconds).toBe(15 * 60);
    expect(byKind['reg.national-cii.report_significant']?.remainingSeconds).toBe(3 * 3600);
    expect(byKind['reg.eu-nis2.early_warning']?.remainingSeconds).toBe(24 * 3600);
  });

  it('gives a non-CII organization SLA clocks only', async () => {
    const org = await t.createOrg('Clock Shop');
    const list = await clocks((await open(org.id, 'low')).id);
    expect(list.map((c) => c.kind).sort()).toEqual(['sla.acknowledge', 'sla.resolve', 'sla.triage']);
  });

  it('meets SLA clocks as the case moves, pauses them while waiting on the constituent, and never pauses legal deadlines', async () => {
    const org = await t.createOrg('Clock Water', { isCii: true, ciiCategory: 'other' });
    const inc = await open(org.id, 'high');
    await post(`/api/v1/incidents/${inc.id}/transitions`, { to: 'triaged', version: inc.version });
    let list = await clocks(inc.id);
    expect(list.find((c) => c.kind === 'sla.acknowledge')?.status).toBe('met');
    expect(list.find((c) => c.kind === 'sla.triage')?.status).toBe('met');
    const resolveDue = list.find((c) => c.kind === 'sla.resolve')!.dueAt;
    const regDue = list.find((c) => c.kind === 'reg.national-cii.report_other')!.dueAt;
    await post(`/api/v1/incidents/${inc.id}/clocks/pause`, { reason: 'waiting for logs' });
    at(2 * H);
    await post(`/api/v1/incidents/${inc.id}/clocks/resume`, {});
    list = await clocks(inc.id);
    expect(new Date(list.find((c) => c.kind === 'sla.resolve')!.dueAt).getTime() - new Date(resolveDue).getTime()).toBe(2 * H);
    expect(list.find((c) => c.kind === 'reg.national-cii.report_other')!.dueAt).toBe(regDue);
    const met = await post(`/api/v1/incidents/${inc.id}/clocks/reg.national-cii.report_other/met`, {});
    expect(((await met.json()) as ClockOut).status).toBe('met');
    const again = await post(`/api/v1/incidents/${inc.id}/clocks/reg.national-cii.report_other/met`, {});
    expect(again.status).toBe(409);
  });

  it('escalates before the deadline, records the breach once, notifies duty contacts and lists it in the breach report', async () => {
    const org = await t.createOrg('Clock Bank', { isCii: true, ciiCategory: 'significant', sector: 'banking' });
    await t.vigil.services.constituency.organizations.addContact(org.id, { name: 'Duty', role: 'soc', email: 'duty@clock-bank.example', is24x7: true }, { userId: null, label: 't' });
    const inc = await open(org.id);
    const ack = async () => (await clocks(inc.id)).find((c) => c.kind === 'sla.acknowledge') as ClockOut & { escalatedAt: string | null };
    at(12 * 60_000);
    await t.vigil.services.incidents.clocks.sweep();
    expect(await ack()).toMatchObject({ status: 'running', escalatedAt: now.toISOString() });
    at(10 * 60_000);
    await t.vigil.services.incidents.clocks.sweep();
    await t.vigil.services.incidents.clocks.sweep();
    expect((await ack()).status).toBe('breached');
    const mails = await t.database.db.selectFrom('notifications').select(['recipient', 'subject']).where('recipient', '=', 'duty@clock-bank.example').execute();
    expect(mails.map((m) => m.subject)).toEqual(expect.arrayContaining([expect.stringContaining('due soon'), expect.stringContaining('MISSED')]));
    const from = new Date(now.getTime() - H).toISOString();
    const to = new Date(now.getTime() + H).toISOString();
    const report = await t.request(`/api/v1/incident-clock-breaches?from=${from}&to=${to}&format=csv`, { as: analyst });
    expect(report.headers.get('content-type')).toContain('text/csv');
    expect(await report.text()).toContain('sla.acknowledge');
    const { items } = (await (await t.request(`/api/v1/incidents/${inc.id}/timeline`, { as: analyst })).json()) as { items: { kind: string }[] };
    const ackEvents = (items as { kind: string; data?: { clock?: string } }[]).filter((i) => i.data?.clock === 'sla.acknowledge').map((i) => i.kind);
    expect(ackEvents).toEqual(['clock_escalated', 'clock_breached']);
  });
});
