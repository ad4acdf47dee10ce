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

describe.skipIf(!hasBrowser)('web console in headless Chromium', () => {
  let running: Running;
  let browser: Browser;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-e2e-'));
    const config = loadConfig({ VIGIL_DATA_DIR: dataDir, VIGIL_PORT: '0', VIGIL_LOG_LEVEL: 'silent' });
    running = await startServer(config, createLogger('silent'));
    await running.vigil.services.users.create({ email: 'analyst@example.org', name: 'Ana Lyst', role: 'analyst', password: PASSWORD }, SYSTEM_ACTOR);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await running?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('signs in, imports a CSV with one bad row, sees the row error, then looks up an address', async () => {
    const page = await browser.newPage();
    await page.goto(`${running.url}/organizations`);
    await page.waitForURL(/\/login/);
    await page.getByLabel('E-mail').fill('analyst@example.org');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/organizations/);
    await expect.poll(() => page.getByTestId('org-row').count()).toBeGreaterThan(20);

    await page.getByRole('link', { name: 'Import' }).click();
    const csv = [
      'name,sector,country,is_cii,networks,domains',
      'E2E Good Utility,energy,XX,yes,198.18.200.0/24,e2e-good.example',
      'E2E Broken Row,energy,XX,no,198.18.201.5/24,',
    ].join('\n');
    await page.getByLabel('Or paste CSV or JSON').fill(csv);
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    const rows = page.getByTestId('import-error-row');
    await expect.poll(() => rows.count()).toBe(1);
    const cells = await rows.first().locator('td').allInnerTexts();
    expect(cells[0]).toBe('3');
    expect(cells[1]).toBe('networks');
    expect(cells[2]).toContain('198.18.201.0/24');

    await page.getByLabel('Apply rows that pass (partial)').check();
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await expect.poll(() => page.getByTestId('import-summary').innerText()).toContain('1');

    await page.getByRole('link', { name: 'Lookup' }).click();
    await page.getByRole('textbox').first().fill('198.18.200.77');
    await page.getByRole('button', { name: 'Look up' }).click();
    const result = page.getByTestId('lookup-result');
    await expect.poll(() => result.count()).toBe(1);
    expect(await result.first().innerText()).toContain('E2E Good Utility');
    await page.screenshot({ path: path.join(dataDir, 'lookup.png') });
  });
});
