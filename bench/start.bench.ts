// Cold start: how long from launching `npm start` on an existing data directory until the first
// request is answered. Target: under 5 s. Prints each run and the median.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const RUNS = Number(process.argv[2] ?? 5);

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

async function startOnce(command: string[], dataDir: string): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(command[0] as string, command.slice(1), {
    cwd: ROOT,
    env: { ...process.env, VIGIL_DATA_DIR: dataDir, VIGIL_PORT: String(port), VIGIL_LOG_LEVEL: 'warn' },
    stdio: 'ignore',
    detached: true,
  });
  try {
    for (;;) {
      if (performance.now() - started > 60_000) throw new Error('no answer within 60 s');
      try {
        const res = await fetch(`http://127.0.0.1:${port}/api/v1/sectors`);
        if (res.status === 401) return performance.now() - started;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    process.kill(-(child.pid as number), 'SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-bench-start-'));
try {
  const first = await startOnce(['node', 'src/main.ts', 'serve'], dataDir);
  console.log(`first start (creates the data directory, migrates, loads the demo): ${(first / 1000).toFixed(2)} s`);
  for (const [label, cmd] of [
    ['npm start', ['npm', 'start']],
    ['node src/main.ts serve', ['node', 'src/main.ts', 'serve']],
  ] as const) {
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) times.push(await startOnce([...cmd], dataDir));
    console.log(`${label.padEnd(24)} cold start to first answered request: median ${(median(times) / 1000).toFixed(2)} s  (runs: ${times.map((t) => (t / 1000).toFixed(2)).join(', ')})`);
    console.log(`${median(times) < 5000 ? 'PASS' : 'FAIL'}: target < 5 s`);
  }
} finally {
  fs.rmSync(dataDir, { recursive: true, force: true });
}
