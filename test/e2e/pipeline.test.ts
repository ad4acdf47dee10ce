import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/platform/config.ts';
import type { Principal } from '../../src/platform/http/context.ts';
import { createServerTestDatabase, testEngine } from '../../src/platform/db/testing.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { startServer, type Running } from '../../src/server.ts';
import { SYSTEM_ACTOR } from '../../src/modules/audit/index.ts';
import { dropDir } from '../../src/modules/pipeline/index.ts';
import { attachmentsOf, createSigningKeyFile, verifyPgpMime } from '../../src/modules/notify/notify.mime.test-support.ts';
import { startSmtpServer } from '../../src/modules/notify/notify.test-support.ts';
import { hasBrowser, launchBrowser } from './browser.ts';

// The newcomer's path through the event pipeline: an administrator adds a CSV feed in the console,
// a scan report is dropped into the feed's directory, its events show up attributed to demo
// organizations in the explorer, a digest goes out as an OpenPGP-signed e-mail with the CSV to a
// real SMTP server, and a constituent's API key pulls its own events and nothing else.

const PASSWORD = 'correct horse battery staple';
const ADMIN = 'admin@cert.example';
const FEED = 'e2e-open-services';
const NORTHWIND_SOC = 'soc@northwind-grid.example';
const WAIT = { timeout: 30_000, interval: 250 };
// Demo networks: Northwind Power Grid 198.18.0.0/22, Riverside Hydro 198.18.4.0/22; 999.1.1.1 is not an address (error log).
// A scan report in the layout of the shipped "shadowserver-scan" mapping, which the feed form offers.
const MAPPING = 'shadowserver-scan';
const REPORT = [
  'timestamp,ip,protocol,port,asn,hostname,tag',
  '2026-03-01T06:00:00Z,198.18.0.5,tcp,3389,64496,rdp.northwind-grid.example,rdp',
  '2026-03-01T06:01:00Z,198.18.1.7,tcp,23,64496,,telnet',
  '2026-03-01T06:02:00Z,198.18.4.9,udp,161,64497,snmp.riverside-hydro.example,snmp',
  '2026-03-01T06:03:00Z,203.0.113.77,tcp,445,64499,,smb',
  '2026-03-01T06:04:00Z,999.1.1.1,tcp,22,64499,,ssh',
  '',
].join('\n');

