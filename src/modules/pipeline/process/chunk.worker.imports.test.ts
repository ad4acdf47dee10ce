import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/** Every module a file loads at run time (type-only imports excluded), and the packages among them. */
function runtimeGraph(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(/^(?:import|export)\s+(?!type\b)(?:[^'";]*?from\s+)?['"]([^'"]+)['"]/gm)) {
      const target = m[1]!;
      if (target.startsWith('.')) visit(path.resolve(path.dirname(file), target));
      else if (!target.startsWith('node:')) packages.add(target);
    }
  };
  visit(entry);
  return { files, packages };
}

describe('a parse thread loads only what it runs', () => {
  it('imports no package (the schema library, HTTP or SQL stacks): feeds come to it validated', () => {
    const { files, packages } = runtimeGraph(path.join(import.meta.dirname, 'chunk.worker.ts'));
    expect([...packages]).toEqual([]);
    expect([...files].filter((f) => /schemas?\.ts$/.test(f)).map((f) => path.basename(f))).toEqual([]);
    expect(files.size).toBeGreaterThan(20);
  });
});
