import { useState } from 'react';
import type { FormEvent } from 'react';
import type { Incident, Severity, Tlp } from '../../api-incidents';
import { alreadyLinked, reportsApi } from '../../api-reports';
import type { ReportDetail } from '../../api-reports';
import { ErrorAlert } from '../Alert';
import { SEVERITIES, SEVERITY_LABELS, TLPS, markingLabel } from '../incidents/labels';

/**
 * Turns the report into an incident: the case starts from the report's classification, description
 * and observables, and the constituency lookup finds the organization from the observables.
 */
export function OpenIncidentForm({
  report,
  onOpened,
  onAlreadyLinked,
}: {
  report: ReportDetail;
  onOpened: (incident: Incident) => void;
  /** Someone else opened one meanwhile: reload the report (it now links to that incident). */
  onAlreadyLinked: () => void;
}) {
  const [severity, setSeverity] = useState<Severity | ''>('');
  const [tlp, setTlp] = useState<Tlp>('amber');
  const [title, setTitle] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!severity) return;
    setBusy(true);
    setError(null);
    try {
      const incident = await reportsApi.openIncident(report.id, { severity, tlp, ...(title.trim() ? { title: title.trim() } : {}) });
      onOpened(incident);
    } catch (err) {
      setBusy(false);
      if (alreadyLinked(err)) onAlreadyLinked();
      else setError(err);
    }
  };

  return (
    <section className="card" aria-labelledby="open-incident-title">
      <h2 id="open-incident-title">Open incident</h2>
      <form className="stack" onSubmit={submit} data-testid="open-incident-form">
        <div className="field">
          <label htmlFor="from-report-severity">Severity</label>
          <select id="from-report-severity" required value={severity} onChange={(e) => setSeverity(e.target.value as Severity | '')}>
            <option value="" disabled>
              Choose…
            </option>
            {SEVERITIES.map((s) => (
              <option key={s} value={s}>
                {SEVERITY_LABELS[s]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="from-report-tlp">TLP</label>
          <select id="from-report-tlp" value={tlp} onChange={(e) => setTlp(e.target.value as Tlp)}>
            {TLPS.map((t) => (
              <option key={t} value={t}>
                {markingLabel('TLP', t)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="from-report-title">Title (optional)</label>
          <input id="from-report-title" maxLength={300} value={title} placeholder={`Public report ${report.trackingCode}: ${report.category}`} onChange={(e) => setTitle(e.target.value)} />
        </div>
        <p className="small muted flush">The organization is found from the report's observables through the constituency lookup.</p>
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={busy || !severity}>
            {busy ? 'Opening…' : 'Open incident'}
          </button>
        </div>
      </form>
      <ErrorAlert error={error} title="The incident was not opened" />
    </section>
  );
}
