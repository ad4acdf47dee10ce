import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../platform/db/database.ts';
import { createTestDatabase, testEngine } from '../../platform/db/testing.ts';
import { createWorker } from '../../platform/jobs/index.ts';
import { createAuditRepository, createAuditService } from '../audit/index.ts';
import { createNotify } from './index.ts';
import { attachmentsOf, createSigningKeyFile, verifyPgpMime } from './notify.mime.test-support.ts';
import { resetNotifyTables, silentLog, startSmtpServer } from './notify.test-support.ts';

const CSV = Buffer.from('time.observation,source.ip,classification.type\r\n2026-03-01T07:00:00.000Z,198.18.0.7,infected-system\r\n');

describe(`notify: e-mail attachments and OpenPGP signing (${testEngine()})`, () => {
  let database: Database;
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  let key: Awaited<ReturnType<typeof createSigningKeyFile>>;
  const now = new Date('2026-03-01T08:00:00Z');
  const clock = { now: () => now };

  function harness(signing: { file: string; passphrase?: string } | null) {
    const audit = createAuditService({ repo: createAuditRepository(), clock });
    const notify = createNotify({
      db: database.db,
      audit,
      clock,
      log: silentLog,
      config: {
        smtpUrl: `smtp://127.0.0.1:${smtp.port}`,
        smtpFrom: 'CERT Vigil <vigil@cert.example>',
        webhookTimeoutMs: 5000,
        digestSigningKeyFile: signing?.file,
        digestSigningKeyPassphrase: signing?.passphrase,
      },
    });
    const worker = createWorker({ db: database.db, jobs: notify.jobs, log: silentLog, clock, leaseMs: 60_000 });
    return { service: notify.service, worker };
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    smtp = await startSmtpServer();
    key = await createSigningKeyFile();
  });
  afterAll(async () => {
    await smtp.close();
    key.remove();
    await database.close();
  });
  beforeEach(async () => {
    smtp.messages.length = 0;
    await resetNotifyTables(database);
  });

  it('stores the attachment in the outbox and delivers it with the e-mail', async () => {
    const { service, worker } = harness(null);
    const { id } = await service.sendEmail(database.db, { to: 'soc@energy.example', subject: 'Digest', text: 'Two events.', attachments: [{ filename: 'events.csv', contentType: 'text/csv; charset=utf-8', content: CSV }] });
    const stored = await database.db.selectFrom('notification_attachments').selectAll().where('notification_id', '=', id).execute();
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ filename: 'events.csv', size: CSV.length });
    expect(Buffer.from(stored[0]!.content).equals(CSV)).toBe(true);

    expect(await worker.drain()).toBe(1);
    const raw = smtp.messages[0]?.raw ?? '';
    expect(raw).toMatch(/^Content-Type: multipart\/mixed/m);
    expect(attachmentsOf(raw).get('events.csv')?.equals(CSV)).toBe(true);
  });

  it('signs as PGP/MIME (RFC 3156) and the detached signature verifies over the signed part', async () => {
    const { service, worker } = harness({ file: key.file, passphrase: key.passphrase });
    expect(service.isSigningConfigured).toBe(true);
    await service.sendEmail(database.db, { to: 'soc@energy.example', subject: 'Signed digest', text: 'From the CERT: two events.\nLine with trailing spaces   \n', sign: true, attachments: [{ filename: 'events.csv', contentType: 'text/csv', content: CSV }] });
    expect(await worker.drain()).toBe(1);
    const raw = smtp.messages[0]?.raw ?? '';
    const result = await verifyPgpMime(raw, key.publicKey);
    expect(result.contentType).toMatch(/^multipart\/signed; protocol="application\/pgp-signature"; micalg=pgp-sha\d+; boundary=/);
    expect(result.isValid).toBe(true);
    expect(attachmentsOf(result.signedPart).get('events.csv')?.equals(CSV)).toBe(true);
    expect(raw).toMatch(/^Subject: Signed digest\r?$/m);
  });

  it('a signature over a changed message does not verify', async () => {
    const { service, worker } = harness({ file: key.file, passphrase: key.passphrase });
    await service.sendEmail(database.db, { to: 'soc@energy.example', subject: 'Signed', text: 'Amount: 10 events', sign: true });
    await worker.drain();
    const raw = smtp.messages[0]?.raw ?? '';
    expect((await verifyPgpMime(raw, key.publicKey)).isValid).toBe(true);
    expect((await verifyPgpMime(raw.replace('Amount: 10', 'Amount: 99'), key.publicKey)).isValid).toBe(false);
  });

  it('keeps a signed e-mail pending with notify.signing_key_not_configured when no key is set, and with notify.signing_key_invalid on a wrong passphrase', async () => {
    const unconfigured = harness(null);
    const { id } = await unconfigured.service.sendEmail(database.db, { to: 'a@example.org', subject: 'S', text: 'T', sign: true });
    await unconfigured.worker.drain();
    const row = await database.db.selectFrom('notifications').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'pending', attempts: 1, last_error: expect.stringMatching(/^notify\.signing_key_not_configured/) });

    const wrong = harness({ file: key.file, passphrase: 'not the passphrase' });
    const second = await wrong.service.sendEmail(database.db, { to: 'b@example.org', subject: 'S', text: 'T', sign: true });
    await wrong.worker.drain();
    const row2 = await database.db.selectFrom('notifications').selectAll().where('id', '=', second.id).executeTakeFirstOrThrow();
    expect(row2.last_error).toMatch(/^notify\.signing_key_invalid/);
    expect(row2.last_error).not.toContain('not the passphrase');
    expect(smtp.messages).toHaveLength(0);
  });

  it('refuses bad attachments with a stable code and stores nothing', async () => {
    const { service } = harness(null);
    await expect(service.sendEmail(database.db, { to: 'a@example.org', subject: 'S', text: 'T', attachments: [{ filename: 'a\r\nBcc: x@y', contentType: 'text/csv', content: CSV }] })).rejects.toMatchObject({ code: 'notify.invalid_attachment' });
    await expect(service.sendEmail(database.db, { to: 'a@example.org', subject: 'S', text: 'T', attachments: [{ filename: 'a.csv', contentType: 'text/csv\r\nX: y', content: CSV }] })).rejects.toMatchObject({ code: 'notify.invalid_attachment' });
    expect(await database.db.selectFrom('notifications').select('id').execute()).toHaveLength(0);
  });

  it('a repeated dedupe key stores the attachments once', async () => {
    const { service } = harness(null);
    const input = { to: 'a@example.org', subject: 'S', text: 'T', dedupeKey: 'digest:1:a', attachments: [{ filename: 'e.csv', contentType: 'text/csv', content: CSV }] };
    const first = await service.sendEmail(database.db, input);
    const again = await service.sendEmail(database.db, input);
    expect(again).toEqual({ id: first.id, isDuplicate: true });
    expect(await database.db.selectFrom('notification_attachments').select('seq').execute()).toHaveLength(1);
  });
});
