import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/platform/config.ts';
import type { Principal } from '../../src/platform/http/context.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { startServer, type Running } from '../../src/server.ts';
import { SYSTEM_ACTOR } from '../../src/modules/audit/index.ts';
import { hasBrowser, launchBrowser } from './browser.ts';

const PASSWORD = 'correct horse battery staple';
const SYSTEM_PRINCIPAL: Principal = { userId: '00000000-0000-4000-8000-000000000000', email: 'system', name: 'system', role: 'admin', organizationId: null, centerId: null, via: 'session', permissions: new Set() };

describe.skipIf(!hasBrowser)('incidents in headless Chromium', () => {
  let running: Running;
  let browser: Browser;
  let dataDir: string;
  // screenshots go to the data dir (removed afterwards) unless VIGIL_E2E_SHOTS names a directory to keep them in
  const shot = (page: Page, name: string) => page.screenshot({ path: path.join(process.env.VIGIL_E2E_SHOTS ?? dataDir, name), fullPage: true });

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-e2e-incidents-'));
    // the demo constituency is loaded: Northwind Power Grid is a significant CII operator
    const config = loadConfig({ VIGIL_DATA_DIR: dataDir, VIGIL_PORT: '0', VIGIL_LOG_LEVEL: 'silent' });
    running = await startServer(config, createLogger('silent'));
    await running.vigil.services.users.create({ email: 'analyst@example.org', name: 'Ana Lyst', role: 'analyst', password: PASSWORD }, SYSTEM_ACTOR);
    await running.vigil.services.centers.create({ name: 'E2E Grid SOC' }, SYSTEM_ACTOR);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await running?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('opens an incident for a CII operator, watches its clocks, assigns a center and walks it to closed', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(`${running.url}/incidents`);
    await page.waitForURL(/\/login/);
    await page.getByLabel('E-mail').fill('analyst@example.org');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/incidents$/);

    // open it through the form
    await page.getByRole('button', { name: 'New incident' }).click();
    const form = page.getByTestId('new-incident-form');
    await form.getByLabel('Title').fill('Compromised SCADA jump host');
    await form.getByLabel('Severity').selectOption('high');
    await form.getByLabel('RSIT class').selectOption('intrusions');
    await form.getByLabel('RSIT type').selectOption('system-compromise');
    await form.getByLabel('TLP').selectOption('amber');
    await form.getByLabel('Organization').fill('Northwind');
    await form.getByRole('button', { name: /Northwind Power Grid/ }).click();
    await form.getByLabel('Description').fill('Beaconing from the jump host to a known C2.');
    await form.getByLabel('Observables').fill('198.18.0.10\nhxxps://c2.evil[.]example/beacon\ndomain:c2.evil.example');
    expect(await form.getByTestId('observables-summary').innerText()).toContain('3 recognised');
    await form.getByRole('button', { name: 'Open incident' }).click();
    await page.waitForURL(/\/incidents\/[0-9a-f-]{36}$/);
    const incidentId = page.url().split('/').pop()!;

    expect(await page.getByTestId('incident-ref').innerText()).toMatch(/^INC-\d{4}-\d{6}$/);
    expect(await page.getByTestId('incident-title').innerText()).toBe('Compromised SCADA jump host');
    const facts = page.getByTestId('incident-facts');
    await expect.poll(() => facts.innerText()).toContain('Northwind Power Grid');
    expect(await page.getByTestId('incident-tlp').innerText()).toBe('TLP:AMBER');
    await expect.poll(() => page.getByTestId('observable').count()).toBe(3);

    // SLA clocks and the NIS2 deadlines (a CII operator) tick every second
    const clocks = page.getByTestId('incident-clocks').getByTestId('incident-clock');
    await expect.poll(() => clocks.count()).toBeGreaterThanOrEqual(4);
    expect(await page.getByTestId('incident-clocks').innerText()).toContain('Early warning');
    const remaining = page.locator('[data-testid="incident-clock"][data-kind="sla.resolve"] [data-testid="clock-remaining"]');
    const first = await remaining.innerText();
    expect(first).toMatch(/left$/);
    await page.waitForTimeout(1200);
    const second = await remaining.innerText();
    expect(second).toMatch(/left$/);
    expect(second).not.toBe(first);
    await shot(page, 'incident-new.png');

    // assign the center
    const assignment = page.getByTestId('incident-assignment');
    await assignment.getByLabel('Assign center').selectOption({ label: 'E2E Grid SOC' });
    await assignment.getByRole('button', { name: 'Save assignment' }).click();
    await expect.poll(() => assignment.getByTestId('assignee-center').innerText()).toBe('E2E Grid SOC');

    // walk the lifecycle through the buttons
    const actions = page.getByTestId('state-actions');
    const header = page.getByTestId('incident-header');
    const state = header.getByTestId('incident-state');
    const move = async (button: string, to: string) => {
      await actions.getByRole('button', { name: button, exact: true }).click();
      await expect.poll(() => state.getAttribute('data-state')).toBe(to);
    };
    await move('Triage', 'triaged');

    // someone else changes the incident meanwhile: the next move is refused and the page reloads
    const current = await running.vigil.services.incidents.incidents.get(incidentId, SYSTEM_PRINCIPAL);
    await running.vigil.services.incidents.incidents.update(incidentId, { version: current.row.version, severity: 'critical' }, SYSTEM_PRINCIPAL, SYSTEM_ACTOR);
    await actions.getByRole('button', { name: 'Start containment', exact: true }).click();
    await expect.poll(() => page.getByTestId('incident-notice').innerText()).toContain('Someone else changed this incident; reloaded.');
    await expect.poll(() => header.getByTestId('incident-severity').getAttribute('data-severity')).toBe('critical');
    expect(await state.getAttribute('data-state')).toBe('triaged');

    await move('Start containment', 'containment');
    await move('Resolve', 'resolved');
    expect(await actions.getByRole('button', { name: 'Reopen', exact: true }).count()).toBe(1);
    await move('Close', 'closed');
    expect(await page.getByTestId('state-actions').count()).toBe(0);

    // the timeline tells the story, newest last
    const entries = page.getByTestId('timeline-entry');
    await expect.poll(() => entries.count()).toBe(7);
    const texts = await entries.allInnerTexts();
    expect(texts[0]).toContain('Incident opened');
    expect(texts[1]).toContain('Assigned: center E2E Grid SOC');
    expect(texts[2]).toContain('State changed from New to Triaged');
    expect(texts[3]).toContain('Updated severity (High → Critical)');
    expect(texts[4]).toContain('State changed from Triaged to Containment');
    expect(texts[5]).toContain('State changed from Containment to Resolved');
    expect(texts[6]).toContain('State changed from Resolved to Closed');
    expect(texts[0]).toContain('analyst@example.org');
    await shot(page, 'incident-page.png');

    // back in the queue: the case is there, closed, and not among the open ones
    await page.getByRole('link', { name: 'Incidents', exact: true }).first().click();
    await page.waitForURL(/\/incidents$/);
    const row = page.getByTestId('incident-row').filter({ hasText: 'Compromised SCADA jump host' });
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.getByTestId('incident-state').innerText()).toBe('Closed');
    expect(await row.innerText()).toContain('Northwind Power Grid');
    await shot(page, 'incidents-queue.png');
    await page.getByTestId('chips-state').getByText('Open', { exact: true }).click();
    await page.waitForURL(/state=open/);
    await expect.poll(() => row.count()).toBe(0);
  });

  it('says so when the incident does not exist', async () => {
    const page = await browser.newPage();
    await page.goto(`${running.url}/login`);
    await page.getByLabel('E-mail').fill('analyst@example.org');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((u) => !u.pathname.startsWith('/login'));
    await page.goto(`${running.url}/incidents/00000000-0000-4000-8000-00000000abcd`);
    await expect.poll(() => page.getByTestId('incident-not-found').count()).toBe(1);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Incident not found');
  });
});
