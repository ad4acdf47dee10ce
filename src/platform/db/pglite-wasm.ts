/**
 * PGlite's two WebAssembly modules (the PostgreSQL server, and initdb for a new data directory),
 * each compiled once per process and shared by every embedded database it opens.
 *
 * Left to itself PGlite compiles them again for each instance and V8 frees the code when the
 * instance goes. That churn of compiled code is what intermittently aborts Node 24's V8 in its JIT
 * page registry ("Check failed: jit_page_->allocations_.erase(addr) == 1", nodejs/node#64500,
 * electric-sql/pglite#1053): it happened once in this project's CI, in a test file that opens and
 * closes several embedded databases. Sharing the modules also makes opening one faster.
 */
import fs from 'node:fs/promises';
import type { PGliteOptions } from '@electric-sql/pglite';

// The server's TypeScript libraries (es2024 + node) do not declare WebAssembly; PGlite's options name its module type.
type WasmModule = NonNullable<PGliteOptions['pgliteWasmModule']>;
const wasm = (globalThis as unknown as { WebAssembly: { compile(bytes: Uint8Array): Promise<WasmModule> } }).WebAssembly;

const compiled = new Map<string, Promise<WasmModule>>();

function once(name: 'pglite.wasm' | 'initdb.wasm'): Promise<WasmModule> {
  let m = compiled.get(name);
  if (!m) {
    m = fs.readFile(new URL(name, import.meta.resolve('@electric-sql/pglite'))).then((bytes) => wasm.compile(bytes));
    // A failed read or compile is tried again on the next open.
    m.catch(() => compiled.delete(name));
    compiled.set(name, m);
  }
  return m;
}

/**
 * The compiled modules as PGlite.create options. `initdb`: the data directory is new (or in
 * memory), so PGlite runs initdb first; an existing one never needs that module compiled.
 */
export async function pgliteWasmModules(initdb: boolean): Promise<Pick<PGliteOptions, 'pgliteWasmModule' | 'initdbWasmModule'>> {
  const [pgliteWasmModule, initdbWasmModule] = await Promise.all([once('pglite.wasm'), initdb ? once('initdb.wasm') : undefined]);
  return initdbWasmModule ? { pgliteWasmModule, initdbWasmModule } : { pgliteWasmModule };
}
