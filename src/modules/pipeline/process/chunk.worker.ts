// A chunk worker thread (chunk-pool.ts): keeps the constituency's owner table, organizations and ASN table
// the main thread sent it ('context'), compiles each feed's validated configuration once per version, and answers each 'job'
// with the chunk's ChunkWork (chunk-work.ts), its byte stream transferred rather than copied.
import { parentPort } from 'node:worker_threads';
import type { AsnInfo } from '../asn/asn-expert.ts';
import { PrefixLpm, type PrefixLpmTables } from '../asn/prefix-lpm.ts';
import type { ExpertsContext } from '../experts/process-batch.ts';
import { OwnerView, type OwnerTableData } from '../experts/owner-table.ts';
import type { OrgInfo } from '../pipeline.types.ts';
import { compileConfig, enricherOf, expertsContext, workChunk, type ChunkJob, type CompiledFeed, type WorkContext } from './chunk-work.ts';

/** The messages a worker takes. */
export type WorkerRequest =
  | { type: 'context'; owners?: OwnerTableData | null; orgs?: OrgInfo[]; asn?: PrefixLpmTables<AsnInfo> | null }
  | { type: 'job'; id: number; job: ChunkJob }
  | { type: 'ping'; id: number };

let context: WorkContext = { index: null, orgs: new Map<string, OrgInfo>(), asn: null };
let enricher: ExpertsContext['enricher'] = null;
const feeds = new Map<string, CompiledFeed>();

function compiled(job: ChunkJob): CompiledFeed {
  const hit = feeds.get(job.feed.id);
  if (hit?.version === job.config.version) return hit;
  const next = compileConfig(job.config);
  feeds.set(job.feed.id, next);
  return next;
}

function onMessage(m: WorkerRequest): void {
  if (m.type === 'context') {
    // What is absent did not change.
    context = {
      index: m.owners === undefined ? context.index : m.owners && new OwnerView(m.owners),
      orgs: m.orgs === undefined ? context.orgs : new Map(m.orgs.map((o) => [o.id, o])),
      asn: m.asn === undefined ? context.asn : m.asn && PrefixLpm.fromTables(m.asn),
    };
    enricher = enricherOf(context);
    return;
  }
  if (m.type === 'ping') {
    parentPort!.postMessage({ id: m.id });
    return;
  }
  try {
    const feed = compiled(m.job);
    const work = workChunk(feed, expertsContext(feed.experts, context, enricher), m.job);
    parentPort!.postMessage({ id: m.id, work }, work.stream ? [work.stream.buffer as ArrayBuffer, work.offsets!.buffer as ArrayBuffer] : []);
  } catch (err) {
    parentPort!.postMessage({ id: m.id, error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  }
}

parentPort?.on('message', onMessage);
