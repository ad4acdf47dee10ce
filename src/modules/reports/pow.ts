/**
 * Proof of work for the public form, stateless: a challenge is HMAC-signed with its own expiry and
 * difficulty; the client finds a nonce such that SHA-256(challenge + nonce) starts with
 * `difficulty` zero bits. The server keeps only the ids of challenges already spent.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { AppError } from '../../platform/errors.ts';

export type Challenge = { challenge: string; difficulty: number; expiresAt: string };
export type Verified = { id: string; expiresAt: Date };

const VERSION = 'v1';
const NONCE = /^[0-9A-Za-z]{1,32}$/;

const mac = (key: Buffer, payload: string) => createHmac('sha256', key).update(payload).digest('base64url');

/** A new signed challenge. */
export function issueChallenge(key: Buffer, now: Date, difficulty: number, ttlSeconds: number): Challenge {
  const id = randomBytes(12).toString('base64url');
  const expires = Math.floor(now.getTime() / 1000) + ttlSeconds;
  const payload = `${VERSION}.${id}.${expires}.${difficulty}`;
  return { challenge: `${payload}.${mac(key, payload)}`, difficulty, expiresAt: new Date(expires * 1000).toISOString() };
}

/** Number of leading zero bits of a digest. */
export function leadingZeroBits(digest: Uint8Array): number {
  let bits = 0;
  for (const byte of digest) {
    if (byte === 0) {
      bits += 8;
      continue;
    }
    return bits + Math.clz32(byte) - 24;
  }
  return bits;
}

const invalid = (why: string) => new AppError('report.pow_invalid', `The proof of work is not valid: ${why}`, 400);

/**
 * Checks the signature, the expiry, the difficulty (at least `minDifficulty`) and the work.
 * Errors: report.pow_invalid, report.pow_expired (fetch a new challenge).
 */
export function verifySolution(key: Buffer, now: Date, challenge: string, nonce: string, minDifficulty: number): Verified {
  const parts = challenge.split('.');
  if (parts.length !== 5 || parts[0] !== VERSION) throw invalid('the challenge is malformed');
  const [, id, expires, difficulty, signature] = parts as [string, string, string, string, string];
  const expected = Buffer.from(mac(key, parts.slice(0, 4).join('.')));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw invalid('the challenge was not issued by this server');
  const expiresAt = new Date(Number(expires) * 1000);
  if (!(expiresAt.getTime() > now.getTime())) throw new AppError('report.pow_expired', 'The proof-of-work challenge expired; fetch a new one', 400);
  if (Number(difficulty) < minDifficulty) throw invalid('the challenge is easier than this server requires now');
  if (!NONCE.test(nonce)) throw invalid('the nonce must be 1-32 letters or digits');
  const digest = createHash('sha256').update(challenge + nonce).digest();
  if (leadingZeroBits(digest) < Number(difficulty)) throw invalid('the nonce does not solve the challenge');
  return { id, expiresAt };
}

/** Finds a nonce (what the browser does; used by tests and scripts). */
export function solveChallenge(challenge: string, difficulty: number): string {
  for (let n = 0; ; n++) {
    const nonce = n.toString(36);
    if (leadingZeroBits(createHash('sha256').update(challenge + nonce).digest()) >= difficulty) return nonce;
  }
}
