import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/platform/config.ts';
import type { Principal } from '../../src/platform/http/context.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { startServer, type Running } from '../../src/server.ts';
import { SYSTEM_ACTOR } from '../../src/modules/audit/index.ts';
import { hasBrowser, launchBrowser } from './browser.ts';

const PASSWORD = 'correct horse battery staple';
const SYSTEM_PRINCIPAL: Principal = { userId: '00000000-0000-4000-8000-000000000000', email: 'system', name: 'system', role: 'admin', organizationId: null, centerId: null, via: 'session', permissions: new Set() };

describe.skipIf(!hasBrowser)('centers board in headless Chromium', () => {
  let running: Running;
  let browser: Browser;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-e2e-centers-'));
    const config = loadConfig({ VIGIL_DATA_DIR: dataDir, VIGIL_PORT: '0', VIGIL_LOG_LEVEL: 'silent', VIGIL_DEMO: '0' });
    running = await startServer(config, createLogger('silent'));
    await running.vigil.services.users.create({ email: 'analyst@example.org', name: 'Ana Lyst', role: 'analyst', password: PASSWORD }, SYSTEM_ACTOR);
    await running.vigil.services.users.create({ email: 'admin@example.org', name: 'Ada Admin', role: 'admin', password: PASSWORD }, SYSTEM_ACTOR);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await running?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** A center with a machine account (center operator, no password) holding its own API key. */
  async function centerWithKey(name: string) {
    const { centers, users, apiKeys } = running.vigil.services;
    const center = await centers.create({ name }, SYSTEM_ACTOR);
    const operator = await users.create({ email: `${name.toLowerCase().replace(/\W+/g, '-')}@soc.example`, name: `${name} sensor`, role: 'center_operator', centerId: center.id }, SYSTEM_ACTOR);
    const self: Principal = { userId: operator.id, email: operator.email, name: operator.name, role: 'center_operator', organizationId: null, centerId: center.id, via: 'session', permissions: new Set() };
    const { key } = await apiKeys.create({ name: 'heartbeat', scopes: ['centers:read'] }, self, SYSTEM_ACTOR);
    return { center, key };
  }
  const beat = (key: string, body: unknown) =>
    fetch(`${running.url}/api/v1/centers/heartbeat`, { method: 'POST', headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

  async function signIn(email: string, to: string) {
    const page = await browser.newPage();
    await page.goto(`${running.url}${to}`);
    await page.waitForURL(/\/login/);
    await page.getByLabel('E-mail').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(new RegExp(to));
    return page;
  }

  it('shows a center that sent a heartbeat as up and lets an analyst acknowledge a silent one', async () => {
    const north = await centerWithKey('E2E North SOC');
    await running.vigil.services.centers.addContact(north.center.id, { name: 'Night Desk', role: 'duty officer', email: 'night@soc.example', phone: '+99 555 0100', is24x7: true }, SYSTEM_ACTOR);
    const res = await beat(north.key, { version: '4.2.0', queueDepth: 7, message: 'all sensors reporting' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ centerId: north.center.id, status: 'up' });

    const south = await centerWithKey('E2E South SOC');
    expect((await beat(south.key, {})).status).toBe(200);
    await sql`update centers set last_heartbeat_at = now() - interval '2 hours' where id = ${south.center.id}`.execute(running.database.db);
    expect(await running.vigil.services.centers.checkSilence()).toMatchObject({ raised: 1 });

    const page = await signIn('analyst@example.org', '/centers');

    const northCard = page.getByTestId('center-card').filter({ hasText: 'E2E North SOC' });
    await expect.poll(() => northCard.count()).toBe(1);
    expect(await northCard.getByTestId('center-status').innerText()).toBe('Up');
    expect(await northCard.getByTestId('center-status').getAttribute('data-status')).toBe('up');
    const text = await northCard.innerText();
    expect(text).toContain('Night Desk');
    expect(text).toContain('4.2.0');
    expect(text).toContain('all sensors reporting');

    const southCard = page.getByTestId('center-card').filter({ hasText: 'E2E South SOC' });
    expect(await southCard.getByTestId('center-status').innerText()).toBe('Silent');

    const alert = page.getByTestId('alert-row').filter({ hasText: 'E2E South SOC' });
    await expect.poll(() => alert.count()).toBe(1);
    expect(await alert.getByTestId('alert-status').innerText()).toBe('Open');
    await alert.getByRole('button', { name: /^Acknowledge/ }).click();
    await expect.poll(() => alert.getByTestId('alert-status').innerText()).toContain('Acknowledged');
    await page.screenshot({ path: path.join(dataDir, 'centers-board.png'), fullPage: true });

    // the center beats again: the next refresh shows it up and the alert gone
    expect((await beat(south.key, { message: 'back' })).status).toBe(200);
    await page.getByRole('button', { name: 'Refresh now' }).click();
    await expect.poll(() => southCard.getByTestId('center-status').innerText()).toBe('Up');
    await expect.poll(() => alert.count()).toBe(0);
  });

  it('lets an administrator set the heartbeat window and duty contacts of a center', async () => {
    const { center } = await centerWithKey('E2E East SOC');
    const page = await signIn('admin@example.org', '/admin/centers');
    const row = page.getByTestId('center-row').filter({ hasText: 'E2E East SOC' });
    await expect.poll(() => row.count()).toBe(1);
    await row.getByRole('button', { name: 'Edit heartbeat and contacts of E2E East SOC' }).click();
    const editor = page.getByTestId('center-ops-editor');
    await editor.getByLabel('Contact name').fill('Weekend Desk');
    await editor.getByLabel('Role').fill('duty officer');
    await editor.getByLabel('E-mail').fill('weekend@soc.example');
    await editor.getByRole('button', { name: 'Add contact' }).click();
    await expect.poll(() => editor.getByTestId('center-contact-row').count()).toBe(1);

    await editor.getByLabel('Heartbeat interval (seconds)').fill('1200');
    await editor.getByRole('button', { name: 'Save heartbeat window' }).click();
    await expect.poll(() => editor.getByRole('alert').innerText()).toContain('silentAfterSeconds must be at least heartbeatIntervalSeconds');
    await editor.getByLabel('Silent after (seconds)').fill('3600');
    await editor.getByRole('button', { name: 'Save heartbeat window' }).click();
    await expect.poll(() => editor.getByRole('alert').count()).toBe(0);
    await expect.poll(async () => (await running.vigil.services.centers.get(SYSTEM_PRINCIPAL, center.id)).silent_after_seconds).toBe(3600);

    await page.getByRole('link', { name: 'Open the centers board' }).click();
    const card = page.getByTestId('center-card').filter({ hasText: 'E2E East SOC' });
    await expect.poll(() => card.count()).toBe(1);
    const text = await card.innerText();
    expect(text).toContain('every 20 min · silent after 1 h');
    expect(text).toContain('Weekend Desk');
    expect(await card.getByTestId('center-status').innerText()).toBe('Never');
  });
});
