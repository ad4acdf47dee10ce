import { describe, expect, it } from 'vitest';
import { centerStatus, nextExpectedBefore } from './centers.status.ts';

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));
const window = (last: Date | null) => ({ last_heartbeat_at: last, heartbeat_interval_seconds: 60, silent_after_seconds: 180 });

describe('center status from the last heartbeat', () => {
  it('is never before the first beat', () => {
    expect(centerStatus(window(null), at(0))).toBe('never');
    expect(nextExpectedBefore(window(null))).toBeNull();
  });

  it('is up up to the interval, late up to silentAfter, then silent (bounds inclusive)', () => {
    const c = window(at(0));
    expect(centerStatus(c, at(60))).toBe('up');
    expect(centerStatus(c, new Date(at(60).getTime() + 1))).toBe('late');
    expect(centerStatus(c, at(180))).toBe('late');
    expect(centerStatus(c, new Date(at(180).getTime() + 1))).toBe('silent');
    expect(nextExpectedBefore(c)).toEqual(at(60));
  });

  it('counts a beat stamped in the future (clock skew) as up', () => {
    expect(centerStatus(window(at(30)), at(0))).toBe('up');
  });
});
