import type { Logger } from '../../../platform/logger.ts';

/** A background loop: `step` returns true when it did work (run again at once), false to sleep. */
export type Loop = { name: string; idleMs: number; step: () => Promise<boolean> };

/**
 * Runs the pipeline's loops (chunk workers, pulls, drop directories) until `stop()`, which lets the
 * current step finish (a chunk's transaction commits or rolls back; nothing is cut midway).
 */
export function createRunner(loops: readonly Loop[], log: Logger) {
  let stopping = false;
  let running: Promise<void>[] = [];
  const wakers = new Set<() => void>();

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      wakers.add(done);
    });

  async function run(loop: Loop): Promise<void> {
    while (!stopping) {
      let busy = false;
      try {
        busy = await loop.step();
      } catch (err) {
        log.error({ err, loop: loop.name }, 'pipeline loop step failed');
      }
      if (!busy && !stopping) await sleep(loop.idleMs);
    }
  }

  return {
    start(): void {
      if (running.length) return;
      stopping = false;
      running = loops.map((l) => run(l));
      log.info({ loops: loops.map((l) => l.name) }, 'pipeline workers started');
    },
    /** Wakes sleeping loops (new work was queued in this process). */
    wake(): void {
      for (const w of [...wakers]) w();
    },
    async stop(): Promise<void> {
      stopping = true;
      for (const w of [...wakers]) w();
      await Promise.all(running);
      running = [];
    },
  };
}

export type Runner = ReturnType<typeof createRunner>;
