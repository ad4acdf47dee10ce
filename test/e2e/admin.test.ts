import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/platform/config.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { startServer, type Running } from '../../src/server.ts';
import { SYSTEM_ACTOR } from '../../src/modules/audit/index.ts';
import { hasBrowser, launchBrowser } from './browser.ts';

const PASSWORD = 'correct horse battery staple';

describe.skipIf(!hasBrowser)('administration pages in headless Chromium', () => {
  let running: Running;
  let browser: Browser;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-e2e-admin-'));
    const config = loadConfig({ VIGIL_DATA_DIR: dataDir, VIGIL_PORT: '0', VIGIL_LOG_LEVEL: 'silent' });
    running = await startServer(config, createLogger('silent'));
    await running.vigil.services.users.create({ email: 'admin@example.org', name: 'Ada Admin', role: 'admin', password: PASSWORD }, SYSTEM_ACTOR);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await running?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const lookupWith = (key: string) =>
    fetch(`${running.url}/api/v1/lookup?q=198.18.0.1`, { headers: { Authorization: `Bearer ${key}`, Accept: 'application/json' } });

  it('creates a user, issues an API key that works, then revokes it', async () => {
    const page = await browser.newPage();
    await page.goto(`${running.url}/admin/users`);
    await page.waitForURL(/\/login/);
    await page.getByLabel('E-mail').fill('admin@example.org');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/admin\/users/);
    await expect.poll(() => page.getByTestId('user-row').count()).toBe(1);

    // a new analyst through the Users page
    await page.getByRole('button', { name: 'New user' }).click();
    const form = page.getByTestId('new-user-form');
    await form.getByLabel('E-mail').fill('new.analyst@example.org');
    await form.getByLabel('Name', { exact: true }).fill('Nora Analyst');
    await form.getByLabel('Role').selectOption('analyst');
    await form.getByLabel('Password').fill('a long enough password');
    await form.getByRole('button', { name: 'Create user' }).click();
    const newRow = page.getByTestId('user-row').filter({ hasText: 'new.analyst@example.org' });
    await expect.poll(() => newRow.count()).toBe(1);
    const cells = await newRow.locator('td').allInnerTexts();
    expect(cells[0]).toBe('Nora Analyst');
    expect(cells[2]).toBe('Analyst');
    expect(cells[4]).toBe('Active');

    // an API key with the lookup scope; its secret is shown once
    await page.getByRole('link', { name: 'API keys' }).click();
    await page.waitForURL(/\/admin\/api-keys/);
    await page.getByRole('button', { name: 'New API key' }).click();
    const keyForm = page.getByTestId('new-api-key-form');
    await keyForm.getByLabel('Key name').fill('E2E lookup key');
    await keyForm.getByLabel('lookup', { exact: true }).check();
    await keyForm.getByRole('button', { name: 'Create API key' }).click();
    const secretBox = page.getByTestId('new-api-key');
    await expect.poll(() => secretBox.count()).toBe(1);
    expect(await secretBox.innerText()).toContain('This key is shown once. Store it now.');
    const key = (await secretBox.getByTestId('new-api-key-value').innerText()).trim();
    expect(key.length).toBeGreaterThan(20);
    await page.screenshot({ path: path.join(dataDir, 'api-keys.png') });

    const ok = await lookupWith(key);
    expect(ok.status).toBe(200);

    // revoke it in the UI: the same call is refused
    const keyRow = page.getByTestId('api-key-row').filter({ hasText: 'E2E lookup key' });
    await expect.poll(() => keyRow.count()).toBe(1);
    await keyRow.getByRole('button', { name: 'Revoke API key E2E lookup key' }).click();
    await keyRow.getByRole('button', { name: 'Confirm revoke' }).click();
    await expect.poll(() => keyRow.getByTestId('api-key-status').innerText()).toBe('Revoked');

    const refused = await lookupWith(key);
    expect(refused.status).toBe(401);
  });
});
