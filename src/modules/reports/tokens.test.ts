import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { issueChallenge, leadingZeroBits, solveChallenge, verifySolution } from './pow.ts';
import { hashSecret, newSecret, newTrackingCode, normalizeTrackingCode, sameDigest } from './tokens.ts';
import { codeOf } from '../../test-support/errors.ts';

describe('tracking codes and secrets', () => {
  it('makes human-friendly tracking codes from an unambiguous alphabet', () => {
    const codes = new Set(Array.from({ length: 2000 }, newTrackingCode));
    expect(codes.size).toBe(2000);
    for (const c of codes) expect(c).toMatch(/^VR-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
  });

  it('reads a tracking code however it is typed', () => {
    expect(normalizeTrackingCode('vr-7k4q-9m2x')).toBe('VR-7K4Q-9M2X');
    expect(normalizeTrackingCode(' 7K4Q 9M2X ')).toBe('VR-7K4Q-9M2X');
    expect(normalizeTrackingCode('VR-7K4Q-9M2O')).toBe('VR-7K4Q-9M20');
    expect(normalizeTrackingCode('VR-7K4Q-9M2')).toBeNull();
    expect(normalizeTrackingCode('VR-7K4Q-9M2U')).toBeNull();
    expect(normalizeTrackingCode('vrab-cdef')).toBe('VR-VRAB-CDEF');
  });

  it('makes 140-bit secrets and hashes them in canonical form', () => {
    const secret = newSecret();
    expect(secret).toMatch(/^([0-9A-HJKMNP-TV-Z]{4}-){6}[0-9A-HJKMNP-TV-Z]{4}$/);
    const h = hashSecret(secret) as string;
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(sameDigest(h, hashSecret(secret.toLowerCase().replaceAll('-', ' ')) as string)).toBe(true);
    expect(hashSecret('too short')).toBeNull();
    expect(sameDigest(h, hashSecret(newSecret()) as string)).toBe(false);
  });
});

describe('proof of work', () => {
  const key = randomBytes(32);
  const now = new Date('2030-01-01T00:00:00Z');

  it('counts leading zero bits', () => {
    expect(leadingZeroBits(new Uint8Array([0, 0, 0x10, 0xff]))).toBe(19);
    expect(leadingZeroBits(new Uint8Array([0x80]))).toBe(0);
    expect(leadingZeroBits(new Uint8Array([0, 0]))).toBe(16);
  });

  it('accepts a solved challenge and names the challenge id', () => {
    const c = issueChallenge(key, now, 8, 600);
    const nonce = solveChallenge(c.challenge, 8);
    expect(verifySolution(key, now, c.challenge, nonce, 8).id).toBe(c.challenge.split('.')[1]);
  });

  it('rejects a wrong nonce, a forged or tampered challenge, an expired one and a downgraded difficulty', () => {
    const c = issueChallenge(key, now, 12, 600);
    const nonce = solveChallenge(c.challenge, 12);
    expect(codeOf(() => verifySolution(key, now, c.challenge, `${nonce}x`, 12))).toBe('report.pow_invalid');
    expect(codeOf(() => verifySolution(randomBytes(32), now, c.challenge, nonce, 12))).toBe('report.pow_invalid');
    expect(codeOf(() => verifySolution(key, now, c.challenge.replace('.12.', '.1.'), nonce, 12))).toBe('report.pow_invalid');
    expect(codeOf(() => verifySolution(key, now, 'garbage', nonce, 12))).toBe('report.pow_invalid');
    expect(codeOf(() => verifySolution(key, new Date(now.getTime() + 601_000), c.challenge, nonce, 12))).toBe('report.pow_expired');
    expect(codeOf(() => verifySolution(key, now, c.challenge, nonce, 16))).toBe('report.pow_invalid');
    expect(codeOf(() => verifySolution(key, now, c.challenge, 'not a nonce!', 12))).toBe('report.pow_invalid');
  });
});
