import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/platform/config.ts';
import type { Principal } from '../../src/platform/http/context.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { startServer, type Running } from '../../src/server.ts';
import { SYSTEM_ACTOR } from '../../src/modules/audit/index.ts';
import { CreateIncident } from '../../src/modules/incidents/incidents.schemas.ts';
import { TLP2_MARKING_IDS } from '../../src/modules/intel/index.ts';
import { hasBrowser, launchBrowser } from './browser.ts';

// An analyst's way through threat intelligence sharing: imports a bundle (one object rejected),
// reads an AMBER indicator (pattern, observables, the incident it was seen in, its graph), picks an
// older version of a GREEN one, registers a partner CERT with a TLP:GREEN-only agreement, sees in
// the preview that only the GREEN object would leave, and — after the partner pulled its TAXII
// collection — finds exactly that object in the ledger and verifies the chain.

const PASSWORD = 'correct horse battery staple';
const ANALYST = 'intel-analyst@cert.example';
const WAIT = { timeout: 20_000, interval: 100 };
const T0 = '2025-01-02T03:04:05.000Z';
const T1 = '2025-02-03T04:05:06.000Z';
const AMBER_IP = '203.0.113.66';

const stix = (type: string, over: Record<string, unknown>) => ({ type, spec_version: '2.1', id: `${type}--${randomUUID()}`, created: T0, modified: T0, ...over });
const amberIndicator = stix('indicator', { name: 'Grid C2 beacon', pattern: `[ipv4-addr:value = '${AMBER_IP}']`, pattern_type: 'stix', valid_from: T0, object_marking_refs: [TLP2_MARKING_IDS.amber] });
const malware = stix('malware', { name: 'GridRat', is_family: true, object_marking_refs: [TLP2_MARKING_IDS.amber] });
const indicates = stix('relationship', { relationship_type: 'indicates', source_ref: amberIndicator.id, target_ref: malware.id, object_marking_refs: [TLP2_MARKING_IDS.amber] });
const greenV1 = stix('indicator', { name: 'Phishing domain (first)', pattern: "[domain-name:value = 'login-portal.example']", pattern_type: 'stix', valid_from: T0, object_marking_refs: [TLP2_MARKING_IDS.green] });
const greenV2 = { ...greenV1, name: 'Phishing domain', modified: T1 };
const broken = { type: 'indicator', spec_version: '2.1', id: `malware--${randomUUID()}`, created: T0, modified: T0, pattern: "[url:value = 'x']", pattern_type: 'stix', valid_from: T0 };
const BUNDLE = { type: 'bundle', id: `bundle--${randomUUID()}`, objects: [amberIndicator, malware, indicates, greenV1, greenV2, broken] };

