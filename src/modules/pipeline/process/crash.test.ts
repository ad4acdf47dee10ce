import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../../platform/db/database.ts';
import { migrate } from '../../../platform/db/migrate.ts';
import { createServerTestDatabase, testEngine } from '../../../platform/db/testing.ts';
import { SYSTEM_ACTOR } from '../../audit/index.ts';
import { CreateFeedRequest } from '../feeds.schemas.ts';
import { crashPipeline } from './crash.worker.ts';

const WORKER = path.join(import.meta.dirname, 'crash.worker.ts');
const NODE = path.resolve(import.meta.dirname, '../../../../node_modules/.bin/node');
const LINES = 6000;

/** Runs the worker process; with `killAfter`, kill -9 as soon as it has committed that many chunks. */
function runWorker(target: string, reportId: string, threads: number, killAfter?: number): Promise<{ code: number | null; signal: string | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(NODE, [WORKER, target, reportId, String(threads)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (killAfter !== undefined && out.includes(`committed ${killAfter}\n`)) child.kill('SIGKILL');
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => (code && code !== 0 ? reject(new Error(`worker exited ${code}: ${err}`)) : resolve({ code, signal, out })));
  });
}

async function open(target: string): Promise<Database> {
  return openDatabase(target.startsWith('postgres') ? { databaseUrl: target, poolMax: 2 } : { dataDir: target });
}

function report(): string {
  const rows = ['ip,port'];
  for (let i = 0; i < LINES; i++) rows.push(`198.51.${(i >> 8) & 255}.${i & 255},${1000 + i}`);
  return `${rows.join('\n')}\n`;
}

// The worker parses in a parse thread (the default), or in the chunk's transaction.
describe.each([1, 0])(`crash test: kill -9 a worker mid-report (${testEngine()}, %i parse threads)`, (threads) => {
  it('stores every line of the report exactly once after a restart', { timeout: 180_000 }, async () => {
    const server = await createServerTestDatabase();
    const dir = server ? null : fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-crash-'));
    const target = server?.url ?? dir!;
    try {
      let database = await open(target);
      await migrate(database);
      const pipeline = crashPipeline(database, 0);
      const input = CreateFeedRequest.parse({ name: 'crash-feed', kind: 'push', format: 'csv', parser: { header: true, mapping: { ip: 'source.ip', port: 'source.port' }, constants: { 'classification.type': 'scanner' } }, dedup: { windowHours: 0 } });
      const feed = await pipeline.feeds.create(input, SYSTEM_ACTOR);
      const stored = await pipeline.store.store({ feed, source: 'push', sourceRef: 'crash', body: (async function* () {
        yield Buffer.from(report());
      })(), maxBytes: 1 << 30 });
      expect(stored.chunks).toBeGreaterThan(4);
      await database.close();

      const killed = await runWorker(target, stored.reportId, threads, 2);
      expect(killed.signal).toBe('SIGKILL');
      database = await open(target);
      const half = await database.db.selectFrom('feed_chunks').select('state').where('report_id', '=', stored.reportId).execute();
      expect(half.filter((c) => c.state === 'done').length).toBeLessThan(stored.chunks); // really killed mid-report
      await database.close();

      const finished = await runWorker(target, stored.reportId, threads);
      expect(finished.out).toContain('finished');
      database = await open(target);
      const counts = await sql<{ n: number; lines: number; lo: number; hi: number }>`
        select count(*)::int as n, count(distinct line_no)::int as lines, min(line_no) as lo, max(line_no) as hi from events where report_id = ${stored.reportId}::uuid`.execute(database.db);
      expect(counts.rows[0]).toEqual({ n: LINES, lines: LINES, lo: 2, hi: LINES + 1 });
      const rep = await database.db.selectFrom('feed_reports').select(['state', 'events']).where('id', '=', stored.reportId).executeTakeFirstOrThrow();
      expect(rep).toEqual({ state: 'done', events: LINES });
      await database.close();
    } finally {
      await server?.drop();
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
