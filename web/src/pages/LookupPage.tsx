import { useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import { api } from '../api';
import type { LookupKind, LookupResult } from '../api';
import { ErrorAlert, Notice } from '../components/Alert';
import { ASSET_TYPE_LABELS } from '../format';
import { useLoad, useTitle } from '../hooks';
import { Link, href, useNavigate, useSearchParams } from '../router';

const KIND_LABELS: Record<LookupKind, string> = {
  ipv4: 'IPv4 address',
  ipv6: 'IPv6 address',
  cidr: 'Network (CIDR)',
  asn: 'AS number',
  domain: 'Domain',
  url: 'URL',
  email: 'E-mail address',
};

const MATCH_LABELS: Record<string, string> = {
  prefix: 'Network prefix',
  asn: 'AS number',
  domain: 'Domain',
  email_domain: 'E-mail domain',
};

export function LookupPage() {
  useTitle('Lookup');
  const params = useSearchParams();
  const navigate = useNavigate();
  const q = params.get('q') ?? '';
  const [input, setInput] = useState(q);
  useEffect(() => setInput(q), [q]);

  const lookup = useLoad<LookupResult | null>(`lookup:${q}`, (signal) =>
    q.trim() ? api.lookup(q.trim(), signal) : Promise.resolve(null),
  );

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const value = input.trim();
    if (!value) return;
    if (value === q) lookup.reload();
    else navigate(href('/lookup', { q: value }));
  };

  const result = q.trim() && !lookup.error ? lookup.data : null;

  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Lookup</h1>
          <p className="muted">Who owns an IP address, network, AS number, domain, URL or e-mail address?</p>
        </div>
      </div>

      <form className="toolbar lookup-form" role="search" aria-label="Owner lookup" onSubmit={submit}>
        <div className="field field-grow">
          <label htmlFor="lookup-q">IP, CIDR, ASN, domain, URL or e-mail</label>
          <input
            id="lookup-q"
            className="mono"
            autoFocus
            autoComplete="off"
            spellCheck={false}
            placeholder="192.0.2.10, AS64496, https://www.example.org/login, abuse@example.org"
            value={input}
            onChange={(e) => setInput(e.target.value)}
          />
        </div>
        <button type="submit" className="btn btn-primary" disabled={lookup.loading && Boolean(q)}>
          Look up
        </button>
      </form>

      {q.trim() !== '' && <ErrorAlert error={lookup.error} />}
      {q.trim() !== '' && lookup.loading && !result && <p className="muted">Looking up…</p>}

      {result && (
        <section
          className={lookup.loading ? 'card is-loading' : 'card'}
          aria-labelledby="lookup-result-title"
          data-testid="lookup-results"
        >
          <h2 id="lookup-result-title" className="visually-hidden">
            Result
          </h2>
          <dl className="facts facts-inline">
            <div>
              <dt>Detected</dt>
              <dd data-testid="lookup-kind" data-kind={result.kind}>
                {KIND_LABELS[result.kind] ?? result.kind}
              </dd>
            </div>
            <div>
              <dt>Normalized</dt>
              <dd className="mono" data-testid="lookup-normalized">
                {result.normalized}
              </dd>
            </div>
            <div>
              <dt>Owners</dt>
              <dd>{result.matches.length}</dd>
            </div>
          </dl>

          {result.isOverlapping && (
            <Notice kind="warning" testId="lookup-overlap">
              <strong>Overlapping registrations:</strong> more than one organization has registered address space
              covering this query. The most specific match is listed first.
            </Notice>
          )}

          {result.matches.length === 0 ? (
            <p className="empty-result" data-testid="lookup-empty">
              No owner found
            </p>
          ) : (
            <div className="table-wrap">
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">Organization</th>
                    <th scope="col">Matched asset</th>
                    <th scope="col">Match type</th>
                    <th scope="col" className="num">
                      Specificity
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {result.matches.map((m, i) => (
                    <tr key={`${m.asset.id}-${i}`} data-testid="lookup-result">
                      <td>
                        <Link to={`/organizations/${encodeURIComponent(m.organization.id)}`} className="strong-link">
                          {m.organization.name}
                        </Link>
                        {m.organization.isCii && <span className="badge badge-cii badge-after">CII</span>}
                      </td>
                      <td>
                        <span className="mono">{m.asset.value}</span>{' '}
                        <span className="muted small">{ASSET_TYPE_LABELS[m.asset.type] ?? m.asset.type}</span>
                      </td>
                      <td>{MATCH_LABELS[m.matchType] ?? m.matchType}</td>
                      <td className="num">{m.specificity}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      )}
    </div>
  );
}
