/** Tracking codes and follow-up secrets: Crockford base32 (no I, L, O, U), typed by people. */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const CODE_SYMBOLS = 8; // 40 bits
const SECRET_SYMBOLS = 28; // 140 bits
const LOOKALIKE: Record<string, string> = { O: '0', I: '1', L: '1' };

function randomSymbols(n: number): string {
  // 256 is a multiple of 32: taking the low five bits of each byte has no bias.
  return [...randomBytes(n)].map((b) => ALPHABET[b & 31]).join('');
}

function group(s: string, size: number): string {
  return s.match(new RegExp(`.{1,${size}}`, 'g'))?.join('-') ?? s;
}

/** Upper-cases, drops separators and maps look-alikes (O->0, I/L->1); null if anything else remains. */
function canonical(input: string, length: number): string | null {
  const s = input
    .toUpperCase()
    .replace(/[\s-]/g, '')
    .replace(/[OIL]/g, (c) => LOOKALIKE[c] ?? c);
  if (s.length !== length) return null;
  for (const c of s) if (!ALPHABET.includes(c)) return null;
  return s;
}

/** A new tracking code such as `VR-7K4Q-9M2X`. */
export function newTrackingCode(): string {
  return `VR-${group(randomSymbols(CODE_SYMBOLS), 4)}`;
}

/** The canonical form of a typed tracking code (with or without `VR-`, any case), or null. */
export function normalizeTrackingCode(input: string): string | null {
  const upper = input.trim().toUpperCase();
  // "VR" is the prefix unless the code itself starts with V, R and the prefix was left out.
  const s = canonical(upper.replace(/^VR[\s-]*/, ''), CODE_SYMBOLS) ?? canonical(upper, CODE_SYMBOLS);
  return s && `VR-${group(s, 4)}`;
}

/** A new follow-up secret (140 bits), shown once: seven groups of four symbols. */
export function newSecret(): string {
  return group(randomSymbols(SECRET_SYMBOLS), 4);
}

/** SHA-256 (hex) of a secret's canonical form; null when the input cannot be a secret. */
export function hashSecret(input: string): string | null {
  const s = canonical(input, SECRET_SYMBOLS);
  return s && createHash('sha256').update(s).digest('hex');
}

/** Constant-time comparison of two hex digests. */
export function sameDigest(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}
