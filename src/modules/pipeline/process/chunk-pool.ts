/**
 * A pool of chunk worker threads (chunk.worker.ts) that parse and enrich chunks off the main
 * thread. Each worker holds its own copy of the constituency index (rebuilt from the assets, ~0.1 s
 * for 100k prefixes), the organizations and the ASN table; `run` sends them again only when the
 * caller's objects changed (a refreshed index). Workers keep the process alive only while they have
 * work (unref'd when idle), and a worker that dies fails its jobs and is replaced on the next one.
 */
import { Worker } from 'node:worker_threads';
import type { LookupIndex } from '../../constituency/index.ts';
import type { AsnTable } from '../asn/asn-expert.ts';
import type { OrgInfo } from '../pipeline.types.ts';
import type { ChunkJob, ChunkWork } from './chunk-work.ts';
import type { WorkerRequest } from './chunk.worker.ts';

type Pending = { resolve: (w: ChunkWork) => void; reject: (e: Error) => void };
type Slot = { worker: Worker; jobs: Map<number, Pending>; context: unknown[] | null };

const WORKER_URL = new URL('./chunk.worker.ts', import.meta.url);

/** The context objects the workers must hold for a job. */
export type PoolContext = { index: LookupIndex | null; orgs: ReadonlyMap<string, OrgInfo>; asn: AsnTable | null };

/** Creates a pool of `threads` workers (started on first use). */
export function createChunkPool(threads: number) {
  const slots: (Slot | null)[] = Array.from({ length: Math.max(1, threads) }, () => null);
  let nextId = 1;
  let turn = 0;

  function start(i: number): Slot {
    const worker = new Worker(WORKER_URL);
    const slot: Slot = { worker, jobs: new Map(), context: null };
    worker.unref();
    worker.on('message', (m: { id: number; work?: ChunkWork; error?: string }) => {
      const p = slot.jobs.get(m.id);
      slot.jobs.delete(m.id);
      if (slot.jobs.size === 0) worker.unref();
      if (!p) return;
      if (m.work) p.resolve(m.work);
      else if (m.error === undefined) p.resolve(null as unknown as ChunkWork); // a ping's answer
      else p.reject(new Error(`chunk worker: ${m.error ?? 'no result'}`));
    });
    const die = (err: Error) => {
      if (slots[i] === slot) slots[i] = null;
      for (const p of slot.jobs.values()) p.reject(err);
      slot.jobs.clear();
    };
    worker.on('error', die);
    worker.on('exit', (code) => die(new Error(`chunk worker exited (${code})`)));
    slots[i] = slot;
    return slot;
  }

  function post(slot: Slot, m: WorkerRequest): void {
    slot.worker.postMessage(m);
  }

  /** The slot `i`, started if needed, holding `ctx`. */
  function ready(i: number, ctx: PoolContext): Slot {
    const slot = slots[i] ?? start(i);
    // Only what changed crosses (the organizations are reloaded every 30 s; the index rarely changes).
    const was = slot.context ?? [undefined, undefined, undefined];
    const m: WorkerRequest = { type: 'context' };
    if (was[0] !== ctx.index) m.assets = ctx.index ? ctx.index.assets() : null;
    if (was[1] !== ctx.orgs) m.orgs = [...ctx.orgs.values()];
    if (was[2] !== ctx.asn) m.asn = ctx.asn ? ctx.asn.tables() : null;
    if (Object.keys(m).length > 1) post(slot, m);
    slot.context = [ctx.index, ctx.orgs, ctx.asn];
    return slot;
  }

  /** Sends a request and waits for its answer. */
  function ask(slot: Slot, make: (id: number) => { m: WorkerRequest; transfer: ArrayBuffer[] }): Promise<ChunkWork> {
    const id = nextId++;
    return new Promise<ChunkWork>((resolve, reject) => {
      slot.jobs.set(id, { resolve, reject });
      slot.worker.ref();
      const { m, transfer } = make(id);
      slot.worker.postMessage(m, transfer);
    });
  }

  return {
    threads: slots.length,
    /** Works on a chunk in the least busy worker, with `ctx` (sent along when it changed). */
    run(job: ChunkJob, ctx: PoolContext): Promise<ChunkWork> {
      let i = turn++ % slots.length;
      for (let k = 0; k < slots.length; k++) if ((slots[k]?.jobs.size ?? 0) < (slots[i]?.jobs.size ?? 0)) i = k;
      // The chunk's bytes in a buffer of their own, moved to the worker (not cloned with what they are a view of).
      const data = new Uint8Array(job.chunk.data);
      return ask(ready(i, ctx), (id) => ({ m: { type: 'job', id, job: { ...job, chunk: { ...job.chunk, data } } }, transfer: [data.buffer] }));
    },
    /** Starts every worker with `ctx` and waits until they are ready (code loaded, index built). */
    async warm(ctx: PoolContext): Promise<void> {
      await Promise.all(slots.map((_, i) => ask(ready(i, ctx), (id) => ({ m: { type: 'ping', id }, transfer: [] }))));
    },
    /** Stops the workers. */
    async close(): Promise<void> {
      const all = slots.filter((s): s is Slot => s !== null);
      slots.fill(null);
      await Promise.all(all.map((s) => s.worker.terminate()));
    },
  };
}

export type ChunkPool = ReturnType<typeof createChunkPool>;
