// Solves a proof-of-work challenge off the main thread, so the form stays responsive.
import { searchNonce } from './sha256';

type Job = { challenge: string; difficulty: number };

self.onmessage = (e: MessageEvent<Job>) => {
  const { challenge, difficulty } = e.data;
  for (let start = 0; start < 2 ** 40; start += 50_000) {
    const nonce = searchNonce(challenge, difficulty, start, 50_000);
    if (nonce !== null) {
      self.postMessage({ nonce });
      return;
    }
  }
};
