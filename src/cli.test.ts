import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from './platform/db/database.ts';
import { createServerTestDatabase, testEngine } from './platform/db/testing.ts';

const CLI = path.join(import.meta.dirname, 'cli.ts');

type Run = { code: number; stdout: string; stderr: string };

describe(`vigil CLI (${testEngine()})`, () => {
  let dir: string;
  let env: Record<string, string>;
  let drop: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-cli-'));
    const server = await createServerTestDatabase();
    drop = server?.drop;
    env = { PATH: process.env.PATH ?? '', HOME: dir, VIGIL_DATA_DIR: path.join(dir, 'data'), ...(server ? { DATABASE_URL: server.url } : {}) };
  });
  afterAll(async () => {
    await drop?.();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const vigil = (args: string[], opts: { input?: string; env?: Record<string, string> } = {}) =>
    new Promise<Run>((resolve) => {
      const child = execFile(process.execPath, [CLI, ...args], { env: { ...env, ...opts.env }, timeout: 60_000 }, (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
      child.stdin?.end(opts.input ?? '');
    });
  const file = (name: string, content: string) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, content);
    return p;
  };

  it('prints help for every command and exits 0', async () => {
    for (const args of [['--help'], ['import', 'constituency', '--help'], ['lookup', '--help'], ['audit', 'verify', '--help']]) {
      const r = await vigil(args);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stdout).toContain('Usage: vigil');
    }
  });

  it('exits 2 with a clear message on bad arguments or configuration', async () => {
    const unknown = await vigil(['frobnicate']);
    expect([unknown.code, unknown.stderr]).toEqual([2, expect.stringContaining("unknown command 'frobnicate'")]);
    const missing = await vigil(['lookup']);
    expect([missing.code, missing.stderr]).toEqual([2, expect.stringContaining("missing required argument 'query'")]);
    const badPort = await vigil(['migrate'], { env: { VIGIL_PORT: 'eighty' } });
    expect([badPort.code, badPort.stderr]).toEqual([2, expect.stringContaining('VIGIL_PORT')]);
    const badFormat = await vigil(['import', 'constituency', file('x.txt', 'x')]);
    expect([badFormat.code, badFormat.stderr]).toEqual([2, expect.stringContaining('--format')]);
  });

  it('migrates, creates an admin from stdin, imports, looks up and verifies the audit log', async () => {
    expect((await vigil(['migrate'])).code).toBe(0);
    const admin = await vigil(['admin', 'create', '--email', 'root@example.org', '--name', 'Root', '--password-stdin'], { input: 'a very long password\n' });
    expect([admin.code, admin.stdout]).toEqual([0, expect.stringContaining('Administrator root@example.org created')]);
    const weak = await vigil(['admin', 'create', '--email', 'weak@example.org', '--name', 'Weak', '--password-stdin'], { input: 'short\n' });
    expect([weak.code, weak.stderr]).toEqual([2, expect.stringContaining('at least 12')]);

    const bad = file('bad.csv', 'name,sector,country,networks\nCli Org,energy,XX,198.18.9.0/24\nCli Bad,energy,XX,198.18.10.1/24\n');
    const rejected = await vigil(['import', 'constituency', bad]);
    expect(rejected.code).toBe(1);
    expect(rejected.stdout).toContain('line 3 [networks]');
    expect(rejected.stderr).toContain('nothing was applied');
    const partial = await vigil(['import', 'constituency', bad, '--partial']);
    expect([partial.code, partial.stdout]).toEqual([0, expect.stringContaining('1 organizations created')]);
    expect(partial.stderr).toContain('Importing');

    const found = await vigil(['lookup', '198.18.9.200']);
    expect([found.code, found.stdout]).toEqual([0, expect.stringContaining('Cli Org')]);
    const json = JSON.parse((await vigil(['lookup', 'AS1', '--json'])).stdout) as { matches: unknown[] };
    expect(json.matches).toEqual([]);

    const ok = await vigil(['audit', 'verify']);
    expect([ok.code, ok.stdout]).toEqual([0, expect.stringMatching(/Audit log intact: \d+ entries verified/)]);
  }, 180_000);

  it('reports the first broken link when an audit row is edited', async () => {
    const database = await openDatabase(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : { dataDir: env.VIGIL_DATA_DIR });
    try {
      await sql`update audit_log set actor_label = 'mallory' where seq = 2`.execute(database.db);
    } finally {
      await database.close();
    }
    const r = await vigil(['audit', 'verify']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('BROKEN at entry 2');
  });
});
