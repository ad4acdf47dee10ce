import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { NODE_FLAGS } from './node-flags.ts';

const root = path.join(import.meta.dirname, '../..');
const flags = NODE_FLAGS.join(' ');

describe('the V8 flags every Vigil process runs with', () => {
  it('are the ones npm start, npm run vigil, bin/vigil and the benchmarks that serve in-process pass', () => {
    const scripts = (JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts.start).toBe(`node ${flags} src/main.ts serve`);
    expect(scripts.vigil).toBe(`node ${flags} src/main.ts`);
    // The servers these benchmarks measure run in their own process (bench:pipeline passes the flags to its stage processes).
    expect(scripts['bench:intel']).toBe(`node ${flags} bench/intel.bench.ts`);
    expect(scripts['bench:incidents']).toBe(`node ${flags} bench/incidents.bench.ts`);
    expect(fs.readFileSync(path.join(root, 'bin/vigil'), 'utf8')).toContain(`exec "$node_bin" ${flags} "$here/src/main.ts" "$@"`);
  });

  it('start the CLI through src/main.ts (compile cache on)', () => {
    const out = execFileSync(process.execPath, [...NODE_FLAGS, path.join(root, 'src/main.ts'), '--help'], { encoding: 'utf8', env: { ...process.env, NODE_COMPILE_CACHE: '' } });
    expect(out).toMatch(/Usage: vigil/);
  });
});
