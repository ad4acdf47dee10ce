/**
 * A pool of chunk worker threads (chunk.worker.ts) that parse and enrich chunks off the main
 * thread. Each worker reads the constituency through the index's owner table (owner-table.ts: its
 * arrays shared by every worker, not copied; built once per index version, so a worker sees the
 * lookup service's in-place updates), and holds the organizations and the ASN table; `run` sends
 * them again only when they changed. Workers keep the process alive only while they have
 * work (unref'd when idle), and a worker that dies fails its jobs and is replaced on the next one.
 *
 * Memory: a chunk is worked a slice at a time (chunk-work.ts), so most of its events die in the
 * young generation instead of being promoted. Each worker's old generation is bounded, as a safety net sized well above
 * what the context it holds needs (a bound close to the live heap makes the collector run far more
 * often: measured, 48 MB young / 192 MB old cost a quarter of the throughput). A worker that still
 * runs out of heap is restarted with twice the bound and its jobs are sent again, once: a bound
 * that is too tight costs a restart, never a chunk.
 */
import { Worker } from 'node:worker_threads';
import type { LookupIndex } from '../../../platform/lookup-index/index.ts';
import type { AsnTable } from '../asn/asn-expert.ts';
import type { OrgInfo } from '../pipeline.types.ts';
import type { ChunkJob, ChunkWork } from './chunk-work.ts';
import { ownerTableOf } from '../experts/owner-table.ts';
import { WORKER_YOUNG_GENERATION_MB } from '../../../platform/node-flags.ts';
import type { WorkerRequest } from './chunk.worker.ts';

type Pending = { resolve: (w: ChunkWork) => void; reject: (e: Error) => void; job: ChunkJob | null; ctx: PoolContext; retried: boolean };
type Slot = { worker: Worker; jobs: Map<number, Pending>; context: unknown[] | null; oldMb: number };

const WORKER_URL = new URL('./chunk.worker.ts', import.meta.url);

/** The context objects the workers must hold for a job. */
export type PoolContext = { index: LookupIndex | null; orgs: ReadonlyMap<string, OrgInfo>; asn: AsnTable | null };

/**
 * Old-generation bound of a worker (MB) holding `ctx`: half a gigabyte for code, buffers and work,
 * plus room for the context (organizations and prefix table cloned in; the full index, should an
 * IPv4-mapped address need it) several times over. A safety net, not a tuning: the live heap is a small part of it.
 */
export function oldGenerationMb(ctx: PoolContext): number {
  const indexMb = (ctx.index?.stats().approxBytes ?? 0) / 1048576;
  return Math.ceil(512 + 4 * indexMb + ctx.orgs.size / 1000);
}

/** Creates a pool of `threads` workers (started on first use); `oldMb` overrides oldGenerationMb (tests). */
export function createChunkPool(threads: number, options: { oldMb?: (ctx: PoolContext) => number } = {}) {
  const oldMbOf = options.oldMb ?? oldGenerationMb;
  const slots: (Slot | null)[] = Array.from({ length: Math.max(1, threads) }, () => null);
  let nextId = 1;
  let turn = 0;

  function start(i: number, oldMb: number): Slot {
    const worker = new Worker(WORKER_URL, { resourceLimits: { maxOldGenerationSizeMb: oldMb, maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB } });
    const slot: Slot = { worker, jobs: new Map(), context: null, oldMb };
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
      const jobs = [...slot.jobs.values()];
      slot.jobs.clear();
      const outOfMemory = (err as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY';
      for (const p of jobs) {
        if (outOfMemory && p.job !== null && !p.retried) {
          // Out of heap: a new worker with twice the bound takes the job again.
          if (slots[i] === null) slots[i] = start(i, slot.oldMb * 2);
          send(i, p.job, p.ctx, true).then(p.resolve, p.reject);
        } else p.reject(err);
      }
    };
    worker.on('error', die);
    worker.on('exit', (code) => die(new Error(`chunk worker exited (${code})`)));
    slots[i] = slot;
    return slot;
  }

  function post(slot: Slot, m: WorkerRequest): void {
    slot.worker.postMessage(m);
  }

  /** The slot `i`, started if needed, holding `ctx` (the owner table of a new index version is built first). */
  async function ready(i: number, ctx: PoolContext): Promise<Slot> {
    const owners = ctx.index ? await ownerTableOf(ctx.index) : null;
    const slot = slots[i] ?? start(i, oldMbOf(ctx));
    // Only what changed crosses (the organizations are reloaded every 30 s; the index rarely changes).
    const was = slot.context ?? [undefined, undefined, undefined];
    const m: WorkerRequest = { type: 'context' };
    if (was[0] !== owners) m.owners = owners;
    if (was[1] !== ctx.orgs) m.orgs = [...ctx.orgs.values()];
    if (was[2] !== ctx.asn) m.asn = ctx.asn ? ctx.asn.tables() : null;
    if (Object.keys(m).length > 1) post(slot, m);
    slot.context = [owners, ctx.orgs, ctx.asn];
    return slot;
  }

  /** Sends a request and waits for its answer (`job`: what to send again if the worker runs out of heap). */
  function ask(slot: Slot, ctx: PoolContext, job: ChunkJob | null, retried: boolean, make: (id: number) => { m: WorkerRequest; transfer: ArrayBuffer[] }): Promise<ChunkWork> {
    const id = nextId++;
    return new Promise<ChunkWork>((resolve, reject) => {
      slot.jobs.set(id, { resolve, reject, job, ctx, retried });
      slot.worker.ref();
      const { m, transfer } = make(id);
      slot.worker.postMessage(m, transfer);
    });
  }

  /** Sends a chunk to worker `i`; its bytes in a buffer of their own, moved (not cloned with what they are a view of). */
  function send(i: number, job: ChunkJob, ctx: PoolContext, retried: boolean): Promise<ChunkWork> {
    return ready(i, ctx).then((slot) => {
      const data = new Uint8Array(job.chunk.data);
      return ask(slot, ctx, job, retried, (id) => ({ m: { type: 'job', id, job: { ...job, chunk: { ...job.chunk, data } } }, transfer: [data.buffer] }));
    });
  }

  return {
    threads: slots.length,
    /** Works on a chunk in the least busy worker, with `ctx` (sent along when it changed). */
    run(job: ChunkJob, ctx: PoolContext): Promise<ChunkWork> {
      let i = turn++ % slots.length;
      for (let k = 0; k < slots.length; k++) if ((slots[k]?.jobs.size ?? 0) < (slots[i]?.jobs.size ?? 0)) i = k;
      return send(i, job, ctx, false);
    },
    /** Starts every worker with `ctx` and waits until they are ready (code loaded, index built). */
    async warm(ctx: PoolContext): Promise<void> {
      await Promise.all(slots.map(async (_, i) => ask(await ready(i, ctx), ctx, null, false, (id) => ({ m: { type: 'ping', id }, transfer: [] }))));
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
