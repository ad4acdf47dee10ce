import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { OpenAPIHono } from '@hono/zod-openapi';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/platform/clock.ts';
import { loadConfig } from '../../src/platform/config.ts';
import type { AppEnv } from '../../src/platform/http/context.ts';
import { handleError } from '../../src/platform/http/errors.ts';
import { requestContext } from '../../src/platform/http/middleware.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { startServer, type Running } from '../../src/server.ts';
import { SYSTEM_ACTOR } from '../../src/modules/audit/index.ts';
import { createReports, type Reports } from '../../src/modules/reports/index.ts';
import { hasBrowser, launchBrowser } from './browser.ts';


const MAIL = [
  'Received: from mx.bank-secure.example (198.51.100.23)',
  'From: "Your Bank" <billing@bank-secure.example>',
  'Subject: Verify your account today',
  'Date: Mon, 3 Mar 2025 10:00:00 +0000',
  '',
  'Click https://bank-secure.example/verify to keep your account.',
  '',
].join('\r\n');

describe.skipIf(!hasBrowser)('public report pages in headless Chromium', () => {
  let running: Running;
  let reports: Reports;
  let front: ServerType;
  let url: string;
  let browser: Browser;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-e2e-report-'));
    const config = loadConfig({ VIGIL_DATA_DIR: dataDir, VIGIL_PORT: '0', VIGIL_LOG_LEVEL: 'silent', VIGIL_DEMO: '0' });
    const log = createLogger('silent');
    running = await startServer(config, log);
    // The reports module in front of the real app, in the order app.ts mounts it (public report
    // routes before everything else under /api/v1); the real proof-of-work difficulty.
    reports = createReports({ db: running.database.db, audit: running.vigil.services.audit, clock: systemClock, log });
    const app = new OpenAPIHono<AppEnv>();
    app.onError(handleError);
    app.use('/api/v1/reports/*', requestContext(log));
    app.route('/api/v1', reports.routes.public());
    app.all('*', (c) => running.vigil.app.fetch(c.req.raw, c.env));
    front = await new Promise((resolve) => {
      const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s));
    });
    url = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (front ? front.close(() => resolve()) : resolve()));
    await running?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('files a report with an attachment without signing in, then follows it by tracking code and secret', async () => {
    const page = await browser.newPage();
    await page.goto(`${url}/report`);
    await page.getByLabel('What happened?').selectOption('phishing');
    await page.getByLabel('Describe what happened').fill('I got a mail asking me to log in at hxxps://bank-secure[.]example/verify. The mail is attached.');
    await page.getByLabel(/Web addresses, IP addresses/).fill('198.51.100.23\nbilling[@]bank-secure[.]example');
    await page.getByLabel('Files (optional)').setInputFiles({ name: 'phish.eml', mimeType: 'message/rfc822', buffer: Buffer.from(MAIL) });
    await expect.poll(() => page.getByTestId('report-pow-state').innerText(), { timeout: 20_000 }).toBe('Ready to send.');
    await page.getByRole('button', { name: 'Send report' }).click();

    const code = (await page.getByTestId('report-tracking-code').innerText()).trim();
    const secret = (await page.getByTestId('report-secret').innerText()).trim();
    expect(code).toMatch(/^VR-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    expect(secret).toMatch(/^([0-9A-Z]{4}-){6}[0-9A-Z]{4}$/);
    expect(new URL(page.url()).pathname).toBe('/report');

    const { items } = await reports.service.reports.list({ limit: 10 });
    const filed = items.find((i) => i.trackingCode === code);
    expect(filed).toMatchObject({ category: 'phishing', attachmentCount: 1, status: 'received' });
    const detail = await reports.service.reports.get(filed?.id as string);
    expect(detail.attachments).toEqual([expect.objectContaining({ filename: 'phish.eml', sniffedType: 'message/rfc822', size: Buffer.byteLength(MAIL) })]);
    expect(detail.observables).toEqual(
      expect.arrayContaining([
        { type: 'ipv4', value: '198.51.100.23', source: 'given' },
        { type: 'email', value: 'billing@bank-secure.example', source: 'given' },
        { type: 'url', value: 'https://bank-secure.example/verify', source: 'extracted' },
      ]),
    );
    await reports.service.reports.update(detail.id, { status: 'in_review', publicNote: 'Thank you, we are taking the site down.' }, SYSTEM_ACTOR);

    await page.getByRole('link', { name: 'Follow this report' }).click();
    await page.waitForURL(/\/report\/status\?code=/);
    expect(await page.getByLabel('Tracking code').inputValue()).toBe(code);
    await page.getByLabel('Secret').fill('AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA');
    await page.getByRole('button', { name: 'Show status' }).click();
    await expect.poll(() => page.getByRole('alert').innerText()).toContain('No report matches');

    await page.getByLabel('Secret').fill(secret.toLowerCase());
    await page.getByRole('button', { name: 'Show status' }).click();
    await expect.poll(() => page.getByTestId('report-status-value').innerText()).toBe('In review');
    expect(await page.getByTestId('report-public-note').innerText()).toContain('taking the site down');
    expect(await page.getByTestId('report-status').innerText()).not.toContain('attached');
    await page.screenshot({ path: path.join(dataDir, 'report-status.png') });
  });
});
