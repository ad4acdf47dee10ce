import fs from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium: the browser tests never download a browser of their own. */
export const CHROMIUM = '/usr/bin/chromium';

/** Locally the browser tests skip without Chromium; in CI its absence is an error. */
export const hasBrowser = fs.existsSync(CHROMIUM);
if (!hasBrowser && process.env.CI) throw new Error(`${CHROMIUM} is missing: install Debian's chromium package for the browser tests`);

/** Headless Chromium with the flags this closed network needs (no background connections). */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
