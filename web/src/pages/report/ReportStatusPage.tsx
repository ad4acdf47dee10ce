import { useState } from 'react';
import type { FormEvent } from 'react';
import { ApiError } from '../../api';
import { ErrorAlert } from '../../components/Alert';
import { formatDateTime } from '../../format';
import { useTitle } from '../../hooks';
import { useSearchParams } from '../../router';
import { PublicShell } from './PublicShell';
import { STATUS_LABELS, categoryLabel, reportApi } from './reportApi';
import type { PublicStatus } from './reportApi';

function problemOf(err: unknown): unknown {
  if (err instanceof ApiError && err.code === 'report.not_found') return new Error('No report matches this tracking code and secret. Check both and try again.');
  if (err instanceof ApiError && err.status === 429 && err.retryAfter) {
    return new Error(`Too many attempts from your connection. Try again in about ${Math.ceil(err.retryAfter / 60)} minute(s).`);
  }
  return err;
}

export function ReportStatusPage() {
  useTitle('Follow a report');
  const params = useSearchParams();
  const [code, setCode] = useState(() => params.get('code') ?? '');
  const [secret, setSecret] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [status, setStatus] = useState<PublicStatus | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setStatus(null);
    try {
      setStatus(await reportApi.status(code.trim(), secret.trim()));
    } catch (err) {
      setError(problemOf(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <PublicShell>
      <form className="card report-card" onSubmit={submit} data-testid="report-status-form">
        <div>
          <h1>Follow a report</h1>
          <p className="muted">Enter the tracking code and the secret you received when you sent the report.</p>
        </div>
        <ErrorAlert error={error} />
        <div className="form-grid">
          <div className="field span-2">
            <label htmlFor="status-code">Tracking code</label>
            <input id="status-code" className="mono" required autoComplete="off" placeholder="VR-XXXX-XXXX" maxLength={64} value={code} onChange={(e) => setCode(e.target.value)} />
          </div>
          <div className="field span-2">
            <label htmlFor="status-secret">Secret</label>
            <input id="status-secret" className="mono" type="password" required autoComplete="off" maxLength={128} value={secret} onChange={(e) => setSecret(e.target.value)} />
          </div>
        </div>
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? 'Looking…' : 'Show status'}
          </button>
        </div>
      </form>
      {status && (
        <section className="card report-card" aria-labelledby="status-title" data-testid="report-status">
          <h2 id="status-title">
            Report <span className="mono">{status.trackingCode}</span>
          </h2>
          <dl className="report-facts">
            <dt>Status</dt>
            <dd>
              <span className={`badge report-status report-status-${status.status}`} data-testid="report-status-value">
                {STATUS_LABELS[status.status]}
              </span>
            </dd>
            <dt>Category</dt>
            <dd>{categoryLabel(status.category)}</dd>
            <dt>Received</dt>
            <dd>{formatDateTime(status.createdAt)}</dd>
            <dt>Last change</dt>
            <dd>{formatDateTime(status.updatedAt)}</dd>
          </dl>
          {status.publicNote && (
            <div className="alert alert-info" data-testid="report-public-note">
              <strong className="alert-title">Message from the CERT</strong>
              {status.publicNote}
            </div>
          )}
        </section>
      )}
    </PublicShell>
  );
}
