import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A random URL-safe secret with `bytes` of entropy. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** SHA-256 hex: enough for high-entropy random secrets (passwords use scrypt instead). */
export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

const API_KEY = /^vgl_([A-Za-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

/** API keys read `vgl_<public prefix>_<secret>`; the prefix finds the row, the secret is hashed. */
export function newApiKey(): { key: string; prefix: string; secretHash: string } {
  const prefix = randomBytes(12).toString('base64url').replace(/[-_]/g, '').slice(0, 12).padEnd(12, 'x');
  const secret = randomToken(32);
  return { key: `vgl_${prefix}_${secret}`, prefix, secretHash: sha256(secret) };
}

export function parseApiKey(key: string): { prefix: string; secret: string } | null {
  const m = API_KEY.exec(key);
  return m ? { prefix: m[1] as string, secret: m[2] as string } : null;
}
