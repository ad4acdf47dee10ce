// The last-run status shared by the TAXII connections and MISP feeds panels.
import { formatDateTime } from '../../format';

const OUTCOME_CLASS: Record<string, string> = { ok: 'badge badge-ok', skipped: 'badge badge-expired', failed: 'badge badge-failed' };

/** The outcome of the last run as a badge ("never run" before the first one). */
export function OutcomeBadge({ outcome, testId }: { outcome: string | null; testId?: string }) {
  return (
    <span className={outcome ? (OUTCOME_CLASS[outcome] ?? 'badge') : 'badge badge-off'} data-testid={testId} data-outcome={outcome ?? 'never'}>
      {outcome ?? 'never run'}
    </span>
  );
}

/** A schedule in words: "every 15 min", "every 6 h", "every 2 d". */
export function everyLabel(seconds: number): string {
  if (seconds % 86_400 === 0) return `every ${seconds / 86_400} d`;
  if (seconds % 3600 === 0) return `every ${seconds / 3600} h`;
  return `every ${Math.round(seconds / 60)} min`;
}

/** When it last ran, how many objects or events it brought, and the error if any. */
export function LastRun({ lastRun, countLabel }: { lastRun: { at: string | null; outcome: string | null; error: string | null; count: number | null }; countLabel: string }) {
  if (!lastRun.at) return <span className="muted">never run</span>;
  return (
    <>
      {formatDateTime(lastRun.at, { seconds: true })}
      {lastRun.count !== null && lastRun.outcome !== 'failed' && ` · ${lastRun.count} ${countLabel}`}
      {lastRun.error && (
        <span className="sharing-run-error" data-testid="last-error">
          {lastRun.error}
        </span>
      )}
    </>
  );
}
