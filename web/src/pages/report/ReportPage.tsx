import { useState } from 'react';
import type { FormEvent } from 'react';
import { ApiError } from '../../api';
import { ErrorAlert } from '../../components/Alert';
import { useTitle } from '../../hooks';
import { PublicShell } from './PublicShell';
import { ReceiptView } from './ReceiptView';
import { CATEGORIES, CHILD_ABUSE, LIMITS, reportApi } from './reportApi';
import type { Receipt } from './reportApi';
import type { Solved } from './pow';
import { usePow } from './usePow';

const POW_RETRY = new Set(['report.pow_expired', 'report.pow_reused', 'report.pow_invalid']);
const EMPTY = { category: '', description: '', observables: '', contactName: '', contactEmail: '', contactPhone: '', website: '' };

function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${Math.ceil(bytes / 1024)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function fileProblem(files: File[]): string | null {
  if (files.length > LIMITS.maxFiles) return `Attach at most ${LIMITS.maxFiles} files.`;
  const big = files.find((f) => f.size > LIMITS.maxFileBytes);
  if (big) return `"${big.name}" is larger than ${size(LIMITS.maxFileBytes)}.`;
  if (files.reduce((n, f) => n + f.size, 0) > LIMITS.maxTotalBytes) return `The files together are larger than ${size(LIMITS.maxTotalBytes)}.`;
  return null;
}

export function ReportPage() {
  useTitle('Report an incident');
  const pow = usePow();
  const [fields, setFields] = useState(EMPTY);
  const [files, setFiles] = useState<File[]>([]);
  const [fileKey, setFileKey] = useState(0);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [receipt, setReceipt] = useState<Receipt | null>(null);
  const isChildAbuse = fields.category === CHILD_ABUSE;
  const set = (name: keyof typeof EMPTY) => (e: { target: { value: string } }) => setFields((f) => ({ ...f, [name]: e.target.value }));

  const build = (solved: Solved) => {
    const form = new FormData();
    const { description, ...rest } = fields;
    for (const [k, v] of Object.entries(rest)) if (v !== '') form.append(k, v);
    if (!isChildAbuse) {
      if (description.trim()) form.append('description', description);
      for (const f of files) form.append('attachments', f, f.name);
    }
    form.append('powChallenge', solved.powChallenge);
    form.append('powNonce', solved.powNonce);
    return form;
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const problem = isChildAbuse ? null : fileProblem(files);
    if (problem) return setError(new Error(problem));
    setBusy(true);
    try {
      let result: Receipt;
      try {
        result = await reportApi.submit(build(await pow.take()));
      } catch (err) {
        // The challenge ran out or was used: solve a fresh one and send again, once.
        if (!(err instanceof ApiError && POW_RETRY.has(err.code))) throw err;
        result = await reportApi.submit(build(await pow.renew()));
      }
      setReceipt(result);
      window.scrollTo(0, 0);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
      void pow.renew().catch(() => undefined);
    }
  };

  const another = () => {
    setReceipt(null);
    setFields(EMPTY);
    setFiles([]);
    setFileKey((k) => k + 1);
  };

  if (receipt) {
    return (
      <PublicShell>
        <ReceiptView receipt={receipt} onAnother={another} />
      </PublicShell>
    );
  }

  const retryAfter = error instanceof ApiError && error.status === 429 ? error.retryAfter : null;
  return (
    <PublicShell>
      <form className="card report-card" onSubmit={submit} data-testid="report-form">
        <div>
          <h1>Report a cybersecurity incident</h1>
          <p className="muted">You do not need an account. You will get a tracking code and a secret to follow your report.</p>
        </div>
        <ErrorAlert error={error} title="The report was not sent" />
        {retryAfter && <p className="small">You can send again in about {Math.ceil(retryAfter / 60)} minute(s).</p>}

        <div className="field">
          <label htmlFor="report-category">What happened?</label>
          <select id="report-category" required value={fields.category} onChange={set('category')}>
            <option value="" disabled>
              Choose what fits best…
            </option>
            {CATEGORIES.map((c) => (
              <option key={c.key} value={c.key}>
                {c.label}
              </option>
            ))}
          </select>
        </div>

        {isChildAbuse && (
          <div className="alert alert-warning" role="alert" data-testid="child-abuse-note">
            <strong className="alert-title">Give only the web address.</strong>
            Do not download, copy, screenshot or attach such material. For this category we keep only the web addresses (URLs) you give and
            the report metadata; nothing else is stored. You may also report to your national hotline for illegal content.
          </div>
        )}

        {!isChildAbuse && (
          <div className="field">
            <label htmlFor="report-description">Describe what happened</label>
            <textarea id="report-description" rows={7} maxLength={LIMITS.maxDescription} value={fields.description} onChange={set('description')} placeholder="When did it happen, what did you see, what did you already do?" />
            <span className="small muted">Addresses, links and file hashes in your text are picked up automatically.</span>
          </div>
        )}

        <div className="field">
          <label htmlFor="report-observables">{isChildAbuse ? 'Web addresses (URLs), one per line' : 'Web addresses, IP addresses, e-mail addresses or file hashes (optional, one per line)'}</label>
          <textarea id="report-observables" className="mono" rows={4} value={fields.observables} onChange={set('observables')} placeholder={isChildAbuse ? 'https://…' : 'https://suspicious.example/login\n198.51.100.23'} />
          <span className="small muted">Defanged forms such as hxxp:// or example[.]com are fine.</span>
        </div>

        {!isChildAbuse && (
          <div className="field">
            <label htmlFor="report-files">Files (optional)</label>
            <input key={fileKey} id="report-files" type="file" multiple onChange={(e) => setFiles(Array.from(e.target.files ?? []))} />
            <span className="small muted">
              Up to {LIMITS.maxFiles} files, {size(LIMITS.maxFileBytes)} each — for example the suspicious e-mail saved as a file, or a screenshot.
              {files.length > 0 && ` Chosen: ${files.map((f) => `${f.name} (${size(f.size)})`).join(', ')}.`}
            </span>
          </div>
        )}

        <fieldset className="report-contact">
          <legend>How can we reach you? (optional)</legend>
          <p className="small muted">Leave these empty to report anonymously. We use them only to ask you about this report.</p>
          <div className="form-grid">
            <div className="field span-2">
              <label htmlFor="report-contact-name">Your name</label>
              <input id="report-contact-name" autoComplete="name" maxLength={200} value={fields.contactName} onChange={set('contactName')} />
            </div>
            <div className="field span-2">
              <label htmlFor="report-contact-email">Your e-mail address</label>
              <input id="report-contact-email" type="email" autoComplete="email" maxLength={254} value={fields.contactEmail} onChange={set('contactEmail')} />
            </div>
            <div className="field span-2">
              <label htmlFor="report-contact-phone">Your phone number</label>
              <input id="report-contact-phone" type="tel" autoComplete="tel" maxLength={40} value={fields.contactPhone} onChange={set('contactPhone')} />
            </div>
          </div>
        </fieldset>

        {/* For robots only: people never see this field; a report that fills it is refused. */}
        <div className="report-hp" aria-hidden="true">
          <label htmlFor="report-website">Leave this field empty</label>
          <input id="report-website" name="website" tabIndex={-1} autoComplete="off" value={fields.website} onChange={set('website')} />
        </div>

        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? (pow.ready ? 'Sending…' : 'Preparing…') : 'Send report'}
          </button>
          <span className="small muted" role="status" data-testid="report-pow-state">
            {pow.ready ? 'Ready to send.' : pow.problem ? 'Could not prepare the form; it will try again when you send.' : 'Preparing… (a short check that protects this form from abuse)'}
          </span>
        </div>
      </form>
    </PublicShell>
  );
}