describe.skipIf(!hasBrowser)(`event pipeline: CSV feed, drop directory, explorer, signed digest e-mail, pull API (headless Chromium, ${testEngine()})`, () => {
  let running: Running;
  let server: Awaited<ReturnType<typeof createServerTestDatabase>>; // a fresh database on VIGIL_TEST_DATABASE_URL's server, if set
  let browser: Browser;
  let dataDir: string;
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  let key: Awaited<ReturnType<typeof createSigningKeyFile>>;
  let northwindId: string;
  let riversideKey: string;
  let config: ReturnType<typeof loadConfig>;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    key = await createSigningKeyFile();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-e2e-pipeline-'));
    server = await createServerTestDatabase();
    config = loadConfig({
      ...(server ? { DATABASE_URL: server.url } : {}),
      VIGIL_DATA_DIR: dataDir,
      VIGIL_PORT: '0',
      VIGIL_LOG_LEVEL: 'silent',
      VIGIL_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
      VIGIL_SMTP_FROM: 'CERT Vigil <vigil@cert.example>',
      VIGIL_DIGEST_SIGNING_KEY_FILE: key.file,
      VIGIL_DIGEST_SIGNING_KEY_PASSPHRASE: key.passphrase,
    });
    running = await startServer(config, createLogger('silent'));
    const { services } = running.vigil;
    const db = running.database.db;
    await services.users.create({ email: ADMIN, name: 'Ada Admin', role: 'admin', password: PASSWORD }, SYSTEM_ACTOR);
    northwindId = (await db.selectFrom('organizations').select('id').where('name', '=', 'Northwind Power Grid').executeTakeFirstOrThrow()).id;
    const riverside = await db.selectFrom('organizations').select('id').where('name', '=', 'Riverside Hydro').executeTakeFirstOrThrow();
    const user = await services.users.create({ email: 'it@riverside-hydro.example', name: 'Riverside IT', role: 'constituent', organizationId: riverside.id }, SYSTEM_ACTOR);
    const caller: Principal = { userId: user.id, email: user.email, name: user.name, role: 'constituent', organizationId: riverside.id, centerId: null, via: 'session', permissions: new Set() };
    riversideKey = (await services.apiKeys.create({ name: 'Riverside SIEM', scopes: ['events:own'] }, caller, SYSTEM_ACTOR)).key;
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await running?.close();
    await smtp?.close();
    await server?.drop();
    key?.remove();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('adds a feed in the console, takes a dropped file, attributes events, mails a signed digest and serves the pull API', { timeout: 240_000 }, async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${running.url}/pipeline/feeds`);
    await page.waitForURL(/\/login/);
    await page.getByLabel('E-mail').fill(ADMIN);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/pipeline\/feeds$/);

    // a. the feed: a drop directory with a shipped CSV column mapping picked from the form
    await page.getByRole('button', { name: 'New feed' }).click();
    await page.getByLabel('Name').fill(FEED);
    await page.getByLabel('Kind', { exact: true }).selectOption('drop');
    await page.getByLabel('Format', { exact: true }).selectOption('csv');
    const mapping = page.getByLabel('Shipped mapping');
    await expect.poll(() => mapping.locator('option').count(), WAIT).toBeGreaterThan(1);
    await mapping.selectOption(MAPPING);
    await expect.poll(() => page.getByLabel(/^Parser settings/).inputValue(), WAIT).toContain('"source.ip"');
    await page.getByRole('button', { name: 'Create feed' }).click();
    await expect.poll(() => page.getByTestId('feed-saved').innerText(), WAIT).toContain(`drop/${FEED}/`);
    const row = page.getByTestId('feed-row').and(page.locator(`[data-feed-name="${FEED}"]`));
    await expect.poll(() => row.count(), WAIT).toBe(1);

    // b. a scan report dropped into <data dir>/drop/<feed name>/
    const dir = dropDir(config.dataDir, FEED);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'scan.csv.part'), REPORT);
    fs.renameSync(path.join(dir, 'scan.csv.part'), path.join(dir, 'scan.csv'));
    await expect
      .poll(async () => {
        await page.getByRole('button', { name: 'Refresh' }).click();
        return row.getByTestId('feed-events').innerText();
      }, { timeout: 60_000, interval: 1000 })
      .toBe('4');

    // c. the explorer shows them attributed to the demo organizations; the bad line is in the error log
    await page.goto(`${running.url}/pipeline/events?organizationId=${northwindId}`);
    const events = page.getByTestId('event-row');
    await expect.poll(() => events.count(), WAIT).toBe(2);
    await expect.poll(() => page.getByTestId('event-org').first().innerText(), WAIT).toBe('Northwind Power Grid');
    await page.goto(`${running.url}/pipeline/events`);
    await expect.poll(() => events.count(), WAIT).toBe(4);
    await expect.poll(async () => (await page.getByTestId('events-table').innerText()).includes('Riverside Hydro'), WAIT).toBe(true);
    await page.goto(`${running.url}/pipeline/feeds`);
    await row.getByRole('link', { name: 'Errors' }).click();
    await expect.poll(() => page.getByTestId('feed-error-row').count(), WAIT).toBeGreaterThanOrEqual(1);
    expect(await page.getByTestId('feed-errors-table').innerText()).toContain('999.1.1.1');

    // d. Northwind's digest to its 24/7 contact: schedule, send now, the signed e-mail with the CSV arrives
    await page.goto(`${running.url}/pipeline/notifications?organizationId=${northwindId}`);
    await page.getByLabel('E-mail to').selectOption('duty');
    await page.getByRole('button', { name: 'Save schedule' }).click();
    await expect.poll(() => page.getByTestId('digest-notice').innerText(), WAIT).toContain('Saved');
    await page.getByRole('button', { name: 'Send digest now' }).click();
    await expect.poll(() => page.getByTestId('digest-notice').innerText(), WAIT).toContain('Digest queued');
    await expect.poll(() => smtp.messages.filter((m) => m.to.includes(NORTHWIND_SOC)).length, WAIT).toBe(1);
    const mail = smtp.messages.find((m) => m.to.includes(NORTHWIND_SOC))!;
    const signed = await verifyPgpMime(mail.raw, key.publicKey);
    expect(signed.isValid).toBe(true);
    const csv = [...attachmentsOf(signed.signedPart).values()][0]?.toString('utf8') ?? '';
    expect(csv).toContain('198.18.0.5');
    expect(csv).toContain('198.18.1.7');
    expect(csv).not.toContain('198.18.4.9');
    expect(csv).not.toContain('203.0.113.77');
    await expect
      .poll(async () => {
        await page.getByRole('button', { name: 'Refresh' }).click();
        return page.getByTestId('deliveries-table').innerText();
      }, WAIT)
      .toMatch(new RegExp(`${NORTHWIND_SOC}[\\s\\S]*sent`));

    // e. Riverside's API key pulls Riverside's events only, in every format
    const pull = (q: string, headers: Record<string, string> = {}) => fetch(`${running.url}/api/v1/me/events?${q}`, { headers: { authorization: `Bearer ${riversideKey}`, ...headers } });
    const own = (await (await pull('since=2000-01-01T00:00:00Z')).json()) as { items: { source: { ip: string } }[] };
    expect(own.items.map((e) => e.source.ip)).toEqual(['198.18.4.9']);
    const all = await (await pull(`since=2000-01-01T00:00:00Z&format=csv&organizationId=${northwindId}`)).text();
    expect(all).toContain('198.18.4.9');
    expect(all).not.toContain('198.18.0.5');
    const intelmq = (await (await pull('since=2000-01-01T00:00:00Z&format=intelmq')).text()).trim();
    const exported = JSON.parse(intelmq) as Record<string, unknown>;
    expect(exported['source.ip']).toBe('198.18.4.9');
    expect(exported['source.geolocation.cc']).toBe('XX'); // from the prefix table seeded at start (the report has no geo column)
    const analystOnly = await fetch(`${running.url}/api/v1/events`, { headers: { authorization: `Bearer ${riversideKey}` } });
    expect(analystOnly.status).toBe(403);
    await context.close();
  });

  it('keeps a pulled feed\'s API key encrypted and never shows it, through the console form and an edit', { timeout: 120_000 }, async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${running.url}/login`);
    await page.getByLabel('E-mail').fill(ADMIN);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((u) => !u.pathname.startsWith('/login'));
    await page.goto(`${running.url}/pipeline/feeds`);
    await page.getByRole('button', { name: 'New feed' }).click();
    await page.getByLabel('Name').fill('keyed-blocklist');
    await page.getByLabel('Kind', { exact: true }).selectOption('http');
    await page.getByLabel('Format', { exact: true }).selectOption('list');
    await page.getByLabel('URL').fill('http://8.8.8.8/blocklist.txt');
    await page.getByLabel('API key header').fill('Auth-Key');
    await page.getByLabel(/^API key \(stored encrypted/).fill('abuse-ch-s3cret');
    await page.getByLabel(/^Parser settings/).fill('{ "format": "list" }');
    await page.getByRole('button', { name: 'Create feed' }).click();
    await expect.poll(() => page.getByTestId('feed-saved').innerText(), WAIT).toContain('keyed-blocklist');
    const db = running.database.db;
    const stored = async () => (await db.selectFrom('feeds').select('config').where('name', '=', 'keyed-blocklist').executeTakeFirstOrThrow()).config as { secretHeaders?: Record<string, string>; url?: string };
    const sealed = (await stored()).secretHeaders?.['Auth-Key'] ?? '';
    expect(sealed).toMatch(/^v1\./);
    expect(JSON.stringify(await stored())).not.toContain('abuse-ch-s3cret');
    // A second key set through the API (the form edits the first): the console's edit keeps it.
    const feedRow = await db.selectFrom('feeds').select(['id', 'version']).where('name', '=', 'keyed-blocklist').executeTakeFirstOrThrow();
    await running.vigil.pipeline.feeds.update(feedRow.id, { version: feedRow.version, config: { url: 'http://8.8.8.8/blocklist.txt', secretHeaders: { 'Auth-Key': '********', 'X-Second-Key': 'two' } } }, SYSTEM_ACTOR);
    const second = (await stored()).secretHeaders?.['X-Second-Key'] ?? '';
    expect(second).toMatch(/^v1\./);
    await page.reload();
    // The edit form shows that a key is stored, never the key; saved with the value left empty, the key stays.
    const row = page.getByTestId('feed-row').and(page.locator('[data-feed-name="keyed-blocklist"]'));
    await row.getByRole('button', { name: 'Edit' }).click();
    await expect.poll(() => page.getByLabel('API key header').inputValue(), WAIT).toBe('Auth-Key');
    expect(await page.getByLabel(/^API key \(stored encrypted/).inputValue()).toBe('');
    expect(await page.getByLabel(/^API key \(stored encrypted/).getAttribute('placeholder')).toContain('stored');
    expect(await page.content()).not.toContain('abuse-ch-s3cret');
    await page.getByLabel('URL').fill('http://8.8.4.4/blocklist.txt');
    await page.getByRole('button', { name: 'Save feed' }).click();
    await expect.poll(async () => (await stored()).url, WAIT).toBe('http://8.8.4.4/blocklist.txt');
    expect((await stored()).secretHeaders).toEqual({ 'Auth-Key': sealed, 'X-Second-Key': second });
    await context.close();
  });
});
