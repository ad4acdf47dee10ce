import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/platform/config.ts';
import type { Principal } from '../../src/platform/http/context.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { startServer, type Running } from '../../src/server.ts';
import { SYSTEM_ACTOR } from '../../src/modules/audit/index.ts';
import { startSmtpServer } from '../../src/modules/notify/notify.test-support.ts';
import { hasBrowser, launchBrowser } from './browser.ts';

// The whole way of a public report: filed anonymously, followed, turned into an incident by an
// analyst (the owner found by the constituency lookup), assigned to a center, escalated by its clock
// with an e-mail to the duty contact through a real SMTP server, closed; and a center's own system
// notifying an incident through the API, idempotently.

const PASSWORD = 'correct horse battery staple';
const ANALYST = 'analyst@example.org';
const CENTER_NAME = 'Northwind Grid SOC';
const DUTY = 'soc@northwind-grid.example';
const ATTACHMENT = ['From: "IT Service Desk" <it@northwind-grid-support.example>', 'Subject: Your password expires today', '', 'Reset it now at hxxps://login.northwind-grid[.]example/reset', ''].join('\n');
// every wait is bounded; these are generous for a loaded CI machine
const WAIT = { timeout: 20_000, interval: 100 };

type Mail = { from: string; to: string[]; raw: string };
/** The Subject header of a raw message, unfolded. */
const subjectOf = (m: Mail) => /^Subject: (.*)$/im.exec(m.raw.split(/\r?\n\r?\n/)[0]?.replace(/\r?\n[ \t]+/g, ' ') ?? '')?.[1] ?? '';

