/** What the console shows for a center, from the age of its last stored heartbeat. */
export type CenterStatus = 'up' | 'late' | 'silent' | 'never';

export type HeartbeatWindow = { last_heartbeat_at: Date | null; heartbeat_interval_seconds: number; silent_after_seconds: number };

/**
 * never: no beat yet; up: age <= interval; late: interval < age <= silentAfter; silent: older.
 * A beat stamped slightly in the future (clock skew between processes) counts as up.
 */
export function centerStatus(c: HeartbeatWindow, now: Date): CenterStatus {
  if (!c.last_heartbeat_at) return 'never';
  const ageMs = now.getTime() - c.last_heartbeat_at.getTime();
  if (ageMs <= c.heartbeat_interval_seconds * 1000) return 'up';
  if (ageMs <= c.silent_after_seconds * 1000) return 'late';
  return 'silent';
}

/** When the next beat is due (after that the center is late), or null before the first one. */
export function nextExpectedBefore(c: HeartbeatWindow): Date | null {
  return c.last_heartbeat_at ? new Date(c.last_heartbeat_at.getTime() + c.heartbeat_interval_seconds * 1000) : null;
}
