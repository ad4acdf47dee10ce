import { describe, expect, it } from 'vitest';
import { nextPeriodEnd, periodEndAtOrBefore } from './digests.period.ts';

const at = (iso: string) => new Date(iso);

describe('digest periods (UTC)', () => {
  it('hourly periods end on the full hour', () => {
    const r = { frequency: 'hourly', hourUtc: 6, weekday: 1 } as const;
    expect(nextPeriodEnd(r, at('2026-03-01T07:20:00Z'))).toEqual(at('2026-03-01T08:00:00Z'));
    expect(nextPeriodEnd(r, at('2026-03-01T08:00:00Z'))).toEqual(at('2026-03-01T09:00:00Z'));
    expect(periodEndAtOrBefore(r, at('2026-03-01T08:00:00Z'))).toEqual(at('2026-03-01T08:00:00Z'));
  });

  it('daily periods end at the chosen hour', () => {
    const r = { frequency: 'daily', hourUtc: 6, weekday: 1 } as const;
    expect(nextPeriodEnd(r, at('2026-03-01T05:59:59Z'))).toEqual(at('2026-03-01T06:00:00Z'));
    expect(nextPeriodEnd(r, at('2026-03-01T06:00:00Z'))).toEqual(at('2026-03-02T06:00:00Z'));
    expect(periodEndAtOrBefore(r, at('2026-03-01T05:00:00Z'))).toEqual(at('2026-02-28T06:00:00Z'));
  });

  it('weekly periods end on the chosen ISO weekday and hour', () => {
    // 2026-03-04 is a Wednesday; weekday 5 = Friday.
    const r = { frequency: 'weekly', hourUtc: 9, weekday: 5 } as const;
    expect(nextPeriodEnd(r, at('2026-03-04T12:00:00Z'))).toEqual(at('2026-03-06T09:00:00Z'));
    expect(nextPeriodEnd(r, at('2026-03-06T09:00:00Z'))).toEqual(at('2026-03-13T09:00:00Z'));
    const sunday = { frequency: 'weekly', hourUtc: 0, weekday: 7 } as const;
    expect(nextPeriodEnd(sunday, at('2026-03-04T12:00:00Z'))).toEqual(at('2026-03-08T00:00:00Z'));
  });

  it('an off schedule has no next period', () => {
    expect(nextPeriodEnd({ frequency: 'off', hourUtc: 0, weekday: 1 }, at('2026-03-04T12:00:00Z'))).toBeNull();
  });
});
