import fs from 'node:fs';
import path from 'node:path';

/** Raised when another live process already has the embedded data directory open. */
export class DataDirLockedError extends Error {}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The embedded engine is single-process: a pid file in the data directory keeps a second process
 * (say `vigil lookup` while `vigil serve` runs) from opening the same files. A stale file is taken over.
 */
export function lockDataDir(dir: string): () => void {
  const file = path.join(dir, 'vigil.pid');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
      return () => fs.rmSync(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(fs.readFileSync(file, 'utf8').trim());
      if (pid && pid !== process.pid && isAlive(pid)) {
        throw new DataDirLockedError(
          `The data directory ${dir} is in use by process ${pid}. The embedded database serves one process; stop it, or use a PostgreSQL server (DATABASE_URL) to run several.`,
        );
      }
      fs.rmSync(file, { force: true });
    }
  }
  throw new DataDirLockedError(`Could not lock ${dir}`);
}
