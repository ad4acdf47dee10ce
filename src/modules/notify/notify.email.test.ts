import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../platform/db/database.ts';
import { createTestDatabase, testEngine } from '../../platform/db/testing.ts';
import { SYSTEM_ACTOR } from '../audit/index.ts';
import { createNotifyHarness, freePort, resetNotifyTables, startSmtpServer } from './notify.test-support.ts';

describe(`notify: e-mail over SMTP (${testEngine()})`, () => {
  let database: Database;
  let now: Date;
  const clock = { now: () => now };
  const later = (ms = 2 * 3600_000) => (now = new Date(now.getTime() + ms));
  const row = (id: string) => database.db.selectFrom('notifications').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => database.close());
  beforeEach(async () => {
    now = new Date('2026-03-01T08:00:00Z');
    await resetNotifyTables(database);
  });

  it('delivers an e-mail to a real SMTP server with its recipient, subject and text', async () => {
    const smtp = await startSmtpServer();
    try {
      const { service, worker } = createNotifyHarness(database, clock, { smtpUrl: `smtp://127.0.0.1:${smtp.port}` });
      const { id } = await database.db.transaction().execute((tx) =>
        service.sendEmail(tx, { to: 'duty@energy.example', subject: 'Incident INC-42 assigned', text: 'Incident INC-42 needs a first answer by 10:00.', related: { type: 'incident', id: 'inc-42' } }),
      );
      expect(await worker.drain()).toBe(1);
      expect(smtp.messages).toHaveLength(1);
      const mail = smtp.messages[0];
      expect(mail?.to).toEqual(['duty@energy.example']);
      expect(mail?.from).toBe('vigil@cert.example');
      expect(mail?.raw).toMatch(/^Subject: Incident INC-42 assigned\r?$/m);
      expect(mail?.raw).toContain('Incident INC-42 needs a first answer by 10:00.');
      expect(mail?.raw).toContain(`Message-ID: <${id}@cert.example>`);
      expect(mail?.raw).toContain(`X-Vigil-Notification: ${id}`);
      expect(await row(id)).toMatchObject({ status: 'sent', attempts: 1, last_error: null, sent_at: now, related_type: 'incident', related_id: 'inc-42' });
    } finally {
      await smtp.close();
    }
  });

  it('retries while the SMTP server is down and delivers once it is up', async () => {
    const port = await freePort();
    const { service, worker } = createNotifyHarness(database, clock, { smtpUrl: `smtp://127.0.0.1:${port}` });
    const { id } = await service.sendEmail(database.db, { to: 'soc@example.org', subject: 'Heartbeat missed', text: 'North SOC missed two heartbeats.' });
    expect(await worker.drain()).toBe(1);
    expect(await row(id)).toMatchObject({ status: 'pending', attempts: 1, last_error: expect.stringMatching(/ECONNREFUSED/) });

    const smtp = await startSmtpServer(port);
    try {
      expect(await worker.drain()).toBe(0); // waits for its backoff
      expect(smtp.messages).toHaveLength(0);
      later();
      expect(await worker.drain()).toBe(1);
      expect(smtp.messages.map((m) => m.to)).toEqual([['soc@example.org']]);
      expect(await row(id)).toMatchObject({ status: 'sent', attempts: 2, last_error: null });
      later();
      expect(await worker.drain()).toBe(0);
    } finally {
      await smtp.close();
    }
  });

  it('records a refused recipient on the notification but keeps the address out of the job queue', async () => {
    const smtp = await startSmtpServer(0, ['gone@energy.example']);
    try {
      const { service, worker } = createNotifyHarness(database, clock, { smtpUrl: `smtp://127.0.0.1:${smtp.port}` });
      const { id } = await service.sendEmail(database.db, { to: 'gone@energy.example', subject: 'S', text: 'T' });
      await worker.drain();
      expect(smtp.messages).toHaveLength(0);
      expect(await row(id)).toMatchObject({ status: 'pending', attempts: 1, last_error: expect.stringContaining('gone@energy.example') });
      const job = await database.db.selectFrom('jobs').selectAll().executeTakeFirstOrThrow();
      expect(job.last_error).toMatch(/550/);
      expect(job.last_error).not.toContain('gone@energy.example');
    } finally {
      await smtp.close();
    }
  });

  it('keeps an e-mail pending with notify.smtp_not_configured while no SMTP server is set, and fails it after the last attempt', async () => {
    const { service, worker } = createNotifyHarness(database, clock, { smtpUrl: undefined });
    const { id } = await service.sendEmail(database.db, { to: 'a@example.org', subject: 'S', text: 'T' });
    await worker.drain();
    expect(await row(id)).toMatchObject({ status: 'pending', attempts: 1, last_error: expect.stringMatching(/^notify\.smtp_not_configured/) });
    for (let i = 0; i < 10; i++) {
      later();
      await worker.drain();
    }
    expect(await row(id)).toMatchObject({ status: 'failed', attempts: 8 });
    const job = await database.db.selectFrom('jobs').selectAll().executeTakeFirstOrThrow();
    expect(job).toMatchObject({ name: 'notify.deliver', state: 'dead', attempts: 8 });
    await expect(service.queueTestEmail('admin@example.org', SYSTEM_ACTOR)).rejects.toMatchObject({ code: 'notify.smtp_not_configured', status: 409 });
  });

  it('queues one e-mail for one dedupe key', async () => {
    const { service } = createNotifyHarness(database, clock, { smtpUrl: 'smtp://127.0.0.1:1' });
    const input = { to: 'a@example.org', subject: 'Deadline', text: 'T', dedupeKey: 'incident:1:deadline:a@example.org' };
    const first = await service.sendEmail(database.db, input);
    const again = await service.sendEmail(database.db, input);
    expect(again).toEqual({ id: first.id, isDuplicate: true });
    expect(first.isDuplicate).toBe(false);
    expect(await database.db.selectFrom('notifications').select('id').execute()).toHaveLength(1);
    expect(await database.db.selectFrom('jobs').select('id').execute()).toHaveLength(1);
  });

  it('leaves no notification and no job behind when the causing transaction rolls back', async () => {
    const { service } = createNotifyHarness(database, clock, { smtpUrl: 'smtp://127.0.0.1:1' });
    await expect(
      database.db.transaction().execute(async (tx) => {
        await service.sendEmail(tx, { to: 'a@example.org', subject: 'S', text: 'T' });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await database.db.selectFrom('notifications').select('id').execute()).toHaveLength(0);
    expect(await database.db.selectFrom('jobs').select('id').execute()).toHaveLength(0);
  });

  it('refuses a recipient that is not an e-mail address', async () => {
    const { service } = createNotifyHarness(database, clock, { smtpUrl: 'smtp://127.0.0.1:1' });
    await expect(service.sendEmail(database.db, { to: 'not-an-address', subject: 'S', text: 'T' })).rejects.toMatchObject({ code: 'notify.invalid_recipient' });
  });
});
