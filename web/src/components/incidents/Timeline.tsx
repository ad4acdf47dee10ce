import { Fragment } from 'react';
import { incidentsApi } from '../../api-incidents';
import { formatDateTime } from '../../format';
import { useLoad } from '../../hooks';
import { Link } from '../../router';
import { ErrorAlert } from '../Alert';
import { describeEntry } from './timelineText';
import type { Names } from './timelineText';

/** Every change to the case, oldest first (newest last). */
export function Timeline({ incidentId, refresh, names }: { incidentId: string; refresh: string; names: Names }) {
  const timeline = useLoad(`timeline:${incidentId}:${refresh}`, (signal) => incidentsApi.timeline(incidentId, signal));
  const items = timeline.data ?? [];
  return (
    <section className="card" aria-labelledby="timeline-title" data-testid="incident-timeline">
      <h2 id="timeline-title">
        Timeline <span className="count">{items.length}</span>
      </h2>
      <ErrorAlert error={timeline.error} title="The timeline could not be loaded" />
      {timeline.loading && !timeline.data && <p className="muted flush">Loading…</p>}
      <ol className="timeline">
        {items.map((e) => {
          const { text, detail, link } = describeEntry(e, names);
          return (
            <li key={e.id} className={`timeline-entry kind-${e.kind}`} data-testid="timeline-entry" data-kind={e.kind}>
              <div className="timeline-text">
                {link
                  ? text.split('{ref}').map((part, i) => (
                      <Fragment key={i}>
                        {i > 0 && <Link to={`/incidents/${encodeURIComponent(link.id)}`}>{link.label}</Link>}
                        {part}
                      </Fragment>
                    ))
                  : text}
              </div>
              {detail && <div className="timeline-reason">{detail}</div>}
              <div className="timeline-meta">
                <time dateTime={e.at} title={e.at}>
                  {formatDateTime(e.at, { seconds: true })}
                </time>{' '}
                · {e.actorLabel}
              </div>
            </li>
          );
        })}
      </ol>
    </section>
  );
}
