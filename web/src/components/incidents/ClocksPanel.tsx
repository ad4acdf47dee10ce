import { useEffect, useState } from 'react';
import { incidentsApi } from '../../api-incidents';
import type { IncidentClock, IncidentClocks } from '../../api-incidents';
import { formatDateTime } from '../../format';
import { useLoad } from '../../hooks';
import { ErrorAlert } from '../Alert';
import { VIEW_LABELS, clockAt, formatCountdown } from './countdown';

/** Milliseconds to add to the browser's clock to get the server's, measured when the answer arrived. */
const offsetOf = (c: IncidentClocks) => Date.parse(c.serverTime) - Date.now();

/** SLA and regulatory deadlines, counting down every second. */
export function ClocksPanel({ incidentId, refresh, canWork, onChanged }: { incidentId: string; refresh: string; canWork: boolean; onChanged: () => void }) {
  const clocks = useLoad(`clocks:${incidentId}:${refresh}`, (signal) => incidentsApi.clocks(incidentId, signal));
  const [offset, setOffset] = useState(0);
  const [now, setNow] = useState(() => Date.now());
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    if (clocks.data) setOffset(offsetOf(clocks.data));
  }, [clocks.data]);
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, []);

  const run = async (label: string, action: () => Promise<IncidentClocks | IncidentClock>) => {
    setBusy(label);
    setError(null);
    try {
      const answer = await action();
      if ('items' in answer) clocks.setData(() => answer);
      else clocks.reload();
      onChanged();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  };

  const items = clocks.data?.items ?? [];
  const slaOpen = items.filter((c) => c.source === 'sla' && !c.metAt);
  const canPause = slaOpen.some((c) => !c.pausedAt);
  const canResume = slaOpen.some((c) => c.pausedAt);
  const serverNow = now + offset;

  return (
    <section className="card" aria-labelledby="clocks-title" data-testid="incident-clocks">
      <div className="section-head">
        <h2 id="clocks-title">
          Clocks <span className="count">{items.length}</span>
        </h2>
        {canWork && (canPause || canResume) && (
          <div className="section-actions">
            {canPause && (
              <button type="button" className="btn btn-small" disabled={busy !== null} onClick={() => void run('pause', () => incidentsApi.pauseClocks(incidentId))} title="Waiting on the constituent: legal deadlines keep running">
                {busy === 'pause' ? 'Pausing…' : 'Pause SLA'}
              </button>
            )}
            {canResume && (
              <button type="button" className="btn btn-small" disabled={busy !== null} onClick={() => void run('resume', () => incidentsApi.resumeClocks(incidentId))}>
                {busy === 'resume' ? 'Resuming…' : 'Resume SLA'}
              </button>
            )}
          </div>
        )}
      </div>
      <ErrorAlert error={clocks.error} title="The clocks could not be loaded" />
      <ErrorAlert error={error} />
      {clocks.loading && !clocks.data && <p className="muted flush">Loading…</p>}
      {clocks.data && items.length === 0 && <p className="muted flush">No SLA policy or regulation applies to this incident.</p>}
      <ul className="clock-list">
        {items.map((c) => {
          const { view, remaining } = clockAt(c, serverNow);
          const text =
            remaining === null
              ? `${view === 'met_late' ? 'Met late' : 'Met'} ${formatDateTime(c.metAt)}`
              : remaining <= 0
                ? `${formatCountdown(remaining)} overdue`
                : `${formatCountdown(remaining)} left`;
          const openRegulatory = c.source === 'regulatory' && !c.metAt;
          return (
            <li key={c.kind} className={`clock clock-${view}`} data-testid="incident-clock" data-kind={c.kind} data-status={view}>
              <span className="clock-label">{c.label}</span>
              <span className="clock-remaining" data-testid="clock-remaining" role={view === 'breached' ? undefined : 'timer'} aria-live="off">
                {text}
              </span>
              <div className="clock-meta">
                <span className="clock-status">{VIEW_LABELS[view]}</span>
                <span>{c.source === 'regulatory' ? 'Regulatory' : 'SLA'}</span>
                <span title={c.dueAt}>due {formatDateTime(c.dueAt)}</span>
                {canWork && openRegulatory && (
                  <button
                    type="button"
                    className="btn btn-small"
                    disabled={busy !== null}
                    aria-label={`Mark ${c.label} met`}
                    onClick={() => void run(c.kind, () => incidentsApi.markClockMet(incidentId, c.kind))}
                  >
                    {busy === c.kind ? 'Saving…' : 'Mark met'}
                  </button>
                )}
              </div>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
