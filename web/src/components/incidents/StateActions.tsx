import { useState } from 'react';
import { incidentsApi, invalidTransition, versionConflict } from '../../api-incidents';
import type { Incident, IncidentState } from '../../api-incidents';
import { ErrorAlert } from '../Alert';
import { STATE_LABELS, transitionLabel } from './labels';

const DANGER: readonly IncidentState[] = ['rejected', 'duplicate'];

/** One button per state the case may move to, with an optional reason; sends the version read. */
export function StateActions({
  incident,
  onChanged,
  onConflict,
}: {
  incident: Incident;
  onChanged: (next: Incident) => void;
  /** The incident changed meanwhile (or no longer allows the move): reload it. */
  onConflict: (message: string) => void;
}) {
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState<IncidentState | null>(null);
  const [error, setError] = useState<unknown>(null);
  const moves = incident.allowedTransitions;

  const move = async (to: IncidentState) => {
    setBusy(to);
    setError(null);
    try {
      const next = await incidentsApi.transition(incident.id, { to, version: incident.version, ...(reason.trim() ? { reason: reason.trim() } : {}) });
      setReason('');
      onChanged(next);
    } catch (err) {
      if (versionConflict(err)) onConflict('Someone else changed this incident; reloaded.');
      else if (invalidTransition(err)) onConflict(`This incident can no longer become ${STATE_LABELS[to] ?? to}; reloaded.`);
      else setError(err);
    } finally {
      setBusy(null);
    }
  };

  if (!moves.length) return null;
  return (
    <section className="card" aria-labelledby="state-actions-title" data-testid="state-actions">
      <h2 id="state-actions-title">Move to</h2>
      <div className="state-actions">
        <div className="field">
          <label htmlFor="transition-reason">Reason (optional)</label>
          <input id="transition-reason" maxLength={2000} value={reason} onChange={(e) => setReason(e.target.value)} placeholder="Shown on the timeline" />
        </div>
        {moves.map((to) => (
          <button
            key={to}
            type="button"
            className={DANGER.includes(to) ? 'btn btn-danger-ghost' : to === moves[0] ? 'btn btn-primary' : 'btn'}
            disabled={busy !== null}
            data-to={to}
            onClick={() => void move(to)}
          >
            {busy === to ? 'Saving…' : transitionLabel(incident.state, to)}
          </button>
        ))}
      </div>
      <ErrorAlert error={error} title="The state was not changed" />
    </section>
  );
}
