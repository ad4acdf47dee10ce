import { useState } from 'react';
import { pipelineApi } from '../../api-pipeline';
import { useUser } from '../../auth';
import { ErrorAlert } from '../../components/Alert';
import { Pager } from '../../components/Pager';
import { OrganizationFilter } from '../../components/incidents/OrganizationFilter';
import { formatDateTime } from '../../format';
import { useLoad, useTitle } from '../../hooks';
import { href, useNavigate, useSearchParams } from '../../router';
import { DigestSchedulePanel } from './DigestSchedulePanel';

/** The notifications log: what each digest sent to whom, with delivery status; and the organization's schedule. */
export function NotificationsLogPage() {
  useTitle('Notifications log');
  const user = useUser();
  const params = useSearchParams();
  const navigate = useNavigate();
  const organizationId = params.get('organizationId') ?? (user.role === 'constituent' ? (user.organizationId ?? '') : '');
  const cursor = params.get('cursor');
  const [tick, setTick] = useState(0);
  const list = useLoad(`deliveries:${organizationId}:${cursor ?? ''}:${tick}`, (signal) => pipelineApi.deliveries({ organizationId, cursor }, signal));
  const canEdit = user.role === 'admin' || user.role === 'analyst';
  const items = list.data?.items ?? [];

  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Notifications log</h1>
          <p className="muted">Digests sent to organizations: who got what, when, and whether it arrived.</p>
        </div>
        <button type="button" className="btn" onClick={() => setTick((n) => n + 1)}>
          Refresh
        </button>
      </div>
      {user.role !== 'constituent' && (
        <div className="toolbar">
          <OrganizationFilter id="log-org" value={organizationId} onChange={(id) => navigate(href('/pipeline/notifications', { organizationId: id }))} />
        </div>
      )}
      {organizationId && <DigestSchedulePanel key={organizationId} organizationId={organizationId} canEdit={canEdit} onSent={() => window.setTimeout(() => setTick((n) => n + 1), 1500)} />}
      <ErrorAlert error={list.error} />
      <div className="table-wrap" aria-busy={list.loading}>
        <table className="table" data-testid="deliveries-table">
          <thead>
            <tr>
              <th scope="col">Queued</th>
              <th scope="col">Organization</th>
              <th scope="col">Period</th>
              <th scope="col">Channel</th>
              <th scope="col">Recipient</th>
              <th scope="col">Events</th>
              <th scope="col">Attachment SHA-256</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {items.map((d) => (
              <tr key={d.id} data-testid="delivery-row">
                <td className="nowrap">{formatDateTime(d.queuedAt, { seconds: true })}</td>
                <td>{d.organization.name ?? d.organization.id}</td>
                <td className="nowrap">
                  {formatDateTime(d.periodStart)} – {formatDateTime(d.periodEnd)}
                </td>
                <td>
                  {d.channel}
                  {d.isSigned && <span className="muted"> (OpenPGP)</span>}
                </td>
                <td data-testid="delivery-recipient">{d.recipient}</td>
                <td>{d.eventCount}</td>
                <td className="mono" title={d.attachmentSha256 ?? ''}>
                  {d.attachmentSha256 ? `${d.attachmentSha256.slice(0, 12)}…` : '—'}
                </td>
                <td data-testid="delivery-status" title={d.lastError ?? ''}>
                  {d.status}
                  {d.sentAt && <span className="muted"> {formatDateTime(d.sentAt, { seconds: true })}</span>}
                </td>
              </tr>
            ))}
            {!list.loading && !list.error && items.length === 0 && (
              <tr>
                <td colSpan={8} className="empty">
                  Nothing sent yet.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      <Pager label="Log pages" cursor={cursor} nextCursor={list.data?.nextCursor ?? null} loading={list.loading} hrefFor={(c) => href('/pipeline/notifications', { organizationId, cursor: c })} />
    </div>
  );
}
