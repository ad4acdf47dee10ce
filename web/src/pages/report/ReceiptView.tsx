import { Link } from '../../router';
import { CopyField } from './CopyField';
import type { Receipt } from './reportApi';

/** What the reporter sees once: the tracking code and the secret. */
export function ReceiptView({ receipt, onAnother }: { receipt: Receipt; onAnother: () => void }) {
  const statusLink = `/report/status?code=${encodeURIComponent(receipt.trackingCode)}`;
  return (
    <section className="card report-card" aria-labelledby="receipt-title" data-testid="report-receipt">
      <h1 id="receipt-title">Thank you — your report was received</h1>
      {receipt.notice && (
        <div className="alert alert-info" role="status" data-testid="report-notice">
          {receipt.notice}
        </div>
      )}
      <div className="secret-box">
        <p className="secret-warning">Store the tracking code and the secret now. The secret is shown only this once and cannot be recovered.</p>
        <CopyField label="Tracking code" value={receipt.trackingCode} testId="report-tracking-code" />
        <CopyField label="Secret" value={receipt.secret} testId="report-secret" />
        <p className="small secret-meta">With both you can follow the status of your report. Anyone who has both can see the status (never the content).</p>
      </div>
      {receipt.observablesTruncated && <p className="small muted">Your text contained many addresses; only the first {receipt.observables} were kept.</p>}
      <div className="form-actions">
        <Link to={statusLink} className="btn btn-primary">
          Follow this report
        </Link>
        <button type="button" className="btn btn-ghost" onClick={onAnother}>
          File another report
        </button>
      </div>
    </section>
  );
}
