import { pipelineApi } from '../../api-pipeline';
import { ErrorAlert } from '../../components/Alert';
import { Pager } from '../../components/Pager';
import { formatDateTime } from '../../format';
import { useLoad, useTitle } from '../../hooks';
import { Link, href, useSearchParams } from '../../router';
import { DeadChunksPanel } from './DeadChunksPanel';

/** A feed's error log: each bad line with its number, code, field, message and an excerpt. */
export function FeedErrorsPage({ id }: { id: string }) {
  const params = useSearchParams();
  const cursor = params.get('cursor');
  const feed = useLoad(`feed:${id}`, (signal) => pipelineApi.feed(id, signal));
  const list = useLoad(`feed-errors:${id}:${cursor ?? ''}`, (signal) => pipelineApi.feedErrors(id, cursor, signal));
  useTitle(feed.data ? `Errors of ${feed.data.name}` : 'Feed errors');
  const items = list.data?.items ?? [];
  const path = `/pipeline/feeds/${encodeURIComponent(id)}/errors`;

  return (
    <div className="page">
      <div className="page-head">
        <div>
          <p className="muted">
            <Link to="/pipeline/feeds">Feeds</Link> /
          </p>
          <h1>Errors of {feed.data?.name ?? '…'}</h1>
          <p className="muted">Lines that did not become events, newest first; the rest of each report went on.</p>
        </div>
      </div>
      <ErrorAlert error={feed.error ?? list.error} />
      <DeadChunksPanel feedId={id} />
      <div className="table-wrap" aria-busy={list.loading}>
        <table className="table" data-testid="feed-errors-table">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Line</th>
              <th scope="col">Code</th>
              <th scope="col">Field</th>
              <th scope="col">Message</th>
              <th scope="col">Excerpt</th>
            </tr>
          </thead>
          <tbody>
            {items.map((e) => (
              <tr key={e.id} data-testid="feed-error-row">
                <td className="nowrap">{formatDateTime(e.createdAt, { seconds: true })}</td>
                <td>{e.line ?? '—'}</td>
                <td>
                  <code>{e.code}</code>
                </td>
                <td>{e.field ? <code>{e.field}</code> : '—'}</td>
                <td>{e.message}</td>
                <td>{e.excerpt ? <code className="mono">{e.excerpt}</code> : '—'}</td>
              </tr>
            ))}
            {!list.loading && !list.error && items.length === 0 && (
              <tr>
                <td colSpan={6} className="empty">
                  No errors.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      <Pager label="Error pages" cursor={cursor} nextCursor={list.data?.nextCursor ?? null} loading={list.loading} hrefFor={(c) => href(path, { cursor: c })} />
    </div>
  );
}
