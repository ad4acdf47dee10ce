import { useState } from 'react';
import { incidentsApi, versionConflict } from '../../api-incidents';
import type { Incident } from '../../api-incidents';
import { plural } from '../../format';
import { useLoad } from '../../hooks';
import { Link } from '../../router';
import { ErrorAlert } from '../Alert';
import { SeverityBadge, StateBadge } from './Badges';

const ENDED = ['closed', 'rejected', 'duplicate', 'merged'];

/** Incidents sharing observables with this one; this one can be merged into any of them. */
export function RelatedPanel({
  incident,
  refresh,
  canWork,
  onChanged,
  onConflict,
}: {
  incident: Incident;
  refresh: string;
  canWork: boolean;
  onChanged: (next: Incident) => void;
  onConflict: (message: string) => void;
}) {
  const related = useLoad(`related:${incident.id}:${refresh}`, (signal) => incidentsApi.related(incident.id, signal));
  const [confirming, setConfirming] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const mergeable = canWork && !ENDED.includes(incident.state);

  const merge = async (into: string) => {
    setBusy(true);
    setError(null);
    try {
      onChanged(await incidentsApi.merge(incident.id, { into, version: incident.version }));
      setConfirming(null);
    } catch (err) {
      if (versionConflict(err)) {
        setConfirming(null);
        onConflict('Someone else changed this incident; reloaded.');
      } else setError(err);
    } finally {
      setBusy(false);
    }
  };

  const items = related.data ?? [];
  return (
    <section className="card" aria-labelledby="related-title" data-testid="incident-related">
      <h2 id="related-title">
        Related incidents <span className="count">{items.length}</span>
      </h2>
      <ErrorAlert error={related.error} title="Related incidents could not be loaded" />
      <ErrorAlert error={error} title="The incidents were not merged" />
      {related.data && items.length === 0 && <p className="muted flush">No other incident shares an observable with this one.</p>}
      <div>
        {items.map((r) => (
          <div key={r.id} className="related-row" data-testid="related-incident">
            <div className="related-head">
              <Link to={`/incidents/${encodeURIComponent(r.id)}`} className="incident-ref">
                {r.ref}
              </Link>
              <SeverityBadge severity={r.severity} />
              <StateBadge state={r.state} />
              {mergeable && !ENDED.includes(r.state) && confirming !== r.id && (
                <button type="button" className="btn btn-small" onClick={() => setConfirming(r.id)} aria-label={`Merge into ${r.ref}…`}>
                  Merge into…
                </button>
              )}
              {confirming === r.id && (
                <span className="confirm">
                  <button type="button" className="btn btn-small btn-danger" disabled={busy} onClick={() => void merge(r.id)}>
                    {busy ? 'Merging…' : `Merge ${incident.ref} into ${r.ref}`}
                  </button>
                  <button type="button" className="btn btn-small btn-ghost" disabled={busy} onClick={() => setConfirming(null)}>
                    Cancel
                  </button>
                </span>
              )}
            </div>
            <div className="strong">{r.title}</div>
            <div className="muted small">
              Shares {plural(r.shared, 'observable')}: {r.observables.slice(0, 5).join(', ')}
              {r.observables.length > 5 ? ', …' : ''}
            </div>
          </div>
        ))}
      </div>
    </section>
  );
}
