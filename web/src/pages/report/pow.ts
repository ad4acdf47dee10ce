// The proof of work of the public form: fetch a challenge, solve it in a Web Worker (or, where
// workers are unavailable, on the main thread in small slices), hand over the solution.
import { reportApi } from './reportApi';
import type { Challenge } from './reportApi';
import { searchNonce } from './sha256';

export interface Solved {
  powChallenge: string;
  powNonce: string;
  expiresAt: number;
}

function solveInWorker(c: Challenge, signal: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    let worker: Worker;
    try {
      worker = new Worker(new URL('./pow.worker.ts', import.meta.url), { type: 'module' });
    } catch (e) {
      reject(e instanceof Error ? e : new Error('no worker'));
      return;
    }
    const stop = () => worker.terminate();
    signal.addEventListener('abort', () => {
      stop();
      reject(new DOMException('aborted', 'AbortError'));
    });
    worker.onmessage = (e: MessageEvent<{ nonce: string }>) => {
      stop();
      resolve(e.data.nonce);
    };
    worker.onerror = () => {
      stop();
      reject(new Error('worker failed'));
    };
    worker.postMessage({ challenge: c.challenge, difficulty: c.difficulty });
  });
}

async function solveInSlices(c: Challenge, signal: AbortSignal): Promise<string> {
  for (let start = 0; ; start += 5_000) {
    if (signal.aborted) throw new DOMException('aborted', 'AbortError');
    const nonce = searchNonce(c.challenge, c.difficulty, start, 5_000);
    if (nonce !== null) return nonce;
    await new Promise((r) => setTimeout(r, 0));
  }
}

/** A fresh challenge, solved. */
export async function preparePow(signal: AbortSignal): Promise<Solved> {
  const c = await reportApi.challenge(signal);
  let nonce: string;
  try {
    nonce = await solveInWorker(c, signal);
  } catch (e) {
    if (signal.aborted) throw e;
    nonce = await solveInSlices(c, signal);
  }
  return { powChallenge: c.challenge, powNonce: nonce, expiresAt: Date.parse(c.expiresAt) };
}

/** True while a solution can still be used (with a minute to spare for the upload). */
export function isFresh(s: Solved | null): s is Solved {
  return s !== null && s.expiresAt - Date.now() > 60_000;
}
