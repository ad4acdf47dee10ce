import { useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import { REPORT_STATUSES, REPORT_STATUS_LABELS, reportsApi } from '../../api-reports';
import type { ReportDetail, ReportPatch, ReportStatus } from '../../api-reports';
import { ErrorAlert, Notice } from '../Alert';

const MAX_NOTE = 2000;

/** The report's status and the note its reporter reads on the public status page. */
export function ReportStatusForm({ report, onChanged }: { report: ReportDetail; onChanged: (next: ReportDetail) => void }) {
  const [status, setStatus] = useState<ReportStatus>(report.status);
  const [note, setNote] = useState(report.publicNote ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  // follow the report when it is reloaded or changed elsewhere (an incident was opened from it)
  useEffect(() => setStatus(report.status), [report.status]);
  useEffect(() => setNote(report.publicNote ?? ''), [report.publicNote]);

  const noteChanged = note.trim() !== (report.publicNote ?? '');
  const statusChanged = status !== report.status;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const patch: ReportPatch = {};
    if (statusChanged) patch.status = status;
    if (noteChanged) patch.publicNote = note.trim() || null;
    if (!Object.keys(patch).length) return;
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      onChanged(await reportsApi.update(report.id, patch));
      setSaved(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby="report-status-title" data-testid="report-status-form">
      <h2 id="report-status-title">Status</h2>
      <form className="stack" onSubmit={submit}>
        <div className="field">
          <label htmlFor="report-status-select">Status</label>
          <select
            id="report-status-select"
            value={status}
            onChange={(e) => {
              setStatus(e.target.value as ReportStatus);
              setSaved(false);
            }}
          >
            {REPORT_STATUSES.map((s) => (
              // "Linked" is what opening an incident does; it is offered by hand only once there is one
              <option key={s} value={s} disabled={s === 'linked' && !report.incidentId && report.status !== 'linked'}>
                {REPORT_STATUS_LABELS[s]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="report-public-note">Public note</label>
          <textarea
            id="report-public-note"
            rows={3}
            maxLength={MAX_NOTE}
            value={note}
            placeholder="Shown to the reporter on the status page"
            onChange={(e) => {
              setNote(e.target.value);
              setSaved(false);
            }}
          />
          <span className="small muted">The reporter sees this note with the status. Leave it empty to show none.</span>
        </div>
        <div className="form-actions">
          <button type="submit" className="btn btn-primary btn-small" disabled={busy || (!statusChanged && !noteChanged)}>
            {busy ? 'Saving…' : 'Save status'}
          </button>
        </div>
      </form>
      <ErrorAlert error={error} title="The report was not changed" />
      {saved && <Notice kind="success">Saved.</Notice>}
    </section>
  );
}
