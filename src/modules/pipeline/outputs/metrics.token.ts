import { createHash, timingSafeEqual } from 'node:crypto';

/** Compares a presented token with the configured one in constant time (hashing evens out lengths). */
export function safeTokenEqual(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}
