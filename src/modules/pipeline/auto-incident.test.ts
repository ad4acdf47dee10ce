import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Session, type TestApp } from '../../test-support/app.ts';
import { testEngine } from '../../platform/db/testing.ts';
import { createLogger } from '../../platform/logger.ts';
import { seedDemo } from '../../server.ts';

// Riverside Hydro (CII, significant) owns 198.18.4.0/22 and Solaris Energy Trading (not CII)
// 198.18.8.0/22 in the demo constituency; the test checks that through the lookup first.
const CII_IPS = ['198.18.4.10', '198.18.4.11', '198.18.5.7'];
const NON_CII_IP = '198.18.8.20';
const CSV = { header: true, mapping: { ip: 'source.ip', port: 'source.port', type: 'classification.type' } };

// Parsed in a parse thread (the default), or by the chunk worker inside the chunk's transaction.
describe.each(['1', '0'])(`auto-incident through the default rule (${testEngine()}, VIGIL_PIPELINE_PARSE_THREADS=%s)`, (threads) => {
  let t: TestApp;
  let analyst: Session;
  let feedId: string;
  let ciiOrg: string;
  let otherOrg: string;

  beforeAll(async () => {
    t = await createTestApp({ VIGIL_PIPELINE_PARSE_THREADS: threads });
    await seedDemo(t.vigil, t.database, createLogger('silent'));
    analyst = await t.signIn('analyst');
    const res = await t.request('/api/v1/feeds', { method: 'POST', as: analyst, body: JSON.stringify({ name: 'infections', kind: 'push', format: 'csv', parser: CSV }) });
    expect(res.status).toBe(201);
    feedId = ((await res.json()) as { id: string }).id;
    const owner = async (ip: string) => (await t.vigil.services.constituency.lookup.lookup(ip, { kind: 'all' })).matches[0]?.organization;
    const cii = await owner(CII_IPS[0]!);
    const other = await owner(NON_CII_IP);
    expect([cii?.name, cii?.isCii, other?.name, other?.isCii]).toEqual(['Riverside Hydro', true, 'Solaris Energy Trading', false]);
    ciiOrg = cii!.id;
    otherOrg = other!.id;
  });
  afterAll(() => t.close());

  async function pushAndProcess(rows: string[]): Promise<string> {
    const res = await t.request(`/api/v1/feeds/${feedId}/reports`, { method: 'POST', as: analyst, body: `ip,port,type\n${rows.join('\n')}\n`, headers: { 'content-type': 'text/csv' } });
    expect(res.status).toBe(201);
    await t.vigil.pipeline.processor.processPending();
    return ((await res.json()) as { reportId: string }).reportId;
  }
  const incidentsOf = (orgId: string) => t.database.db.selectFrom('incidents').select(['id', 'title', 'severity', 'rsit_type', 'state']).where('organization_id', '=', orgId).execute();

  it('opens exactly one incident for the CII organization, none for the others', async () => {
    const reportId = await pushAndProcess([`${CII_IPS[0]},445,infected-system`, `${CII_IPS[1]},3389,infected-system`, `${NON_CII_IP},445,infected-system`, `${CII_IPS[2]},53,scanner`]);
    const events = await t.database.db.selectFrom('events').select(['organization_id']).where('report_id', '=', reportId).execute();
    expect(events).toHaveLength(4);
    const incidents = await incidentsOf(ciiOrg);
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({ severity: 'high', rsit_type: 'system-compromise', state: 'new' });
    expect(incidents[0]!.title).toContain('Riverside Hydro');
    expect(await incidentsOf(otherOrg)).toEqual([]);
    const observables = await t.database.db.selectFrom('incident_observables').select('value').where('incident_id', '=', incidents[0]!.id).orderBy('value').execute();
    expect(observables.map((o) => o.value)).toEqual([CII_IPS[0], CII_IPS[1]]);
    const audit = await t.database.db.selectFrom('audit_log').select('action').where('entity_id', '=', incidents[0]!.id).execute();
    expect(audit.map((a) => a.action)).toContain('incident.auto_created');
  });

  it('adds a second report of the same day to the same incident', async () => {
    await pushAndProcess([`${CII_IPS[2]},8080,infected-system`, `${CII_IPS[0]},25,infected-system`]);
    const incidents = await incidentsOf(ciiOrg);
    expect(incidents).toHaveLength(1);
    const id = incidents[0]!.id;
    const observables = await t.database.db.selectFrom('incident_observables').select('value').where('incident_id', '=', id).orderBy('value').execute();
    expect(observables.map((o) => o.value)).toEqual([...CII_IPS].sort());
    const timeline = await t.database.db.selectFrom('incident_timeline').select('kind').where('incident_id', '=', id).execute();
    expect(timeline.filter((e) => e.kind === 'pipeline_events')).toHaveLength(1);
    const link = await t.database.db.selectFrom('pipeline_incidents').selectAll().where('organization_id', '=', ciiOrg).execute();
    expect(link).toEqual([expect.objectContaining({ incident_id: id, events: 4 })]);
  });
});
