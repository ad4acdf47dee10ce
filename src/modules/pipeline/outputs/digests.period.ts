/** How often an organization gets its digest. */
export type DigestFrequency = 'off' | 'hourly' | 'daily' | 'weekly';

/** The parts of a schedule that decide its period ends (all in UTC). */
export type PeriodRule = { frequency: DigestFrequency; hourUtc: number; weekday: number };

const HOUR = 3600_000;
const PERIOD_MS: Record<Exclude<DigestFrequency, 'off'>, number> = { hourly: HOUR, daily: 24 * HOUR, weekly: 7 * 24 * HOUR };
// 1970-01-05 was a Monday (ISO weekday 1).
const FIRST_MONDAY = Date.UTC(1970, 0, 5);

/** The length of one period; a day for `off` (used when a digest is sent by hand). */
export function periodMs(frequency: DigestFrequency): number {
  return frequency === 'off' ? PERIOD_MS.daily : PERIOD_MS[frequency];
}

function anchor(r: PeriodRule): number {
  if (r.frequency === 'hourly') return 0;
  if (r.frequency === 'weekly') return FIRST_MONDAY + (r.weekday - 1) * 24 * HOUR + r.hourUtc * HOUR;
  return r.hourUtc * HOUR;
}

/** The latest period end at or before `t` (UTC has no daylight saving: every period has the same length). */
export function periodEndAtOrBefore(r: PeriodRule, t: Date): Date {
  const p = periodMs(r.frequency);
  const a = anchor(r);
  return new Date(a + Math.floor((t.getTime() - a) / p) * p);
}

/** The first period end strictly after `t`; null while the schedule is off. */
export function nextPeriodEnd(r: PeriodRule, t: Date): Date | null {
  if (r.frequency === 'off') return null;
  return new Date(periodEndAtOrBefore(r, t).getTime() + periodMs(r.frequency));
}
