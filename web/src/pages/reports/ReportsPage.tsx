import { REPORT_CATEGORIES, REPORT_STATUSES, REPORT_STATUS_LABELS, reportCategoryLabel, reportsApi } from '../../api-reports';
import type { ReportStatus } from '../../api-reports';
import { ErrorAlert } from '../../components/Alert';
import { Pager } from '../../components/Pager';
import { IncidentLink, ReportStatusBadge } from '../../components/reports/ReportBadges';
import '../../components/reports/reports.css';
import { formatDateTime } from '../../format';
import { useLoad, useTitle } from '../../hooks';
import { Link, href, useNavigate, useSearchParams } from '../../router';
import { ListStatusRows } from '../../components/ListStatusRows';

const PAGE_SIZE = 50;

interface Filters {
  status: ReportStatus | '';
  category: string;
  cursor: string | null;
}

function queueHref(f: Filters): string {
  return href('/reports', { status: f.status, category: f.category, cursor: f.cursor });
}

function readFilters(params: URLSearchParams): Filters {
  const status = params.get('status') ?? '';
  const category = params.get('category') ?? '';
  return {
    status: (REPORT_STATUSES as readonly string[]).includes(status) ? (status as ReportStatus) : '',
    category: REPORT_CATEGORIES.some((c) => c.key === category) ? category : '',
    cursor: params.get('cursor') || null,
  };
}

/** Public reports waiting for an analyst: newest first, filtered by status and category. */
export function ReportsPage() {
  useTitle('Reports');
  const navigate = useNavigate();
  const filters = readFilters(useSearchParams());
  const key = queueHref(filters);
  const list = useLoad(key, (signal) => reportsApi.list({ ...filters, limit: PAGE_SIZE }, signal));

  const apply = (patch: Partial<Filters>) => navigate(queueHref({ ...filters, ...patch, cursor: null }));
  const filtered = Boolean(filters.status || filters.category);
  const items = list.data?.items ?? [];

  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Reports</h1>
          <p className="muted">Incident reports from the public: newest first. Open one to triage it or turn it into an incident.</p>
        </div>
      </div>

      <form className="toolbar" role="search" aria-label="Filter reports" onSubmit={(e) => e.preventDefault()}>
        <div className="field">
          <label htmlFor="reports-status">Status</label>
          <select id="reports-status" value={filters.status} onChange={(e) => apply({ status: e.target.value as Filters['status'] })}>
            <option value="">All statuses</option>
            {REPORT_STATUSES.map((s) => (
              <option key={s} value={s}>
                {REPORT_STATUS_LABELS[s]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="reports-category">Category</label>
          <select id="reports-category" value={filters.category} onChange={(e) => apply({ category: e.target.value })}>
            <option value="">All categories</option>
            {REPORT_CATEGORIES.map((c) => (
              <option key={c.key} value={c.key}>
                {c.label}
              </option>
            ))}
          </select>
        </div>
        {filtered && (
          <button type="button" className="btn btn-ghost" onClick={() => apply({ status: '', category: '' })}>
            Clear filters
          </button>
        )}
      </form>

      <ErrorAlert error={list.error} />

      <div className={list.loading && list.data ? 'table-wrap is-loading' : 'table-wrap'} aria-busy={list.loading}>
        <table className="table" data-testid="report-table">
          <thead>
            <tr>
              <th scope="col">Tracking code</th>
              <th scope="col">Received</th>
              <th scope="col">Category</th>
              <th scope="col">Status</th>
              <th scope="col" className="num">
                Observables
              </th>
              <th scope="col" className="num">
                Attachments
              </th>
              <th scope="col">Incident</th>
            </tr>
          </thead>
          <tbody>
            {items.map((r) => (
              <tr key={r.id} data-testid="report-row" data-report-id={r.id}>
                <td>
                  <Link to={`/reports/${encodeURIComponent(r.id)}`} className="strong-link report-code">
                    {r.trackingCode}
                  </Link>
                </td>
                <td className="nowrap" title={r.createdAt}>
                  {formatDateTime(r.createdAt)}
                </td>
                <td>
                  {reportCategoryLabel(r.category)}
                  {r.descriptionPreview && (
                    <span className="report-preview" title={r.descriptionPreview}>
                      {r.descriptionPreview}
                    </span>
                  )}
                </td>
                <td>
                  <ReportStatusBadge status={r.status} />
                </td>
                <td className="num">{r.observableCount}</td>
                <td className="num">{r.attachmentCount}</td>
                <td>{r.incidentId ? <IncidentLink id={r.incidentId} /> : <span className="muted">—</span>}</td>
              </tr>
            ))}
            <ListStatusRows colSpan={7} loading={list.loading} hasData={!!list.data} hasError={!!list.error} count={items.length} empty={filtered ? 'No reports match these filters.' : 'No reports yet.'} />
          </tbody>
        </table>
      </div>

      <Pager
        label="Report pages"
        cursor={filters.cursor}
        nextCursor={list.data?.nextCursor ?? null}
        loading={list.loading}
        hrefFor={(cursor) => queueHref({ ...filters, cursor })}
      />
    </div>
  );
}