describe.skipIf(!hasBrowser)('from a public report to a closed incident, in headless Chromium', () => {
  let running: Running;
  let browser: Browser;
  let dataDir: string;
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  let northwindId: string;
  let centerKey: string;
  // screenshots go to the data dir (removed afterwards) unless VIGIL_E2E_SHOTS names a directory to keep them in
  const shot = (page: Page, name: string) => page.screenshot({ path: path.join(process.env.VIGIL_E2E_SHOTS ?? dataDir, name), fullPage: true });

  beforeAll(async () => {
    smtp = await startSmtpServer();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-e2e-flow-'));
    // the demo constituency is loaded: Northwind Power Grid (northwind-grid.example) is a significant CII operator
    const config = loadConfig({ VIGIL_DATA_DIR: dataDir, VIGIL_PORT: '0', VIGIL_LOG_LEVEL: 'silent', VIGIL_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, VIGIL_SMTP_FROM: 'CERT Vigil <vigil@cert.example>' });
    running = await startServer(config, createLogger('silent'));
    const { services } = running.vigil;
    const db = running.database.db;
    await services.users.create({ email: ANALYST, name: 'Ana Lyst', role: 'analyst', password: PASSWORD }, SYSTEM_ACTOR);

    const northwind = await db.selectFrom('organizations').select('id').where('name', '=', 'Northwind Power Grid').executeTakeFirstOrThrow();
    northwindId = northwind.id;
    // a 24/7 duty contact for Northwind: the demo has one; add it if the demo data ever changes
    const duty = await db.selectFrom('contacts').select(['email']).where('organization_id', '=', northwindId).where('is_24x7', '=', true).execute();
    if (!duty.some((c) => c.email === DUTY)) {
      await services.constituency.organizations.addContact(northwindId, { name: 'Northwind SOC', role: 'security', email: DUTY, is24x7: true }, SYSTEM_ACTOR);
    }

    // a center serving Northwind, its operator and the operator's system's API key
    const center = await services.centers.create({ name: CENTER_NAME }, SYSTEM_ACTOR);
    await services.centers.setOrganizations(center.id, [northwindId], SYSTEM_ACTOR);
    const operator = await services.users.create({ email: 'operator@grid-soc.example', name: 'Grid SOC system', role: 'center_operator', centerId: center.id }, SYSTEM_ACTOR);
    const caller: Principal = { userId: operator.id, email: operator.email, name: operator.name, role: 'center_operator', organizationId: null, centerId: center.id, via: 'session', permissions: new Set() };
    centerKey = (await services.apiKeys.create({ name: 'Grid SOC SIEM', scopes: ['incidents:notify', 'incidents:read', 'centers:read'] }, caller, SYSTEM_ACTOR)).key;

    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await running?.close();
    await smtp?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('files a report, opens an incident from it, escalates a clock by e-mail, closes it; a center notifies idempotently', { timeout: 240_000 }, async () => {
    // a. an anonymous visitor files a report and follows it
    const reporterContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const reporter = await reporterContext.newPage();
    await reporter.goto(`${running.url}/report`);
    await reporter.getByLabel('What happened?').selectOption('phishing');
    const description = 'A mail from "IT" asked me to reset my grid portal password at hxxps://login.northwind-grid[.]example/reset <b>today</b>. The mail is attached.';
    await reporter.getByLabel('Describe what happened').fill(description);
    await reporter.getByLabel('Files (optional)').setInputFiles({ name: 'reset-mail.txt', mimeType: 'text/plain', buffer: Buffer.from(ATTACHMENT) });
    await expect.poll(() => reporter.getByTestId('report-pow-state').innerText(), { timeout: 30_000, interval: 200 }).toBe('Ready to send.');
    await reporter.getByRole('button', { name: 'Send report' }).click();
    const code = (await reporter.getByTestId('report-tracking-code').innerText()).trim();
    const secret = (await reporter.getByTestId('report-secret').innerText()).trim();
    expect(code).toMatch(/^VR-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    expect(secret.length).toBeGreaterThan(10);

    await reporter.getByRole('link', { name: 'Follow this report' }).click();
    await reporter.waitForURL(/\/report\/status\?code=/);
    const followStatus = async () => {
      await reporter.getByLabel('Secret').fill(secret);
      await reporter.getByRole('button', { name: 'Show status' }).click();
      return reporter.getByTestId('report-status-value');
    };
    const status = await followStatus();
    await expect.poll(() => status.innerText(), WAIT).toBe('Received');

    // b. an analyst finds it in the queue, reads it and opens an incident from it
    const analystContext = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await analystContext.newPage();
    await page.goto(`${running.url}/reports`);
    await page.waitForURL(/\/login/);
    await page.getByLabel('E-mail').fill(ANALYST);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/reports$/);
    const row = page.getByTestId('report-row').filter({ hasText: code });
    await expect.poll(() => row.count(), WAIT).toBe(1);
    const cells = await row.locator('td').allInnerTexts();
    expect(cells[2]).toContain('Phishing');
    expect(cells[3]).toBe('Received');
    expect(cells[5]).toBe('1');
    await shot(page, 'reports-queue.png');

    await row.getByRole('link', { name: code }).click();
    await page.waitForURL(/\/reports\/[0-9a-f-]{36}$/);
    await expect.poll(() => page.getByTestId('report-category').innerText(), WAIT).toBe('Phishing');
    expect(await page.getByTestId('report-rsit').innerText()).toBe('Fraud / Phishing');
    // the reporter's words as text: the markup in them is shown, not interpreted
    expect(await page.getByTestId('report-description').innerText()).toBe(description);
    expect(await page.getByTestId('report-description').locator('b').count()).toBe(0);
    expect(await page.getByTestId('report-contact').innerText()).toContain('Anonymous');
    expect(await page.getByTestId('report-observables').innerText()).toContain('https://login.northwind-grid.example/reset');
    // the attachment is a download, never shown in the page
    const attachment = page.getByTestId('report-attachment').getByRole('link', { name: 'reset-mail.txt' });
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 20_000 }), attachment.click()]);
    expect(download.suggestedFilename()).toBe('reset-mail.txt');
    expect(fs.readFileSync(await download.path(), 'utf8')).toBe(ATTACHMENT);
    expect(new URL(page.url()).pathname).toMatch(/^\/reports\//);
    await shot(page, 'report.png');

    const form = page.getByTestId('open-incident-form');
    expect(await form.getByLabel('TLP').inputValue()).toBe('amber');
    await form.getByLabel('Severity').selectOption('high');
    await form.getByRole('button', { name: 'Open incident' }).click();
    await page.waitForURL(/\/incidents\/[0-9a-f-]{36}$/, { timeout: 20_000 });
    const incidentId = page.url().split('/').pop()!;
    const ref = (await page.getByTestId('incident-ref').innerText()).trim();
    expect(ref).toMatch(/^INC-\d{4}-\d{6}$/);
    await expect.poll(() => page.getByTestId('incident-facts').innerText(), WAIT).toContain('Northwind Power Grid');
    expect(await page.getByTestId('incident-facts').innerText()).toContain('Public report');
    expect(await page.getByTestId('incident-header').getByTestId('incident-tlp').innerText()).toBe('TLP:AMBER');
    expect(await page.getByTestId('incident-header').getByTestId('incident-severity').getAttribute('data-severity')).toBe('high');

    // c. a center serving Northwind takes it; a running clock counts down
    const assignment = page.getByTestId('incident-assignment');
    await assignment.getByLabel('Assign center').selectOption({ label: CENTER_NAME });
    await assignment.getByRole('button', { name: 'Save assignment' }).click();
    await expect.poll(() => assignment.getByTestId('assignee-center').innerText(), WAIT).toBe(CENTER_NAME);
    const remaining = page.locator('[data-testid="incident-clock"][data-status="running"] [data-testid="clock-remaining"]').first();
    await expect.poll(() => remaining.count(), WAIT).toBe(1);
    const first = await remaining.innerText();
    expect(first).toMatch(/left$/);
    await page.waitForTimeout(1200);
    const second = await remaining.innerText();
    expect(second).toMatch(/left$/);
    expect(second).not.toBe(first);
    await shot(page, 'incident-from-report.png');

    // d. the reporter sees that the report is being handled
    await followStatus();
    await expect.poll(() => reporter.getByTestId('report-status-value').getAttribute('class'), WAIT).toContain('report-status-linked');
    expect(await reporter.getByTestId('report-status-value').innerText()).toBe('Being handled as an incident');
    expect(await reporter.getByTestId('report-status').innerText()).not.toContain(ref);
    await reporterContext.close();

    // ...and the queue links the report to the incident
    await page.goto(`${running.url}/reports?status=linked`);
    const linked = page.getByTestId('report-row').filter({ hasText: code });
    await expect.poll(() => linked.count(), WAIT).toBe(1);
    await expect.poll(() => linked.getByTestId('report-incident-link').innerText(), WAIT).toBe(ref);
    expect(await page.getByTestId('report-row').filter({ hasText: code }).getByTestId('report-status-badge').innerText()).toBe('Linked to incident');

    // e. a deadline comes close: the sweep escalates it and the duty contact gets an e-mail.
    // (Opening from a report triages the case and assigning it acknowledges it: the resolve clock is the open SLA clock.)
    const db = running.database.db;
    const moved = await sql`update incident_clocks set due_at = now() + interval '5 minutes' where incident_id = ${incidentId} and kind = 'sla.resolve' and met_at is null`.execute(db);
    expect(Number(moved.numAffectedRows)).toBe(1);
    const swept = await running.vigil.services.incidents.clocks.sweep();
    // the scheduler's own sweep may have come first; either way the clock is escalated once
    const clock = await db.selectFrom('incident_clocks').select(['escalated_at']).where('incident_id', '=', incidentId).where('kind', '=', 'sla.resolve').executeTakeFirstOrThrow();
    expect(clock.escalated_at).not.toBeNull();
    expect(swept.breached).toBe(0);
    const mailFor = () => smtp.messages.find((m) => m.to.includes(DUTY) && subjectOf(m).includes(ref));
    await expect.poll(() => mailFor() !== undefined, WAIT).toBe(true);
    const mail = mailFor()!;
    expect(subjectOf(mail)).toContain('due soon');
    expect(mail.from).toBe('vigil@cert.example');

    // f. the case is worked to its end through the state buttons
    await page.goto(`${running.url}/incidents/${incidentId}`);
    const header = page.getByTestId('incident-header');
    const state = header.getByTestId('incident-state');
    await expect.poll(() => state.getAttribute('data-state'), WAIT).toBe('triaged');
    await expect.poll(() => page.locator('[data-testid="timeline-entry"][data-kind="clock_escalated"]').count(), WAIT).toBe(1);
    const actions = page.getByTestId('state-actions');
    const move = async (button: string, to: string) => {
      await actions.getByRole('button', { name: button, exact: true }).click();
      await expect.poll(() => state.getAttribute('data-state'), WAIT).toBe(to);
    };
    await move('Start containment', 'containment');
    await move('Resolve', 'resolved');
    await move('Close', 'closed');
    await expect.poll(() => page.getByTestId('state-actions').count(), WAIT).toBe(0);
    await shot(page, 'incident-closed.png');

    // g. the center's own system notifies an incident: created, retried unchanged, then updated
    const notify = (body: unknown) =>
      fetch(`${running.url}/api/v1/center-notifications`, {
        method: 'POST',
        headers: { authorization: `Bearer ${centerKey}`, 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(body),
      });
    const notification = {
      externalId: 'SOC-1',
      organizationId: northwindId,
      title: 'Malware on an engineering workstation',
      severity: 'medium',
      rsitTaxonomy: 'malicious-code',
      rsitType: 'infected-system',
      tlp: 'amber',
      pap: 'amber',
      description: 'EDR quarantined a loader on an engineering workstation in the north substation.',
      detectedAt: new Date(Date.now() - 3600_000).toISOString(),
      observables: [{ type: 'ipv4', value: '198.18.0.77' }],
    };
    const created = await notify(notification);
    expect(created.status).toBe(201);
    const createdBody = (await created.json()) as { outcome: string; incident: { id: string; ref: string } };
    expect(createdBody.outcome).toBe('created');
    const retry = await notify(notification);
    expect([retry.status, ((await retry.json()) as { outcome: string }).outcome]).toEqual([200, 'unchanged']);
    const update = await notify({ ...notification, severity: 'high', status: 'contained' });
    const updateBody = (await update.json()) as { outcome: string; incident: { id: string } };
    expect([update.status, updateBody.outcome]).toEqual([200, 'updated']);
    expect(updateBody.incident.id).toBe(createdBody.incident.id);

    await page.goto(`${running.url}/incidents/${createdBody.incident.id}`);
    await expect.poll(() => page.getByTestId('incident-ref').innerText(), WAIT).toBe(createdBody.incident.ref);
    const centerUpdate = page.locator('[data-testid="timeline-entry"][data-kind="center_update"]');
    await expect.poll(() => centerUpdate.count(), WAIT).toBe(1);
    expect(await centerUpdate.innerText()).toContain('Center update');
    await expect.poll(() => page.getByTestId('incident-facts').innerText(), WAIT).toContain('Northwind Power Grid');
    await shot(page, 'center-incident.png');
    await analystContext.close();
  });
});
