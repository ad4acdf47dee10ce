// Clock arithmetic for the clocks panel: the server's time, corrected for the browser's clock.
import type { IncidentClock } from '../../api-incidents';

const pad = (n: number) => String(n).padStart(2, '0');

/** `2 d 03:04:05` / `03:04:05` for a number of seconds (sign ignored). */
export function formatCountdown(seconds: number): string {
  const s = Math.floor(Math.abs(seconds));
  const d = Math.floor(s / 86_400);
  const hms = `${pad(Math.floor((s % 86_400) / 3600))}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
  return d ? `${d} d ${hms}` : hms;
}

export type ClockView = 'running' | 'due-soon' | 'paused' | 'met' | 'met_late' | 'breached';

export const VIEW_LABELS: Record<ClockView, string> = {
  running: 'Running',
  'due-soon': 'Due soon',
  paused: 'Paused',
  met: 'Met',
  met_late: 'Met late',
  breached: 'Breached',
};

/**
 * How a clock looks at `serverNow` (ms, server time): seconds left (negative when overdue, null once
 * met) and its status. A running clock past its deadline shows as breached before the sweep records it.
 */
export function clockAt(c: IncidentClock, serverNow: number): { view: ClockView; remaining: number | null } {
  if (c.status === 'met' || c.status === 'met_late') return { view: c.status, remaining: null };
  if (c.status === 'paused') return { view: 'paused', remaining: c.remainingSeconds ?? (Date.parse(c.dueAt) - Date.parse(c.pausedAt ?? c.dueAt)) / 1000 };
  const due = Date.parse(c.dueAt);
  const remaining = (due - serverNow) / 1000;
  if (c.status === 'breached' || remaining <= 0) return { view: 'breached', remaining };
  // the last fifth of the time (at least 15 minutes) is when the server escalates
  const total = due - Date.parse(c.startedAt);
  const soon = c.escalatedAt !== null || due - serverNow <= Math.max(total / 5, 15 * 60_000);
  return { view: soon ? 'due-soon' : 'running', remaining };
}
