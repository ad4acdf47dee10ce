import type { BoardCenter, CenterStatus } from '../../api-centers';
import { plural } from '../../format';
import { formatAge, formatDuration } from './time';

export const STATUS_LABELS: Record<CenterStatus, string> = { up: 'Up', late: 'Late', silent: 'Silent', never: 'Never' };
const STATUS_HELP: Record<CenterStatus, string> = {
  up: 'Heartbeat received within the interval',
  late: 'Heartbeat overdue, not yet silent',
  silent: 'No heartbeat past the silence threshold: an alert was raised',
  never: 'No heartbeat received yet',
};

export function StatusBadge({ status }: { status: CenterStatus }) {
  return (
    <span className={`center-status center-${status}`} data-testid="center-status" data-status={status} title={STATUS_HELP[status]}>
      {STATUS_LABELS[status]}
    </span>
  );
}

/** One center on the board: status, last heartbeat, window, reach and who to call. */
export function CenterCard({ center: c, now }: { center: BoardCenter; now: number }) {
  const titleId = `center-card-${c.id}`;
  const report = c.lastReport;
  return (
    <article className={`center-card center-${c.status}`} aria-labelledby={titleId} data-testid="center-card" data-center-id={c.id}>
      <header>
        <h2 id={titleId}>{c.name}</h2>
        <StatusBadge status={c.status} />
      </header>
      {c.description && <p className="muted small">{c.description}</p>}
      <dl className="center-facts">
        <dt>Last heartbeat</dt>
        <dd title={c.lastHeartbeatAt ?? undefined} data-testid="center-last-heartbeat">
          {formatAge(c.lastHeartbeatAt, now)}
        </dd>
        <dt>Expected</dt>
        <dd>
          every {formatDuration(c.heartbeatIntervalSeconds)} · silent after {formatDuration(c.silentAfterSeconds)}
        </dd>
        <dt>Serves</dt>
        <dd>{plural(c.organizationCount, 'organization')}</dd>
        {report?.version && (
          <>
            <dt>Version</dt>
            <dd className="mono small">{report.version}</dd>
          </>
        )}
        {report?.queueDepth !== undefined && (
          <>
            <dt>Queue depth</dt>
            <dd>{report.queueDepth.toLocaleString()}</dd>
          </>
        )}
      </dl>
      {report?.message && <p className="center-message">{report.message}</p>}
      <div className="center-duty">
        <h3>24/7 duty contacts</h3>
        {c.dutyContacts.length === 0 ? (
          <p className="muted small">None registered{c.contactCount ? ` (${plural(c.contactCount, 'office-hours contact')})` : ''}.</p>
        ) : (
          <ul>
            {c.dutyContacts.map((d) => (
              <li key={d.id}>
                <span className="strong">{d.name}</span> <span className="muted">· {d.role}</span>
                <br />
                {d.phone && (
                  <>
                    <a href={`tel:${d.phone.replace(/[^+\d]/g, '')}`}>{d.phone}</a>
                    {' · '}
                  </>
                )}
                <a href={`mailto:${d.email}`}>{d.email}</a>
              </li>
            ))}
          </ul>
        )}
      </div>
    </article>
  );
}
