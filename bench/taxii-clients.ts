/**
 * TAXII load clients of bench:intel, in a thread of their own so that reading and parsing the
 * responses does not queue behind the server's work in its event loop: `clients` clients at once,
 * each reading up to `pages` pages of 1,000 objects, one request at a time. Each starts at a
 * different place in the collection (added_after), then follows `next`. Posts every page's latency
 * (request to parsed body, ms) and the wall time.
 */
import { parentPort, workerData } from 'node:worker_threads';

export type ClientsJob = { url: string; collectionId: string; authorization: string; clients: number; pages: number };
export type ClientsResult = { latencies: number[]; wallMs: number };

const job = workerData as ClientsJob;
const latencies: number[] = [];

async function client(c: number): Promise<void> {
  let next: string | undefined;
  for (let p = 0; p < job.pages; p++) {
    const q = next ? `next=${encodeURIComponent(next)}` : `added_after=1970-01-01T00:00:0${c % 10}Z`;
    const t0 = performance.now();
    const res = await fetch(`${job.url}/taxii2/api/collections/${job.collectionId}/objects/?limit=1000&${q}`, { headers: { accept: 'application/taxii+json;version=2.1', authorization: job.authorization } });
    const body = (await res.json()) as { objects?: unknown[]; next?: string; more?: boolean };
    latencies.push(performance.now() - t0);
    if (res.status !== 200 || (body.objects?.length ?? 0) === 0) throw new Error(`client ${c}, page ${p}: ${res.status} ${JSON.stringify(body).slice(0, 200)}`);
    next = body.next;
    if (!body.more) break;
  }
}

const t0 = performance.now();
await Promise.all(Array.from({ length: job.clients }, (_, c) => client(c)));
parentPort!.postMessage({ latencies, wallMs: performance.now() - t0 } satisfies ClientsResult);
