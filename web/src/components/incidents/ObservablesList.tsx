import type { Observable } from '../../api-incidents';
import { Link, href } from '../../router';

const LOOKUP_TYPES = new Set(['ipv4', 'ipv6', 'domain', 'url', 'email', 'asn']);

/** The case's indicators; network ones link to the constituency lookup. */
export function ObservablesList({ observables }: { observables: Observable[] }) {
  return (
    <section className="card" aria-labelledby="observables-title" data-testid="incident-observables">
      <h2 id="observables-title">
        Observables <span className="count">{observables.length}</span>
      </h2>
      {observables.length === 0 ? (
        <p className="muted flush">None recorded.</p>
      ) : (
        <ul className="plain-list">
          {observables.map((o) => (
            <li key={`${o.type} ${o.value}`} className="observable" data-testid="observable">
              <span className="badge">{o.type}</span>
              <code>{o.value}</code>
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
