import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { testEngine } from '../../../platform/db/testing.ts';
import { createWorker } from '../../../platform/jobs/index.ts';
import { createTestApp, type Session, type TestApp } from '../../../test-support/app.ts';
import { SYSTEM_ACTOR } from '../../audit/index.ts';
import { webhookSignature } from '../../notify/index.ts';
import { attachmentsOf, createSigningKeyFile, verifyPgpMime } from '../../notify/notify.mime.test-support.ts';
import { silentLog, startHttpServer, startSmtpServer } from '../../notify/notify.test-support.ts';
import { insertEvents, insertFeed } from './outputs.test-support.ts';

type Json = Record<string, unknown>;

describe(`digests: schedule, idempotent periods, signed e-mail with CSV, webhook, sent log (${testEngine()})`, () => {
  let t: TestApp;
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  let hooks: Awaited<ReturnType<typeof startHttpServer>>;
  let key: Awaited<ReturnType<typeof createSigningKeyFile>>;
  let now = new Date('2026-03-01T10:20:00Z');
  const clock = { now: () => now };
  let analyst: Session;
  let feed: string;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    hooks = await startHttpServer();
    key = await createSigningKeyFile();
    t = await createTestApp(
      { VIGIL_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, VIGIL_SMTP_FROM: 'CERT <cert@cert.example>', VIGIL_DIGEST_SIGNING_KEY_FILE: key.file, VIGIL_DIGEST_SIGNING_KEY_PASSPHRASE: key.passphrase },
      { clock },
    );
    analyst = await t.signIn('analyst');
    feed = await insertFeed(t.database.db, 'scan-digest');
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
    await hooks.close();
    key.remove();
  });
  beforeEach(() => {
    now = new Date('2026-03-01T10:20:00Z');
    smtp.messages.length = 0;
  });

  const worker = () => createWorker({ db: t.database.db, jobs: t.vigil.jobs, log: silentLog, clock, leaseMs: 60_000 });
  const json = async (res: Response) => (await res.json()) as Json;

  async function orgWithContacts(name: string) {
    const org = await t.createOrg(name);
    const at = new Date();
    const contact = (email: string, role: string, is24x7: boolean) => ({ id: randomUUID(), organization_id: org.id, name: email, role, email, phone: null, is_24x7: is24x7, pgp_key: null, pgp_fingerprint: null, created_at: at, updated_at: at });
    const domain = name.toLowerCase().replace(/\W+/g, '-');
    await t.database.db.insertInto('contacts').values([contact(`soc@${domain}.example`, 'security', true), contact(`ciso@${domain}.example`, 'management', false)]).execute();
    return { ...org, soc: `soc@${domain}.example`, ciso: `ciso@${domain}.example` };
  }

  const putSchedule = (orgId: string, body: Json, as: Session = analyst) => t.request(`/api/v1/organizations/${orgId}/digest-schedule`, { method: 'PUT', as, body: JSON.stringify(body) });

  it('analysts set a schedule; the organization itself reads it; others get 404 or 403', async () => {
    const org = await orgWithContacts('Sched Energy');
    const other = await t.createOrg('Sched Other');
    const res = await putSchedule(org.id, { frequency: 'daily', hourUtc: 7, emailTo: 'roles', emailRoles: ['security'] });
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ frequency: 'daily', hourUtc: 7, emailTo: 'roles', nextPeriodEnd: '2026-03-02T07:00:00.000Z', version: 1 });

    const own = await t.signIn('constituent', { organizationId: org.id });
    expect(await json(await t.request(`/api/v1/organizations/${org.id}/digest-schedule`, { as: own }))).toMatchObject({ frequency: 'daily' });
    const stranger = await t.signIn('constituent', { organizationId: other.id });
    expect((await t.request(`/api/v1/organizations/${org.id}/digest-schedule`, { as: stranger })).status).toBe(404);
    expect((await putSchedule(org.id, { frequency: 'off' }, own)).status).toBe(403);

    const bad = await json(await putSchedule(org.id, { frequency: 'daily', webhookEndpointIds: [randomUUID()] }));
    expect((bad.error as Json).code).toBe('digest.unknown_webhook_endpoint');
    const noRoles = await json(await putSchedule(org.id, { frequency: 'daily', emailTo: 'roles', emailRoles: [] }));
    expect((noRoles.error as Json).code).toBe('validation.failed');
    const audit = await t.database.db.selectFrom('audit_log').select('action').where('entity_id', '=', org.id).where('action', '=', 'digest_schedule.updated').execute();
    expect(audit).toHaveLength(1);
  });

  it('queues one digest per organization and period, however often the task runs, and sends a signed e-mail with the CSV and a signed webhook', async () => {
    const org = await orgWithContacts('Hourly Water');
    const { endpoint, secret } = await t.vigil.services.notify.createEndpoint({ name: 'water-soc', url: `${hooks.url}/digest`, eventTypes: ['pipeline.digest'], isActive: true }, SYSTEM_ACTOR);
    expect((await putSchedule(org.id, { frequency: 'hourly', emailTo: 'duty', webhookEndpointIds: [endpoint.id] })).status).toBe(200);
    await insertEvents(t.database.db, [
      { at: '2026-03-01T10:25:00Z', org: org.id, feed, ip: '198.18.5.1' },
      { at: '2026-03-01T10:40:00Z', org: org.id, feed, ip: '198.18.5.2', type: 'vulnerable-system', taxonomy: 'vulnerable' },
      { at: '2026-03-01T10:50:00Z', org: org.id, feed, ip: '198.18.5.3' },
      { at: '2026-03-01T11:05:00Z', org: org.id, feed, ip: '198.18.5.4' }, // next period
    ]);
    now = new Date('2026-03-01T11:01:00Z'); // the period ended but has not settled
    expect(await t.vigil.outputs.digests.queueDue()).toBe(0);
    now = new Date('2026-03-01T11:03:00Z');
    const runs = await Promise.all([t.vigil.outputs.digests.queueDue(), t.vigil.outputs.digests.queueDue()]);
    expect(runs.reduce((a, b) => a + b, 0)).toBe(1);
    expect(await t.vigil.outputs.digests.queueDue()).toBe(0);
    const digests = await t.database.db.selectFrom('digests').selectAll().where('organization_id', '=', org.id).execute();
    expect(digests).toHaveLength(1);
    expect(digests[0]).toMatchObject({ period_start: new Date('2026-03-01T10:00:00Z'), period_end: new Date('2026-03-01T11:00:00Z'), trigger: 'schedule' });

    const w = worker();
    await w.drain();
    await w.drain();
    expect(smtp.messages.map((m) => m.to)).toEqual([[org.soc]]);
    const raw = smtp.messages[0]?.raw ?? '';
    const verified = await verifyPgpMime(raw, key.publicKey);
    expect(verified.isValid).toBe(true);
    expect(verified.signedPart).toContain('3 events about your networks');
    const csv = [...attachmentsOf(verified.signedPart).values()][0] ?? Buffer.alloc(0);
    const rows = csv.toString('utf8').split('\r\n').filter(Boolean);
    expect(rows).toHaveLength(4);
    expect(rows[0]).toContain('source.ip');
    expect(rows.slice(1).map((r) => /198\.18\.5\.\d/.exec(r)?.[0])).toEqual(['198.18.5.1', '198.18.5.2', '198.18.5.3']);

    const hook = hooks.requests.find((r) => r.path === '/digest');
    expect(hook).toBeDefined();
    expect(hook?.headers['x-vigil-signature']).toBe(webhookSignature(secret, String(hook?.headers['x-vigil-timestamp']), hook?.body ?? ''));
    const doc = JSON.parse(hook?.body ?? '{}') as { event: string; data: { eventCount: number; events: unknown[]; isTruncated: boolean; pullUrl: string } };
    expect(doc.event).toBe('pipeline.digest');
    expect(doc.data).toMatchObject({ eventCount: 3, isTruncated: false });
    expect(doc.data.events).toHaveLength(3);
    expect(doc.data.pullUrl).toContain('/api/v1/me/events?since=2026-03-01T10%3A00%3A00.000Z&until=2026-03-01T11%3A00%3A00.000Z');

    // The build job running again (a retry, a second worker) sends nothing more.
    await t.vigil.outputs.digests.build(digests[0]!.id);
    await w.drain();
    expect(smtp.messages).toHaveLength(1);

    const log = await json(await t.request(`/api/v1/digest-deliveries?organizationId=${org.id}`, { as: analyst }));
    const items = log.items as Json[];
    expect(items.map((i) => [i.channel, i.recipient, i.eventCount, i.status])).toEqual(
      expect.arrayContaining([
        ['email', org.soc, 3, 'sent'],
        ['webhook', endpoint.id, 3, 'sent'],
      ]),
    );
    const email = items.find((i) => i.channel === 'email');
    expect(email?.attachmentSha256).toBe(createHash('sha256').update(csv).digest('hex'));
    expect(email?.isSigned).toBe(true);
  });

  it('sends a digest by hand with the events since the last one; the sent log is scoped to the organization', async () => {
    const org = await orgWithContacts('Manual Rail');
    const other = await orgWithContacts('Manual Port');
    expect((await t.request(`/api/v1/organizations/${org.id}/digests`, { method: 'POST', as: analyst })).status).toBe(409);
    await putSchedule(org.id, { frequency: 'off', emailTo: 'roles', emailRoles: ['management', 'security'] });
    await putSchedule(other.id, { frequency: 'off', emailTo: 'duty' });
    await insertEvents(t.database.db, [
      { at: '2026-03-01T09:00:00Z', org: org.id, feed, ip: '198.18.6.1' },
      { at: '2026-03-01T09:30:00Z', org: other.id, feed, ip: '198.18.7.1' },
    ]);
    const res = await t.request(`/api/v1/organizations/${org.id}/digests`, { method: 'POST', as: analyst });
    expect(res.status).toBe(202);
    expect(await json(res)).toMatchObject({ trigger: 'manual', periodStart: '2026-02-28T10:20:00.000Z', periodEnd: '2026-03-01T10:20:00.000Z' });
    const again = await json(await t.request(`/api/v1/organizations/${org.id}/digests`, { method: 'POST', as: analyst }));
    expect((again.error as Json).code).toBe('digest.empty_period');
    await t.request(`/api/v1/organizations/${other.id}/digests`, { method: 'POST', as: analyst });
    await worker().drain();
    expect(smtp.messages.map((m) => m.to[0]).sort()).toEqual([org.ciso, org.soc, other.soc].sort());

    const own = await t.signIn('constituent', { organizationId: org.id });
    const seen = (await json(await t.request('/api/v1/digest-deliveries', { as: own }))).items as Json[];
    expect(seen).toHaveLength(2);
    expect(seen.every((i) => (i.organization as Json).id === org.id)).toBe(true);
    const digests = (await json(await t.request(`/api/v1/organizations/${org.id}/digests`, { as: own }))).items as Json[];
    expect(digests[0]).toMatchObject({ state: 'sent', eventCount: 1 });
  });

  it('a period without events sends nothing and is still recorded', async () => {
    const org = await orgWithContacts('Quiet Gas');
    await putSchedule(org.id, { frequency: 'off', emailTo: 'duty' });
    const res = await json(await t.request(`/api/v1/organizations/${org.id}/digests`, { method: 'POST', as: analyst }));
    await worker().drain();
    expect(smtp.messages).toHaveLength(0);
    const digest = await t.database.db.selectFrom('digests').selectAll().where('id', '=', res.id as string).executeTakeFirstOrThrow();
    expect(digest).toMatchObject({ state: 'sent', event_count: 0 });
    expect(await t.database.db.selectFrom('digest_deliveries').select('id').where('digest_id', '=', digest.id).execute()).toHaveLength(0);
  });
});
