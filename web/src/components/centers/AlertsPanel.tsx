import { useState } from 'react';
import { ApiError } from '../../api';
import { centersApi } from '../../api-centers';
import type { VigilAlert } from '../../api-centers';
import { formatDateTime, plural } from '../../format';
import { ErrorAlert } from '../Alert';
import { formatAge } from './time';

/** Unresolved alerts, newest first; open ones can be acknowledged. */
export function AlertsPanel({
  alerts,
  loading,
  error,
  now,
  onChanged,
}: {
  alerts: VigilAlert[];
  loading: boolean;
  error: unknown;
  now: number;
  onChanged: (updated: VigilAlert | null) => void;
}) {
  const [busy, setBusy] = useState<string | null>(null);
  const [ackError, setAckError] = useState<unknown>(null);
  const open = alerts.filter((a) => a.status === 'open').length;

  const acknowledge = async (a: VigilAlert) => {
    setBusy(a.id);
    setAckError(null);
    try {
      onChanged(await centersApi.acknowledge(a.id));
    } catch (err) {
      // resolved meanwhile (the center beat again): just reload
      if (err instanceof ApiError && (err.code === 'alert.resolved' || err.status === 404)) onChanged(null);
      else setAckError(err);
    } finally {
      setBusy(null);
    }
  };

  return (
    <section className="card" aria-labelledby="alerts-title" data-testid="alerts-panel">
      <h2 id="alerts-title">
        Alerts <span className="count">{alerts.length}</span>
        {open > 0 && <span className="badge alert-severity-critical badge-after">{plural(open, 'open alert')}</span>}
      </h2>
      <ErrorAlert error={error} title="The alerts could not be loaded" />
      <ErrorAlert error={ackError} title="The alert was not acknowledged" />
      <div className="table-wrap">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Severity</th>
              <th scope="col">Alert</th>
              <th scope="col">Raised</th>
              <th scope="col">Status</th>
              <th scope="col" className="actions">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {alerts.map((a) => (
              <tr key={a.id} data-testid="alert-row" data-alert-id={a.id}>
                <td>
                  <span className={`badge alert-severity-${a.severity}`}>{a.severity}</span>
                </td>
                <td className="strong">{a.subject}</td>
                <td title={a.createdAt}>{formatAge(a.createdAt, now)}</td>
                <td data-testid="alert-status">
                  {a.status === 'acknowledged' ? <span title={a.acknowledgedAt ?? undefined}>Acknowledged {formatDateTime(a.acknowledgedAt)}</span> : 'Open'}
                </td>
                <td className="actions">
                  {a.status === 'open' && (
                    <button type="button" className="btn btn-small" disabled={busy === a.id} aria-label={`Acknowledge: ${a.subject}`} onClick={() => void acknowledge(a)}>
                      {busy === a.id ? 'Acknowledging…' : 'Acknowledge'}
                    </button>
                  )}
                </td>
              </tr>
            ))}
            {!loading && !error && alerts.length === 0 && (
              <tr>
                <td colSpan={5} className="empty">
                  No open alerts.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </section>
  );
}
