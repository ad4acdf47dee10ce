// Builds the web console (web/ -> web/dist) with Vite's JS API.
//
//   node scripts/build-web.ts           build only when web/dist is older than its sources
//   node scripts/build-web.ts --force   always build
//
// Run by `npm install` (prepare), so the up-to-date check is cheap and happens before Vite is loaded.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const webDir = path.join(root, 'web');
const srcDir = path.join(webDir, 'src');
const configFile = path.join(webDir, 'vite.config.ts');
const builtIndex = path.join(webDir, 'dist', 'index.html');

/** Latest modification time among the given files and everything under the given directories. */
function newestMtime(entries: string[]): number {
  let newest = 0;
  const visit = (p: string): void => {
    let st;
    try {
      st = statSync(p);
    } catch {
      return;
    }
    // a directory's own mtime changes when a file is added, removed or renamed in it
    newest = Math.max(newest, st.mtimeMs);
    if (st.isDirectory()) {
      for (const name of readdirSync(p)) visit(path.join(p, name));
    }
  };
  for (const e of entries) visit(e);
  return newest;
}

function upToDate(): boolean {
  if (!existsSync(builtIndex)) return false;
  const built = statSync(builtIndex).mtimeMs;
  const sources = newestMtime([srcDir, path.join(webDir, 'index.html'), configFile]);
  return built > sources;
}

async function main(): Promise<number> {
  const force = process.argv.includes('--force');
  if (!existsSync(configFile)) {
    console.error(`web console build failed: ${path.relative(root, configFile)} not found`);
    return 1;
  }
  if (!force && upToDate()) {
    console.log('web console up to date');
    return 0;
  }

  let vite;
  try {
    vite = await import('vite');
  } catch (err) {
    console.error(`web console build failed: cannot load vite (${(err as Error).message}). Run npm install first.`);
    return 1;
  }

  const started = performance.now();
  try {
    await vite.build({ configFile, logLevel: 'warn', mode: 'production' });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    console.error(`web console build failed:\n${message}`);
    return 1;
  }
  if (!existsSync(builtIndex)) {
    console.error(`web console build failed: ${path.relative(root, builtIndex)} was not produced`);
    return 1;
  }
  const secs = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`web console built in ${secs}s -> ${path.relative(root, path.dirname(builtIndex))}`);
  return 0;
}

// exit explicitly: a plugin holding a handle open must not hang `npm install`
process.exit(await main());
