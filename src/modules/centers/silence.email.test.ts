import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../platform/db/database.ts';
import { createTestDatabase, testEngine } from '../../platform/db/testing.ts';
import { SYSTEM_ACTOR } from '../audit/index.ts';
import { createNotifyHarness, startSmtpServer } from '../notify/notify.test-support.ts';
import { createCentersRepository, createCentersService, silenceEmail, type CentersService } from './index.ts';

describe(`centers: silence alerts are e-mailed to the center's duty contacts (${testEngine()})`, () => {
  let database: Database;
  let now = new Date('2026-03-01T12:00:00Z');
  const clock = { now: () => now };
  const advance = (seconds: number) => (now = new Date(now.getTime() + seconds * 1000));
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  let harness: ReturnType<typeof createNotifyHarness>;
  let centers: CentersService;
  const operatorOf = (centerId: string) => ({ userId: '00000000-0000-4000-8000-000000000001', email: 'soc@example.org', name: 'soc', role: 'center_operator' as const, organizationId: null, centerId, via: 'api_key' as const, permissions: new Set(['centers:read']) });

  beforeAll(async () => {
    database = await createTestDatabase();
    smtp = await startSmtpServer();
    harness = createNotifyHarness(database, clock, { smtpUrl: `smtp://127.0.0.1:${smtp.port}` });
    centers = createCentersService({ db: database.db, repo: createCentersRepository(), audit: harness.audit, clock, silenceListeners: [silenceEmail(harness.service)] });
  });
  afterAll(async () => {
    await smtp.close();
    await database.close();
  });

  it('sends one e-mail per silence episode to the 24/7 contacts, and a new one after the center came back and fell silent again', async () => {
    const c = await centers.create({ name: 'North Grid SOC', heartbeatIntervalSeconds: 60, silentAfterSeconds: 180 }, SYSTEM_ACTOR);
    await centers.addContact(c.id, { name: 'Duty desk', role: 'duty', email: 'Duty@North.example', is24x7: true }, SYSTEM_ACTOR);
    await centers.addContact(c.id, { name: 'Manager', role: 'manager', email: 'boss@north.example', is24x7: false }, SYSTEM_ACTOR);
    await centers.heartbeat(operatorOf(c.id), {}, SYSTEM_ACTOR);
    advance(181);
    expect(await centers.checkSilence()).toMatchObject({ raised: 1 });
    advance(30);
    await centers.checkSilence(); // still the same episode: no second alert, no second e-mail
    expect(await harness.worker.drain()).toBe(1);
    expect(smtp.messages.map((m) => m.to)).toEqual([['duty@north.example']]);
    expect(smtp.messages[0]?.raw).toMatch(/^Subject: \[Vigil\] Center North Grid SOC is silent/m);
    expect(smtp.messages[0]?.raw).toContain('Last heartbeat: 2026-03-01T12:00:00.000Z');

    advance(10);
    await centers.heartbeat(operatorOf(c.id), {}, SYSTEM_ACTOR);
    advance(200);
    expect(await centers.checkSilence()).toMatchObject({ raised: 1 });
    expect(await harness.worker.drain()).toBe(1);
    expect(smtp.messages).toHaveLength(2);
    const related = await database.db.selectFrom('notifications').select(['related_type', 'related_id', 'dedupe_key']).where('recipient', '=', 'duty@north.example').execute();
    const alerts = await database.db.selectFrom('alerts').select('id').where('entity_id', '=', c.id).orderBy('created_at').execute();
    expect(related.map((r) => r.related_id).sort()).toEqual(alerts.map((a) => a.id).sort());
    expect(related.every((r) => r.related_type === 'alert')).toBe(true);
  });

  it('falls back to every contact of a center that has no 24/7 contact, and sends nothing for a center without contacts', async () => {
    const quiet = await centers.create({ name: 'Quiet SOC', heartbeatIntervalSeconds: 60, silentAfterSeconds: 120 }, SYSTEM_ACTOR);
    const lonely = await centers.create({ name: 'Lonely SOC', heartbeatIntervalSeconds: 60, silentAfterSeconds: 120 }, SYSTEM_ACTOR);
    await centers.addContact(quiet.id, { name: 'Office', role: 'office', email: 'office@quiet.example', is24x7: false }, SYSTEM_ACTOR);
    await centers.heartbeat(operatorOf(quiet.id), {}, SYSTEM_ACTOR);
    await centers.heartbeat(operatorOf(lonely.id), {}, SYSTEM_ACTOR);
    const before = smtp.messages.length;
    advance(121);
    expect(await centers.checkSilence()).toMatchObject({ raised: 2 });
    expect(await harness.worker.drain()).toBe(1);
    expect(smtp.messages.slice(before).map((m) => m.to)).toEqual([['office@quiet.example']]);
  });
});
