import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/platform/config.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { startServer, type Running } from '../../src/server.ts';
import { SYSTEM_ACTOR } from '../../src/modules/audit/index.ts';
import { TLP2_MARKING_IDS } from '../../src/modules/intel/index.ts';
import { mispEvent } from '../../src/modules/intel/misp/misp.testing.ts';
import { AgreementInput, PartnerInput } from '../../src/modules/sharing/sharing.schemas.ts';
import { hasBrowser, launchBrowser } from './browser.ts';

// An analyst configures Vigil's TAXII client in the console: a poll connection to this same
// server's TAXII endpoint (loopback allowed by VIGIL_INTEL_ALLOW_PRIVATE_URLS), first with a wrong
// password (the run fails and says why), then with the right one (write-only: never shown back);
// the run succeeds and the checkpoint moves. Then a partner's MISP feed (a small local feed server)
// is added and run, and a MISP event file goes through the intel browser's import panel.

const PASSWORD = 'correct horse battery staple';
const ANALYST = 'taxii-analyst@cert.example';
const MIRROR_ACCOUNT = 'taxii@mirror.example';
const WAIT = { timeout: 20_000, interval: 100 };
const T0 = '2025-01-02T03:04:05.000Z';

const green = (name: string) => ({ type: 'indicator', spec_version: '2.1', id: `indicator--${randomUUID()}`, created: T0, modified: T0, name, pattern: `[domain-name:value = '${name}.example']`, pattern_type: 'stix', valid_from: T0, object_marking_refs: [TLP2_MARKING_IDS.green] });
const LOCAL = [green('mirror-a'), green('mirror-b'), green('mirror-c')];
const FEED_EVENT = mispEvent({ tlp: 'green' });
const UPLOADED_EVENT = mispEvent({ tlp: 'green' });

