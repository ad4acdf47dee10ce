import { useState } from 'react';
import { pipelineApi } from '../../api-pipeline';
import type { Feed, FeedQueueStatus } from '../../api-pipeline';
import { useUser } from '../../auth';
import { ErrorAlert, Notice } from '../../components/Alert';
import { formatAge, formatDuration } from '../../components/centers/time';
import { formatDateTime } from '../../format';
import { useLoad, useTitle } from '../../hooks';
import { Link } from '../../router';
import { FeedForm } from './FeedForm';

const rate = (n: number | null) => (n === null ? '—' : n >= 1000 ? `${(n / 1000).toFixed(1)}k/s` : `${Math.round(n)}/s`);

/** Feeds with their live status: last run, reports, events, events/s, errors, queue depth and lag. */
export function FeedsPage() {
  useTitle('Feeds');
  const user = useUser();
  const canEdit = user.role === 'admin' || user.role === 'analyst';
  const [editing, setEditing] = useState<Feed | 'new' | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const feeds = useLoad('feeds', (signal) => pipelineApi.feeds(signal));
  const queue = useLoad(`feed-status:${feeds.data?.length ?? 0}`, (signal) => pipelineApi.feedStatus(signal));
  const byFeed = new Map<string, FeedQueueStatus>((queue.data ?? []).map((q) => [q.feedId, q]));
  const now = Date.now();
  const refresh = () => {
    feeds.reload();
    queue.reload();
  };

  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Feeds</h1>
          <p className="muted">Where security events come from, and how each feed is doing.</p>
        </div>
        <div className="row">
          <button type="button" className="btn" onClick={refresh}>
            Refresh
          </button>
          {canEdit && !editing && (
            <button type="button" className="btn btn-primary" onClick={() => setEditing('new')}>
              New feed
            </button>
          )}
        </div>
      </div>
      {saved && <Notice kind="success" testId="feed-saved">{saved}</Notice>}
      {editing && (
        <FeedForm
          feed={editing === 'new' ? undefined : editing}
          onCancel={() => setEditing(null)}
          onDone={(f) => {
            setEditing(null);
            setSaved(f.kind === 'drop' ? `Feed ${f.name} saved. Put report files into <data dir>/drop/${f.name}/.` : `Feed ${f.name} saved.`);
            refresh();
          }}
        />
      )}
      <ErrorAlert error={feeds.error ?? queue.error} />
      <div className="table-wrap" aria-busy={feeds.loading}>
        <table className="table" data-testid="feeds-table">
          <thead>
            <tr>
              <th scope="col">Feed</th>
              <th scope="col">Kind</th>
              <th scope="col">Last run</th>
              <th scope="col">Reports</th>
              <th scope="col">Events</th>
              <th scope="col">Events/s</th>
              <th scope="col">Errors</th>
              <th scope="col">Queue</th>
              <th scope="col">Lag</th>
              <th scope="col" aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {(feeds.data ?? []).map((f) => {
              const q = byFeed.get(f.id);
              return (
                <tr key={f.id} data-testid="feed-row" data-feed-name={f.name}>
                  <td>
                    <strong>{f.name}</strong>
                    {!f.isEnabled && <span className="muted"> (disabled)</span>}
                    <div className="muted">
                      {f.format.toUpperCase()} · TLP:{f.tlp.toUpperCase()}
                      {f.status.lastError && <span title={f.status.lastError}> · last error</span>}
                    </div>
                  </td>
                  <td>{f.kind}</td>
                  <td className="nowrap" title={formatDateTime(f.status.lastRunAt, { seconds: true })}>
                    {f.status.lastRunAt ? formatAge(f.status.lastRunAt, now) : <span className="muted">never</span>}
                  </td>
                  <td data-testid="feed-reports">{f.status.reports}</td>
                  <td data-testid="feed-events">{f.status.events}</td>
                  <td>{rate(f.status.lastReportEventsPerSec)}</td>
                  <td>
                    {f.status.errors > 0 ? <Link to={`/pipeline/feeds/${encodeURIComponent(f.id)}/errors`}>{f.status.errors}</Link> : 0}
                  </td>
                  <td>
                    {q ? q.queueChunks : 0}
                    {q && q.deadChunks > 0 && <span className="muted"> ({q.deadChunks} dead)</span>}
                  </td>
                  <td>{q && q.lagSeconds > 0 ? formatDuration(q.lagSeconds) : '—'}</td>
                  <td className="nowrap">
                    <Link to={`/pipeline/events?feedId=${encodeURIComponent(f.id)}`}>Events</Link>
                    {' · '}
                    <Link to={`/pipeline/feeds/${encodeURIComponent(f.id)}/errors`}>Errors</Link>
                    {canEdit && (
                      <>
                        {' · '}
                        <button type="button" className="btn btn-ghost btn-small" onClick={() => setEditing(f)}>
                          Edit
                        </button>
                      </>
                    )}
                  </td>
                </tr>
              );
            })}
            {!feeds.loading && !feeds.error && (feeds.data ?? []).length === 0 && (
              <tr>
                <td colSpan={10} className="empty">
                  No feeds yet.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </div>
  );
}
