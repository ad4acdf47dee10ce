// Durations and ages for the centers board ("5 min", "2 h 10 min ago").

/** `45 s`, `5 min`, `1 h 30 min`, `2 d 3 h`: at most two units. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const units: [number, string][] = [
    [86_400, 'd'],
    [3600, 'h'],
    [60, 'min'],
  ];
  const parts: string[] = [];
  let rest = s;
  for (const [size, label] of units) {
    if (rest >= size && parts.length < 2) {
      parts.push(`${Math.floor(rest / size)} ${label}`);
      rest %= size;
    } else if (parts.length) break;
  }
  if (!parts.length) parts.push(`${s} s`);
  return parts.join(' ');
}

/** How long ago `iso` was, relative to `now` (ms); a time slightly ahead (clock skew) is "just now". */
export function formatAge(iso: string | null, now: number): string {
  if (!iso) return 'never';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const seconds = (now - t) / 1000;
  if (seconds < 5) return 'just now';
  return `${formatDuration(seconds)} ago`;
}
