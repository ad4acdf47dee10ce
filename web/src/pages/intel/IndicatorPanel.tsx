import { intelApi } from '../../api-intel';
import type { Seen, StixRecord } from '../../api-intel';
import { ErrorAlert } from '../../components/Alert';
import { plural } from '../../format';
import { useLoad } from '../../hooks';
import { Link, href } from '../../router';
import { intelHref } from './labels';

const MATCH_LABELS: Record<string, string> = { exact: 'same value', range: 'address in range', domain: 'domain under domain' };

function targetLink(kind: 'incident' | 'event', targetId: string, matched: string, observableKind: string) {
  if (kind === 'incident') return <Link to={`/incidents/${encodeURIComponent(targetId)}`}>Incident {targetId.slice(0, 8)}</Link>;
  const ip = observableKind === 'ipv4' || observableKind === 'ipv6';
  return ip ? <Link to={href('/pipeline/events', { ip: matched })}>Event {targetId.slice(0, 8)}</Link> : <span className="mono small">Event {targetId.slice(0, 8)}</span>;
}

function SeenTable({ kind, seen }: { kind: 'incident' | 'event'; seen: Seen }) {
  const title = kind === 'incident' ? 'Incidents' : 'Events';
  return (
    <div data-testid={`intel-seen-${kind}s`} data-total={seen.total} data-over={seen.overCorrelated}>
      <h3 className="small">
        {title} <span className="count">{seen.total}</span>
      </h3>
      {seen.overCorrelated && (
        <div className="alert alert-warning" role="alert" data-testid={`intel-over-correlated-${kind}`}>
          Over-correlated: this indicator matches {plural(seen.total, kind)}; only the first {seen.samples.length} are kept. It is probably too broad to act on.
        </div>
      )}
      {seen.samples.length === 0 ? (
        <p className="muted flush">Not seen in any {kind}.</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Where</th>
              <th scope="col">Observable</th>
              <th scope="col">Matched</th>
              <th scope="col">How</th>
            </tr>
          </thead>
          <tbody>
            {seen.samples.map((s) => (
              <tr key={`${s.targetId}:${s.kind}:${s.value}:${s.matched}`} data-testid="intel-seen-row">
                <td>{targetLink(kind, s.targetId, s.matched, s.kind)}</td>
                <td className="mono small">
                  {s.kind}: {s.value}
                </td>
                <td className="mono small">{s.matched}</td>
                <td>{MATCH_LABELS[s.match] ?? s.match}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

/** The indicator part of an object page: pattern, extracted observables, where it was seen. */
export function IndicatorPanel({ record }: { record: StixRecord }) {
  const observables = useLoad(`intel-obs:${record.id}`, (signal) => intelApi.observables(record.id, signal));
  const sightings = useLoad(`intel-seen:${record.id}`, (signal) => intelApi.sightings(record.id, signal));
  const o = record.object;
  const pattern = typeof o.pattern === 'string' ? o.pattern : null;
  const items = observables.data?.items ?? [];
  const seen = sightings.data;

  return (
    <>
      <section className="card" aria-labelledby="intel-pattern-title">
        <h2 id="intel-pattern-title">Pattern</h2>
        {pattern ? (
          <pre className="intel-pattern" data-testid="intel-pattern">
            {pattern}
          </pre>
        ) : (
          <p className="muted flush">No pattern.</p>
        )}
        <dl className="facts facts-inline">
          <div>
            <dt>Pattern type</dt>
            <dd>{typeof o.pattern_type === 'string' ? o.pattern_type : '—'}</dd>
          </div>
          <div>
            <dt>Valid from</dt>
            <dd>{typeof o.valid_from === 'string' ? o.valid_from : '—'}</dd>
          </div>
          {typeof o.valid_until === 'string' && (
            <div>
              <dt>Valid until</dt>
              <dd>{o.valid_until}</dd>
            </div>
          )}
        </dl>
        <h3 className="small">
          Extracted observables <span className="count">{items.length}</span>
        </h3>
        <ErrorAlert error={observables.error} />
        {items.length === 0 && !observables.loading ? (
          <p className="muted flush">Nothing could be extracted for correlation (only simple comparisons are).</p>
        ) : (
          <ul className="intel-observables" data-testid="intel-observables">
            {items.map((x) => (
              <li key={`${x.kind}:${x.value}`} data-testid="intel-observable">
                <span className="badge">{x.kind}</span> <span className="mono">{x.value}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section className="card" aria-labelledby="intel-seen-title">
        <h2 id="intel-seen-title">Sightings and correlations</h2>
        <ErrorAlert error={sightings.error} />
        {sightings.loading && !seen && <p className="muted flush">Loading…</p>}
        {seen && (
          <>
            <SeenTable kind="incident" seen={seen.incidents} />
            <SeenTable kind="event" seen={seen.events} />
            <h3 className="small">
              STIX sightings <span className="count">{seen.stixSightings.length}</span>
            </h3>
            {seen.stixSightings.length === 0 ? (
              <p className="muted flush">No sighting objects.</p>
            ) : (
              <ul className="intel-id-list">
                {seen.stixSightings.map((s) => (
                  <li key={s.id}>
                    <Link to={intelHref(s.id)} className="mono small">
                      {s.id}
                    </Link>
                  </li>
                ))}
              </ul>
            )}
          </>
        )}
      </section>
    </>
  );
}
