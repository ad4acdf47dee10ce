import { describe, it, expect } from 'vitest';
import { AppError } from '../errors.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';

type Key = { at: string; id: string };
const isKey = (v: unknown): v is Key =>
  typeof v === 'object' && v !== null && typeof (v as Key).at === 'string' && typeof (v as Key).id === 'string';

function cursorError(cursor: string): AppError {
  try {
    decodeCursor(cursor, isKey);
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected decodeCursor to throw');
}

describe('cursor', () => {
  it('round-trips a value through encodeCursor and decodeCursor', () => {
    const key = { at: '2025-01-02T03:04:05.000Z', id: '3f1d8a52-6c1e-4d2b-9a57-0b3c7e9f1a22' };
    expect(decodeCursor(encodeCursor(key), isKey)).toEqual(key);
  });

  it('round-trips non-ASCII text', () => {
    const key = { at: 'Zürich – 東京', id: 'x' };
    expect(decodeCursor(encodeCursor(key), isKey)).toEqual(key);
  });

  it('encodes as URL-safe base64 without padding', () => {
    expect(encodeCursor({ at: '??>>', id: '~~~~' })).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('returns undefined for an undefined cursor', () => {
    expect(decodeCursor(undefined, isKey)).toBeUndefined();
  });

  it('returns undefined for an empty cursor', () => {
    expect(decodeCursor('', isKey)).toBeUndefined();
  });

  it('rejects a tampered cursor with pagination.invalid_cursor and status 400', () => {
    const good = encodeCursor({ at: '2025-01-02T03:04:05.000Z', id: 'abc' });
    const tampered = `A${good.slice(1)}`;
    expect(tampered).not.toBe(good);
    const err = cursorError(tampered);
    expect(err.code).toBe('pagination.invalid_cursor');
    expect(err.status).toBe(400);
  });

  it('rejects a truncated cursor', () => {
    const good = encodeCursor({ at: '2025-01-02T03:04:05.000Z', id: 'abc' });
    expect(cursorError(good.slice(0, -4)).code).toBe('pagination.invalid_cursor');
  });

  it('rejects a cursor that is not base64 at all', () => {
    const err = cursorError('!!!not base64***');
    expect([err.code, err.status]).toEqual(['pagination.invalid_cursor', 400]);
  });

  it('rejects valid base64 that is not JSON', () => {
    expect(cursorError(Buffer.from('hello').toString('base64url')).code).toBe('pagination.invalid_cursor');
  });

  it('rejects valid JSON of the wrong shape', () => {
    expect(cursorError(encodeCursor({ at: 1, id: 'abc' })).code).toBe('pagination.invalid_cursor');
    expect(cursorError(encodeCursor(['2025-01-02', 'abc'])).code).toBe('pagination.invalid_cursor');
    expect(cursorError(encodeCursor(null)).code).toBe('pagination.invalid_cursor');
  });
});
