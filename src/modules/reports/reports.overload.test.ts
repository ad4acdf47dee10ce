import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngine } from '../../platform/db/testing.ts';
import type { Session } from '../../test-support/app.ts';
import { createReportsTestApp, type ReportsTestApp } from './reports.testing.ts';

const FLOOD = 40;
const ANALYST_CALLS = 10;

/**
 * A short, deterministic stand-in for the bench's 10x overload: a burst of public reports where
 * every other one carries a valid proof of work (solved beforehand at the test difficulty, from its
 * own address) and really goes through intake, while an analyst keeps reading the reports queue.
 * The 10x figure itself is measured by `npm run bench:incidents`.
 */
describe(`public intake flood with valid reports (${testEngine()})`, () => {
  let t: ReportsTestApp;
  let analyst: Session;
  beforeAll(async () => {
    t = await createReportsTestApp({ maxConcurrent: 4 });
    analyst = await t.signIn('analyst');
  });
  afterAll(async () => t.close());

  it('stores every valid report, refuses the forged ones, and keeps answering the analyst', async () => {
    const solved = await Promise.all(Array.from({ length: FLOOD / 2 }, () => t.pow()));
    const fire = (i: number) => {
      const isValid = i % 2 === 0;
      const pow = isValid ? solved[i / 2]! : { powChallenge: 'v1.x.1.17.x', powNonce: 'abc' };
      const body = JSON.stringify({ category: 'phishing', description: `Flood report ${i}: a fake tax office page at https://tax-${i}.example/login`, ...pow });
      return t.call('/api/v1/reports', { method: 'POST', body, peer: isValid ? `198.51.100.${i}` : `203.0.113.${i % 4}` });
    };
    const flood = Array.from({ length: FLOOD }, (_, i) => fire(i).then(async (res) => ({ i, status: res.status, code: res.status >= 400 ? ((await res.json()) as { error: { code: string } }).error.code : null })));
    const latencies: number[] = [];
    for (let k = 0; k < ANALYST_CALLS; k++) {
      const started = performance.now();
      const res = await t.call('/api/v1/reports?limit=20', { as: analyst });
      expect(res.status).toBe(200);
      latencies.push(performance.now() - started);
    }
    const answers = await Promise.all(flood);
    const valid = answers.filter((a) => a.i % 2 === 0);
    const forged = answers.filter((a) => a.i % 2 === 1);
    // the gate sheds load with 503 report.busy; everything it let in was handled on its merits
    expect(valid.every((a) => a.status === 201 || a.code === 'report.busy')).toBe(true);
    expect(forged.every((a) => a.code === 'report.pow_invalid' || a.code === 'report.busy' || a.code === 'report.rate_limited')).toBe(true);
    const created = valid.filter((a) => a.status === 201).length;
    expect(created).toBeGreaterThan(0);
    const stored = (await (await t.call('/api/v1/reports?limit=100', { as: analyst })).json()) as { items: unknown[] };
    expect(stored.items).toHaveLength(created);
    expect(Math.max(...latencies)).toBeLessThan(5000);
  });
});