describe.skipIf(!hasBrowser)('intel browser, partner agreement preview and ledger (headless Chromium)', () => {
  let running: Running;
  let browser: Browser;
  let dataDir: string;
  let incidentId: string;
  const shot = (page: Page, name: string) => page.screenshot({ path: path.join(process.env.VIGIL_E2E_SHOTS ?? dataDir, name), fullPage: true });

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-e2e-intel-'));
    const config = loadConfig({ VIGIL_DATA_DIR: dataDir, VIGIL_PORT: '0', VIGIL_LOG_LEVEL: 'silent' });
    running = await startServer(config, createLogger('silent'));
    const { services } = running.vigil;
    const analyst = await services.users.create({ email: ANALYST, name: 'Ina Tel', role: 'analyst', password: PASSWORD }, SYSTEM_ACTOR);
    // an incident that saw the AMBER indicator's address before the intel arrived
    const p: Principal = { userId: analyst.id, email: analyst.email, name: analyst.name, role: 'analyst', organizationId: null, centerId: null, via: 'session', permissions: new Set() };
    const input = CreateIncident.parse({ title: 'Beaconing from a substation', severity: 'high', rsitTaxonomy: 'malicious-code', rsitType: 'c2-server', observables: [{ type: 'ipv4', value: AMBER_IP }] });
    incidentId = (await services.incidents.incidents.create(input, p, SYSTEM_ACTOR)).id;
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await running?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('imports, browses, previews a TLP:GREEN-only partner and verifies the ledger', { timeout: 180_000 }, async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
    const page = await context.newPage();
    await page.goto(`${running.url}/intel`);
    await page.waitForURL(/\/login/);
    await page.getByLabel('E-mail').fill(ANALYST);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/intel$/);

    // 1. import: accepted, duplicates, rejected with id + reason
    await page.getByRole('button', { name: 'Import bundle' }).click();
    await page.getByLabel('Bundle file').setInputFiles({ name: 'bundle.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(BUNDLE)) });
    await page.getByRole('button', { name: 'Upload and import' }).click();
    await expect.poll(() => page.getByTestId('intel-import-accepted').innerText(), WAIT).toBe('5');
    expect(await page.getByTestId('intel-import-rejected').innerText()).toBe('1');
    const reject = page.getByTestId('intel-import-rejects-row');
    expect(await reject.count()).toBe(1);
    expect(await reject.innerText()).toContain(broken.id);
    await expect.poll(() => page.getByTestId('intel-row').count(), WAIT).toBe(4);
    await shot(page, 'intel-import.png');

    // the type filter and search narrow the list
    await page.getByLabel('Type').selectOption('indicator');
    await expect.poll(() => page.getByTestId('intel-row').count(), WAIT).toBe(2);
    await page.getByLabel('Search').fill('Grid C2');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await expect.poll(() => page.getByTestId('intel-row').count(), WAIT).toBe(1);

    // 2. the AMBER indicator: pattern, observables, the incident it was seen in, the graph
    await page.getByRole('link', { name: 'Grid C2 beacon' }).click();
    await page.waitForURL(/\/intel\/objects\/indicator--/);
    expect(await page.getByTestId('intel-pattern').innerText()).toContain(AMBER_IP);
    await expect.poll(() => page.getByTestId('intel-observable').allInnerTexts(), WAIT).toEqual([`ipv4 ${AMBER_IP}`]);
    await expect.poll(() => page.getByTestId('intel-seen-incidents').getAttribute('data-total'), WAIT).toBe('1');
    expect(await page.getByTestId('intel-seen-incidents').getAttribute('data-over')).toBe('false');
    expect(await page.getByTestId('intel-seen-incidents').getByRole('link').getAttribute('href')).toBe(`/incidents/${incidentId}`);
    await expect.poll(() => page.getByTestId('intel-graph-edge').getAttribute('data-type'), WAIT).toBe('indicates');
    expect(await page.getByTestId('intel-graph-node').count()).toBe(2);
    await shot(page, 'intel-indicator.png');
    await page.getByRole('link', { name: 'Open malware GridRat' }).click();
    await page.waitForURL(new RegExp(`/intel/objects/${malware.id}$`));
    await expect.poll(() => page.getByTestId('intel-title').innerText(), WAIT).toBe('GridRat');

    // versions: the GREEN indicator has two; the older one's JSON can be read
    await page.goto(`${running.url}/intel/objects/${greenV1.id}`);
    await expect.poll(() => page.getByTestId('intel-title').innerText(), WAIT).toBe('Phishing domain');
    expect(await page.getByTestId('intel-version').locator('option').count()).toBe(2);
    await page.getByTestId('intel-version').selectOption(new Date(T0).toISOString());
    await expect.poll(() => page.getByTestId('intel-json').innerText(), WAIT).toContain('"Phishing domain (first)"');

    // 3. a partner with a TLP:GREEN-only agreement; the preview shows only the GREEN object
    await page.getByRole('link', { name: 'Partners' }).click();
    await page.waitForURL(/\/sharing\/partners$/);
    await page.getByRole('button', { name: 'New partner' }).click();
    await page.getByLabel('Name', { exact: true }).fill('CERT-Partnerland');
    await page.getByLabel('Country').fill('DE');
    await page.getByRole('button', { name: 'Create partner' }).click();
    await page.waitForURL(/\/sharing\/partners\/[0-9a-f-]{36}$/);
    const partnerId = page.url().split('/').pop()!;
    await page.getByRole('button', { name: 'New agreement' }).click();
    await page.getByLabel('Title').fill('Phishing exchange');
    await page.getByLabel('Purpose').fill('Exchange of phishing indicators between national CERTs');
    await page.getByLabel('TLP:CLEAR', { exact: true }).uncheck();
    expect(await page.getByLabel('TLP:GREEN', { exact: true }).isChecked()).toBe(true);
    await page.getByRole('button', { name: 'Create agreement' }).click();
    await expect.poll(() => page.getByTestId('agreement').count(), WAIT).toBe(1);
    const preview = page.getByTestId('preview-agreement').filter({ hasText: 'Phishing exchange' });
    await expect.poll(() => preview.getAttribute('data-allowed'), WAIT).toBe('1');
    expect(await preview.getByTestId('preview-by-tlp').locator('li').evaluateAll((els) => els.map((e) => e.getAttribute('data-key')))).toEqual(['green']);
    await preview.getByText(/^Sample \(1\)/).click();
    const sample = await preview.getByTestId('preview-sample').innerText();
    expect(sample).toContain(greenV1.id);
    expect(sample).not.toContain(amberIndicator.id);
    expect(await preview.getByTestId('preview-excluded').locator('tr[data-reason="agreement.tlp_not_allowed"]').count()).toBe(1);
    await shot(page, 'partner-preview.png');

    // the partner pulls its TAXII collection (HTTP Basic): the GREEN object leaves, nothing else
    const { sharing } = running.vigil.services;
    await sharing.partners.createAccount(partnerId, { email: 'taxii@partnerland.example', name: 'Partnerland TAXII', password: PASSWORD }, SYSTEM_ACTOR);
    const [agreement] = await sharing.agreements.list(partnerId);
    const res = await fetch(`${running.url}/taxii2/api/collections/${agreement!.collection_id}/objects/`, {
      headers: { Accept: 'application/taxii+json;version=2.1', Authorization: `Basic ${Buffer.from(`taxii@partnerland.example:${PASSWORD}`).toString('base64')}` },
    });
    expect(res.status).toBe(200);
    const envelope = (await res.json()) as { objects?: { id: string }[] };
    expect((envelope.objects ?? []).map((o) => o.id)).toEqual([greenV1.id]);

    // 4. the ledger: that one object, to that partner; the chain verifies; CSV for the period
    await page.getByRole('link', { name: 'Sharing ledger' }).click();
    await page.waitForURL(/\/sharing\/ledger/);
    await page.getByLabel('Partner').selectOption(partnerId);
    await page.getByRole('button', { name: 'Show' }).click();
    await expect.poll(() => page.getByTestId('ledger-row').evaluateAll((els) => els.map((e) => e.getAttribute('data-object'))), WAIT).toEqual([greenV1.id]);
    await page.getByRole('button', { name: 'Verify chain' }).click();
    await expect.poll(() => page.getByTestId('ledger-verify').getAttribute('data-ok'), WAIT).toBe('true');
    expect(await page.getByTestId('ledger-verify').innerText()).toContain('1 row(s)');
    const csv = await context.request.get(new URL((await page.getByTestId('ledger-csv').getAttribute('href'))!, running.url).toString());
    expect(csv.status()).toBe(200);
    const lines = (await csv.text()).trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(greenV1.id);
    await shot(page, 'ledger.png');
    await context.close();
  });
});
