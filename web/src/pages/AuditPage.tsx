import { useState } from 'react';
import { api } from '../api';
import type { AuditEntry } from '../api';
import { ErrorAlert } from '../components/Alert';
import { Pager } from '../components/Pager';
import { useUser } from '../auth';
import { formatDateTime } from '../format';
import { useLoad, useTitle } from '../hooks';
import { Link, href, useSearchParams } from '../router';

const PAGE_SIZE = 50;

function entityLink(e: AuditEntry) {
  if (!e.entityId) return <span className="muted">—</span>;
  if (e.entityType === 'organization') {
    return (
      <Link to={`/organizations/${encodeURIComponent(e.entityId)}`} className="mono">
        {e.entityId}
      </Link>
    );
  }
  return <span className="mono">{e.entityId}</span>;
}

export function AuditPage() {
  useTitle('Audit log');
  const user = useUser();
  const params = useSearchParams();
  const cursor = params.get('cursor') || null;
  const [open, setOpen] = useState<string | null>(null);
  const admin = user.role === 'admin';
  const log = useLoad(`audit:${cursor ?? ''}:${admin}`, (signal) =>
    admin ? api.audit({ limit: PAGE_SIZE, cursor: cursor ?? undefined }, signal) : Promise.resolve(null),
  );

  if (!admin) {
    return (
      <div className="page">
        <h1>Audit log</h1>
        <div className="alert alert-error" role="alert">
          Only administrators can read the audit log.
        </div>
      </div>
    );
  }

  const items = log.data?.items ?? [];
  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Audit log</h1>
          <p className="muted">Every change to the registry, newest first.</p>
        </div>
      </div>
      <ErrorAlert error={log.error} />
      <div className={log.loading && log.data ? 'table-wrap is-loading' : 'table-wrap'} aria-busy={log.loading}>
        <table className="table" data-testid="audit-table">
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Actor</th>
              <th scope="col">Action</th>
              <th scope="col">Entity</th>
              <th scope="col">ID</th>
              <th scope="col" className="actions">
                <span className="visually-hidden">Details</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((e) => {
              const key = String(e.seq);
              const expanded = open === key;
              return (
                <AuditRow key={key} entry={e} expanded={expanded} onToggle={() => setOpen(expanded ? null : key)} />
              );
            })}
            {!log.loading && !log.error && items.length === 0 && (
              <tr>
                <td colSpan={6} className="empty">
                  No audit entries.
                </td>
              </tr>
            )}
            {log.loading && !log.data && (
              <tr>
                <td colSpan={6} className="empty">
                  Loading…
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      <Pager
        label="Audit log pages"
        cursor={cursor}
        nextCursor={log.data?.nextCursor ?? null}
        loading={log.loading}
        hrefFor={(c) => href('/audit', { cursor: c })}
      />
    </div>
  );
}

function AuditRow({ entry: e, expanded, onToggle }: { entry: AuditEntry; expanded: boolean; onToggle: () => void }) {
  const hasChange = e.before != null || e.after != null;
  return (
    <>
      <tr data-testid="audit-row">
        <td title={e.at} className="nowrap">
          {formatDateTime(e.at, { seconds: true })}
        </td>
        <td>{e.actorLabel ?? e.actorId ?? <span className="muted">system</span>}</td>
        <td>
          <code className="action">{e.action}</code>
        </td>
        <td>{e.entityType}</td>
        <td>{entityLink(e)}</td>
        <td className="actions">
          {hasChange && (
            <button type="button" className="btn btn-small btn-ghost" aria-expanded={expanded} onClick={onToggle}>
              {expanded ? 'Hide' : 'Changes'}
            </button>
          )}
        </td>
      </tr>
      {expanded && (
        <tr className="detail-row">
          <td colSpan={6}>
            <div className="diff">
              <div>
                <div className="diff-label">Before</div>
                <pre>{e.before == null ? '—' : JSON.stringify(e.before, null, 2)}</pre>
              </div>
              <div>
                <div className="diff-label">After</div>
                <pre>{e.after == null ? '—' : JSON.stringify(e.after, null, 2)}</pre>
              </div>
            </div>
          </td>
        </tr>
      )}
    </>
  );
}
