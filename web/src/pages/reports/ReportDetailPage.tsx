import { useCallback, useState } from 'react';
import { ApiError } from '../../api';
import { reportCategoryLabel, reportsApi } from '../../api-reports';
import type { ReportAttachment, ReportDetail } from '../../api-reports';
import { ErrorAlert, Notice } from '../../components/Alert';
import { humanize } from '../../components/incidents/labels';
import '../../components/incidents/incidents.css';
import { OpenIncidentForm } from '../../components/reports/OpenIncidentForm';
import { IncidentLink, ReportStatusBadge } from '../../components/reports/ReportBadges';
import { ReportStatusForm } from '../../components/reports/ReportStatusForm';
import '../../components/reports/reports.css';
import { formatDateTime, plural } from '../../format';
import { useLoad, useTitle } from '../../hooks';
import { Link, href, useNavigate } from '../../router';

const LOOKUP_TYPES = new Set(['ipv4', 'ipv6', 'domain', 'url', 'email', 'asn']);

function size(bytes: number): string {
  if (bytes < 1024) return plural(bytes, 'byte');
  if (bytes < 1024 * 1024) return `${Math.ceil(bytes / 1024)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** The reporter's contact details, or "anonymous" when none were given. */
function Contact({ contact }: { contact: ReportDetail['contact'] }) {
  const given = contact && (contact.name || contact.email || contact.phone);
  return (
    <section className="card" aria-labelledby="report-contact-title" data-testid="report-contact">
      <h2 id="report-contact-title">Reporter</h2>
      {!given ? (
        <p className="muted flush">Anonymous: no contact details were given.</p>
      ) : (
        <dl className="kv">
          <dt>Name</dt>
          <dd>{contact.name || <span className="muted">—</span>}</dd>
          <dt>E-mail</dt>
          <dd>{contact.email ? <a href={`mailto:${contact.email}`}>{contact.email}</a> : <span className="muted">—</span>}</dd>
          <dt>Phone</dt>
          <dd>{contact.phone || <span className="muted">—</span>}</dd>
        </dl>
      )}
    </section>
  );
}

/**
 * Files from the public are downloaded, never shown: a plain link (with `download`) to an endpoint
 * that answers application/octet-stream as an attachment, in a sandbox.
 */
function Attachments({ reportId, attachments }: { reportId: string; attachments: ReportAttachment[] }) {
  return (
    <section className="card" aria-labelledby="report-attachments-title" data-testid="report-attachments">
      <h2 id="report-attachments-title">
        Attachments <span className="count">{attachments.length}</span>
      </h2>
      {attachments.length === 0 ? (
        <p className="muted flush">None.</p>
      ) : (
        <>
          <ul className="plain-list">
            {attachments.map((a) => (
              <li key={a.sha256} className="report-attachment" data-testid="report-attachment">
                <a href={reportsApi.attachmentUrl(reportId, a.sha256)} download={a.filename} rel="noopener noreferrer">
                  {a.filename}
                </a>
                <span className="small muted nowrap">{size(a.size)}</span>
                <span className="report-attachment-meta">
                  {a.sniffedType}
                  {a.declaredType && a.declaredType !== a.sniffedType && ` (declared ${a.declaredType})`} · SHA-256 <code>{a.sha256}</code>
                </span>
              </li>
            ))}
          </ul>
          <p className="small muted flush">Files come from the public and may be malicious: they are downloaded, never opened here.</p>
        </>
      )}
    </section>
  );
}

function Observables({ observables }: { observables: ReportDetail['observables'] }) {
  return (
    <section className="card" aria-labelledby="report-observables-title" data-testid="report-observables">
      <h2 id="report-observables-title">
        Observables <span className="count">{observables.length}</span>
      </h2>
      {observables.length === 0 ? (
        <p className="muted flush">None given or found.</p>
      ) : (
        <ul className="plain-list">
          {observables.map((o) => (
            <li key={`${o.type} ${o.value}`} className="observable" data-testid="report-observable">
              <span className="badge">{o.type}</span>
              <code>{o.value}</code>
              <span className="report-source">{o.source === 'given' ? 'given' : 'from the text'}</span>
              {LOOKUP_TYPES.has(o.type) && (
                <Link to={href('/lookup', { q: o.value })} className="small" aria-label={`Look up ${o.value}`}>
                  lookup
                </Link>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** One public report: what was reported, by whom, its files; its status; and the way into an incident. */
export function ReportDetailPage({ id }: { id: string }) {
  const navigate = useNavigate();
  const report = useLoad(`report:${id}`, (signal) => reportsApi.get(id, signal));
  const [notice, setNotice] = useState<string | null>(null);
  const notFound = report.error instanceof ApiError && report.error.status === 404;
  useTitle(notFound ? 'Report not found' : report.data ? `Report ${report.data.trackingCode}` : 'Report');

  const { setData, reload } = report;
  const changed = useCallback((next: ReportDetail) => setData(() => next), [setData]);
  const linkedMeanwhile = useCallback(() => {
    setNotice('An incident was opened from this report meanwhile; reloaded.');
    reload();
  }, [reload]);

  if (notFound) {
    return (
      <div className="page">
        <div className="empty-state" data-testid="report-not-found">
          <h1>Report not found</h1>
          <p className="muted">It may not exist.</p>
          <Link to="/reports" className="btn">
            Back to reports
          </Link>
        </div>
      </div>
    );
  }
  if (!report.data) {
    return (
      <div className="page">
        <ErrorAlert error={report.error} />
        {report.loading && <p className="muted">Loading…</p>}
      </div>
    );
  }

  const r = report.data;
  return (
    <div className="page">
      <nav className="breadcrumb" aria-label="Breadcrumb">
        <Link to="/reports">Reports</Link>
        <span aria-hidden="true">/</span>
        <span aria-current="page">{r.trackingCode}</span>
      </nav>
      <div className="page-head" data-testid="report-header">
        <div className="stack">
          <h1>
            Report <span className="report-code" data-testid="report-tracking-code">{r.trackingCode}</span>
          </h1>
          <div className="badges">
            <ReportStatusBadge status={r.status} />
          </div>
        </div>
      </div>

      <dl className="facts" data-testid="report-facts">
        <div>
          <dt>Category</dt>
          <dd data-testid="report-category">{reportCategoryLabel(r.category)}</dd>
        </div>
        <div>
          <dt>RSIT</dt>
          <dd data-testid="report-rsit">
            {humanize(r.rsit.taxonomy)} / {humanize(r.rsit.type)}
          </dd>
        </div>
        <div>
          <dt>Received</dt>
          <dd title={r.createdAt}>{formatDateTime(r.createdAt)}</dd>
        </div>
        <div>
          <dt>Updated</dt>
          <dd title={r.updatedAt}>{formatDateTime(r.updatedAt)}</dd>
        </div>
        <div>
          <dt>Incident</dt>
          <dd>{r.incidentId ? <IncidentLink id={r.incidentId} /> : <span className="muted">None</span>}</dd>
        </div>
      </dl>

      {notice && (
        <Notice kind="warning" testId="report-notice">
          {notice}
        </Notice>
      )}
      {report.error !== null && <ErrorAlert error={report.error} title="The report could not be reloaded" />}

      <div className="incident-layout">
        <div className="incident-col">
          <section className="card" aria-labelledby="report-description-title">
            <h2 id="report-description-title">Description</h2>
            {/* the reporter's words as text: React escapes them, nothing is interpreted as HTML */}
            {r.description ? (
              <p className="description" data-testid="report-description">
                {r.description}
              </p>
            ) : (
              <p className="muted flush">No description.</p>
            )}
          </section>
          <Observables observables={r.observables} />
          <Attachments reportId={r.id} attachments={r.attachments} />
          <Contact contact={r.contact} />
          <section className="card" aria-labelledby="report-sender-title">
            <h2 id="report-sender-title">Sent from</h2>
            <dl className="kv small">
              <dt>Address (hashed)</dt>
              <dd className="mono">{r.submitter.addressHash}</dd>
              <dt>Browser</dt>
              <dd>{r.submitter.userAgent || <span className="muted">—</span>}</dd>
            </dl>
          </section>
        </div>
        <div className="incident-col">
          {r.incidentId ? (
            <section className="card" aria-labelledby="report-linked-title" data-testid="report-linked">
              <h2 id="report-linked-title">Incident</h2>
              <p className="flush">
                This report is handled as incident <IncidentLink id={r.incidentId} />.
              </p>
            </section>
          ) : (
            <OpenIncidentForm report={r} onOpened={(inc) => navigate(`/incidents/${encodeURIComponent(inc.id)}`)} onAlreadyLinked={linkedMeanwhile} />
          )}
          <ReportStatusForm report={r} onChanged={changed} />
        </div>
      </div>
    </div>
  );
}
