import { useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import { intelApi } from '../../api-intel';
import { useUser } from '../../auth';
import { ErrorAlert } from '../../components/Alert';
import { TlpBadge } from '../../components/incidents/Badges';
import { Pager } from '../../components/Pager';
import '../../components/incidents/incidents.css';
import { formatDateTime } from '../../format';
import { useLoad, useTitle } from '../../hooks';
import { Link, href, useNavigate, useSearchParams } from '../../router';
import '../../styles/intel.css';
import { ImportBundlePanel } from './ImportBundlePanel';
import { STIX_TYPES, intelHref, shortLabel, sourceLabel } from './labels';

const PAGE_SIZE = 50;

/** The STIX store: latest versions you may see, by type and text, keyset pages; import for analysts. */
export function IntelObjectsPage() {
  useTitle('Intel');
  const user = useUser();
  const navigate = useNavigate();
  const params = useSearchParams();
  const type = params.get('type') ?? '';
  const q = params.get('q') ?? '';
  const cursor = params.get('cursor') || null;
  const [text, setText] = useState(q);
  const [importing, setImporting] = useState(false);
  const canImport = user.role === 'admin' || user.role === 'analyst';
  useEffect(() => setText(q), [q]);
  const page = useLoad(`intel:${type}:${q}:${cursor ?? ''}`, (signal) => intelApi.objects({ type: type || undefined, q: q || undefined, limit: PAGE_SIZE, cursor: cursor ?? undefined }, signal));
  const hrefFor = (c: string | null, t = type, s = q) => href('/intel', { type: t, q: s, cursor: c });
  const search = (e: FormEvent) => {
    e.preventDefault();
    navigate(hrefFor(null, type, text.trim()));
  };
  const items = page.data?.items ?? [];

  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Intel</h1>
          <p className="muted">STIX 2.1 objects in the store: the latest version of each, as far as your TLP clearance goes.</p>
        </div>
        <div className="row">
          <a className="btn" href={intelApi.exportUrl({ type, q })} download="vigil-intel.json">
            Export bundle
          </a>
          {canImport && (
            <button type="button" className="btn btn-primary" onClick={() => setImporting((v) => !v)} aria-expanded={importing}>
              Import bundle
            </button>
          )}
        </div>
      </div>
      {importing && <ImportBundlePanel onImported={page.reload} />}
      <form className="toolbar" role="search" aria-label="Filter intel" onSubmit={search}>
        <div className="field">
          <label htmlFor="intel-type">Type</label>
          <select id="intel-type" value={type} onChange={(e) => navigate(hrefFor(null, e.target.value, q))}>
            <option value="">Any type</option>
            {STIX_TYPES.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </div>
        <div className="field field-grow">
          <label htmlFor="intel-q">Search</label>
          <input id="intel-q" type="search" value={text} onChange={(e) => setText(e.target.value)} placeholder="name, value, pattern or exact id" />
        </div>
        <button type="submit" className="btn">
          Search
        </button>
      </form>
      <ErrorAlert error={page.error} />
      <div className={page.loading && page.data ? 'table-wrap is-loading' : 'table-wrap'} aria-busy={page.loading}>
        <table className="table" data-testid="intel-table">
          <thead>
            <tr>
              <th scope="col">Object</th>
              <th scope="col">Type</th>
              <th scope="col">TLP</th>
              <th scope="col">Source</th>
              <th scope="col">Modified</th>
              <th scope="col">Added</th>
            </tr>
          </thead>
          <tbody>
            {items.map((o) => (
              <tr key={o.id} data-testid="intel-row" data-id={o.id} data-tlp={o.tlp}>
                <td>
                  <Link to={intelHref(o.id)} className="strong-link">
                    {shortLabel(o)}
                  </Link>
                  {o.revoked && <span className="badge badge-revoked"> revoked</span>}
                  <div className="mono small muted">{o.id}</div>
                </td>
                <td>{o.type}</td>
                <td>
                  <TlpBadge tlp={o.tlp} />
                </td>
                <td>{sourceLabel(o.source)}</td>
                <td className="nowrap" title={o.modified}>
                  {formatDateTime(o.modified)}
                </td>
                <td className="nowrap" title={o.dateAdded}>
                  {formatDateTime(o.dateAdded)}
                </td>
              </tr>
            ))}
            {!page.loading && !page.error && items.length === 0 && (
              <tr>
                <td colSpan={6} className="empty">
                  No intel matches.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      <Pager cursor={cursor} nextCursor={page.data?.nextCursor ?? null} hrefFor={(c) => hrefFor(c)} loading={page.loading} label="Intel pages" />
    </div>
  );
}
