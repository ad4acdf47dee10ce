import { describe, expect, it } from 'vitest';
import { pgliteWasmModules } from './pglite-wasm.ts';

describe("PGlite's WebAssembly modules", () => {
  it('are compiled once per process and shared; initdb only when asked for', async () => {
    const existing = await pgliteWasmModules(false);
    expect(existing.initdbWasmModule).toBeUndefined();
    const fresh = await pgliteWasmModules(true);
    expect(fresh.pgliteWasmModule).toBe(existing.pgliteWasmModule);
    expect(fresh.initdbWasmModule).toBeDefined();
    expect((await pgliteWasmModules(true)).initdbWasmModule).toBe(fresh.initdbWasmModule);
  });
});