/** A partner's MISP feed: manifest.json and one event file. */
function startMispFeed(): Promise<http.Server> {
  const uuid = FEED_EVENT.Event.uuid;
  const manifest = { [uuid]: { info: FEED_EVENT.Event.info, date: FEED_EVENT.Event.date, timestamp: FEED_EVENT.Event.timestamp, Orgc: FEED_EVENT.Event.Orgc, Tag: FEED_EVENT.Event.Tag } };
  const server = http.createServer((req, res) => {
    const body = req.url === '/feed/manifest.json' ? manifest : req.url === `/feed/${uuid}.json` ? FEED_EVENT : null;
    res.writeHead(body ? 200 : 404, { 'Content-Type': 'application/json' }).end(JSON.stringify(body ?? { error: 'not found' }));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe.skipIf(!hasBrowser)('TAXII client and MISP feeds in the console (headless Chromium)', () => {
  let running: Running;
  let browser: Browser;
  let feedServer: http.Server;
  let dataDir: string;
  let partnerId: string;
  let collectionId: string;
  const shot = (page: Page, name: string) => page.screenshot({ path: path.join(process.env.VIGIL_E2E_SHOTS ?? dataDir, name), fullPage: true });

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-e2e-taxii-'));
    const config = loadConfig({ VIGIL_DATA_DIR: dataDir, VIGIL_PORT: '0', VIGIL_LOG_LEVEL: 'silent', VIGIL_INTEL_ALLOW_PRIVATE_URLS: '1' });
    running = await startServer(config, createLogger('silent'));
    const { services } = running.vigil;
    await services.users.create({ email: ANALYST, name: 'Tax Ii', role: 'analyst', password: PASSWORD }, SYSTEM_ACTOR);
    const stored = await services.intel.importBundle({ type: 'bundle', id: `bundle--${randomUUID()}`, objects: LOCAL }, { source: 'local', actor: SYSTEM_ACTOR });
    expect(stored.rejected).toEqual([]);
    // "Mirror CERT" is this server seen as a partner: its account reads the agreement's collection.
    const { sharing } = services;
    partnerId = (await sharing.partners.create(PartnerInput.parse({ name: 'Mirror CERT', country: 'FR', kind: 'national_cert' }), SYSTEM_ACTOR)).id;
    const agreement = await sharing.agreements.create(partnerId, AgreementInput.parse({ title: 'Mirror exchange', purpose: 'Loopback test of the TAXII client', direction: 'both', tlpLevels: ['clear', 'green'], validFrom: '2020-01-01T00:00:00Z', constituentIdentities: 'keep', constituentAddresses: 'keep' }), SYSTEM_ACTOR);
    collectionId = agreement.collection_id;
    await sharing.partners.createAccount(partnerId, { email: MIRROR_ACCOUNT, name: 'Mirror TAXII', password: PASSWORD }, SYSTEM_ACTOR);
    feedServer = await startMispFeed();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await running?.close();
    await new Promise((resolve) => (feedServer ? feedServer.close(resolve) : resolve(undefined)));
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('configures a poll connection to its own TAXII server, runs it, sees its status; adds and runs a MISP feed; imports a MISP event', { timeout: 180_000 }, async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
    const page = await context.newPage();
    await page.goto(`${running.url}/sharing/partners/${partnerId}`);
    await page.waitForURL(/\/login/);
    await page.getByLabel('E-mail').fill(ANALYST);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(new RegExp(`/sharing/partners/${partnerId}$`));

    // 1. a poll connection with a wrong password: the run fails and the card says why
    await page.getByRole('button', { name: 'New TAXII connection' }).click();
    const form = page.getByRole('form', { name: 'New TAXII connection' });
    await form.getByLabel('Connection title').fill('Mirror poll');
    await form.getByLabel('Direction').selectOption('poll');
    await form.getByLabel('Agreement').selectOption({ label: 'Mirror exchange (both)' });
    await form.getByLabel('TAXII URL').fill(`${running.url}/taxii2/`);
    await form.getByLabel('Collection id').fill(collectionId);
    await form.getByLabel('Authentication').selectOption('basic');
    await form.getByLabel('User name').fill(MIRROR_ACCOUNT);
    await form.getByLabel('Password').fill('not the password at all');
    await form.getByLabel('Page size').fill('2');
    await form.getByRole('button', { name: 'Create connection' }).click();
    const card = page.getByTestId('taxii-connection').filter({ hasText: 'Mirror poll' });
    await expect.poll(() => card.getByTestId('taxii-outcome').getAttribute('data-outcome'), WAIT).toBe('never');
    expect(await card.getByTestId('taxii-auth').innerText()).toBe(`basic as ${MIRROR_ACCOUNT} (secret stored)`);
    expect(await card.getByTestId('taxii-checkpoint').innerText()).toBe('from the start');
    await card.getByRole('button', { name: 'Run now' }).click();
    await expect.poll(() => card.getByTestId('taxii-outcome').getAttribute('data-outcome'), WAIT).toBe('failed');
    expect(await card.getByTestId('taxii-run-result').getAttribute('data-outcome')).toBe('failed');
    expect(await card.getByTestId('last-error').innerText()).toMatch(/^taxii_client\.[a-z_]+: /);
    await shot(page, 'taxii-failed.png');

    // 2. the password is write-only: never in the API's answer, the edit form starts empty
    const api = await context.request.get(`${running.url}/api/v1/partners/${partnerId}/taxii-connections`);
    expect(api.status()).toBe(200);
    const apiText = await api.text();
    expect(apiText).not.toContain('not the password at all');
    expect(apiText).toContain('"hasSecret":true');
    await card.getByRole('button', { name: 'Edit' }).click();
    const edit = page.getByRole('form', { name: 'Edit TAXII connection' });
    expect(await edit.getByLabel('Password').inputValue()).toBe('');
    expect(await edit.getByLabel('Password').getAttribute('placeholder')).toContain('leave empty to keep');
    expect(await edit.getByLabel('Direction').isDisabled()).toBe(true);
    await edit.getByLabel('Password').fill(PASSWORD);
    await edit.getByRole('button', { name: 'Save connection' }).click();
    await expect.poll(() => page.getByRole('form', { name: 'Edit TAXII connection' }).count(), WAIT).toBe(0);

    // 3. run now: it polls this server's collection in pages of 2; the checkpoint moves
    await card.getByRole('button', { name: 'Run now' }).click();
    await expect.poll(() => card.getByTestId('taxii-outcome').getAttribute('data-outcome'), WAIT).toBe('ok');
    const summary = await card.getByTestId('taxii-run-result').innerText();
    expect(summary).toMatch(/^[2-9] page\(s\), 3 received: 0 new, 3 already stored, 0 rejected, 0 refused by the agreement$/);
    await expect.poll(() => card.getByTestId('taxii-checkpoint').innerText(), WAIT).toMatch(/^added after \d{4}-\d\d-\d\dT/);
    expect(await card.getByTestId('last-error').count()).toBe(0);
    await shot(page, 'taxii-ok.png');

    // 4. a MISP feed of the partner: created, run now, one event imported
    await page.getByRole('button', { name: 'New MISP feed' }).click();
    const feedForm = page.getByRole('form', { name: 'New MISP feed' });
    await feedForm.getByLabel('Feed name').fill('Mirror MISP');
    await feedForm.getByLabel('Feed URL').fill(`http://127.0.0.1:${(feedServer.address() as AddressInfo).port}/feed/`);
    await feedForm.getByRole('button', { name: 'Create feed' }).click();
    const feed = page.getByTestId('misp-feed').filter({ hasText: 'Mirror MISP' });
    await expect.poll(() => feed.getByTestId('misp-outcome').getAttribute('data-outcome'), WAIT).toBe('never');
    await feed.getByRole('button', { name: 'Run now' }).click();
    await expect.poll(() => feed.getByTestId('misp-outcome').getAttribute('data-outcome'), WAIT).toBe('ok');
    expect(await feed.getByTestId('misp-run-result').innerText()).toBe('1 event(s) listed, 1 imported');
    await shot(page, 'misp-feed.png');

    // 5. the intel browser's import panel takes a MISP event file and links the MISP feed export
    await page.goto(`${running.url}/intel`);
    await page.getByRole('button', { name: 'Import bundle' }).click();
    await page.getByLabel('Bundle file').setInputFiles({ name: 'event.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(UPLOADED_EVENT)) });
    await page.getByRole('button', { name: 'Upload and import' }).click();
    await expect.poll(() => page.getByTestId('misp-import-event').innerText(), WAIT).toBe(UPLOADED_EVENT.Event.uuid);
    expect(Number(await page.getByTestId('intel-import-accepted').innerText())).toBeGreaterThan(0);
    expect(await page.getByTestId('misp-import-skipped').getAttribute('data-count')).toBe('1');
    const manifestHref = await page.getByTestId('misp-feed-export').getByRole('link', { name: 'manifest.json' }).getAttribute('href');
    const manifest = await context.request.get(new URL(manifestHref!, running.url).toString());
    expect(manifest.status()).toBe(200);
    expect(Object.keys((await manifest.json()) as Record<string, unknown>)).toEqual(expect.arrayContaining([UPLOADED_EVENT.Event.uuid, FEED_EVENT.Event.uuid]));
    await shot(page, 'misp-import.png');
    await context.close();
  });
});
