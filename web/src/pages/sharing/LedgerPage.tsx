import { useState } from 'react';
import type { FormEvent } from 'react';
import { sharingApi } from '../../api-sharing';
import type { LedgerVerify } from '../../api-sharing';
import { ErrorAlert } from '../../components/Alert';
import { Pager } from '../../components/Pager';
import { formatDateTime } from '../../format';
import { useLoad, useTitle } from '../../hooks';
import { Link, href, useNavigate, useSearchParams } from '../../router';
import '../../styles/intel.css';
import { intelHref } from '../intel/labels';
import { partnerHref } from './labels';

const PAGE_SIZE = 100;
// the filter's dates are whole days in the analyst's zone; the API takes ISO instants
const dayStart = (d: string) => (d ? new Date(`${d}T00:00:00`).toISOString() : undefined);
const dayEnd = (d: string) => (d ? new Date(new Date(`${d}T00:00:00`).getTime() + 86_400_000).toISOString() : undefined);

function VerifyResult({ r }: { r: LedgerVerify }) {
  return r.ok ? (
    <div className="alert alert-success" role="status" data-testid="ledger-verify" data-ok="true">
      The chain verifies: {r.count} row(s) listing {r.objects} object(s), every hash links to the one before.
    </div>
  ) : (
    <div className="alert alert-error" role="alert" data-testid="ledger-verify" data-ok="false">
      The chain is broken at row {r.brokenAt ?? '?'}: {r.reason ?? 'hash mismatch'} ({r.count} row(s) checked).
    </div>
  );
}

/** The outbound ledger: what left, to whom, when, under which agreement; per partner and period; CSV; chain verification. */
export function LedgerPage() {
  useTitle('Ledger');
  const params = useSearchParams();
  const navigate = useNavigate();
  const partner = params.get('partner') ?? '';
  const from = params.get('from') ?? '';
  const to = params.get('to') ?? '';
  const cursor = params.get('cursor') || null;
  const [draft, setDraft] = useState({ partner, from, to });
  const [verify, setVerify] = useState<LedgerVerify | null>(null);
  const [verifyError, setVerifyError] = useState<unknown>(null);
  const [verifying, setVerifying] = useState(false);
  const partners = useLoad('partners', (signal) => sharingApi.partners(signal));
  const filter = { partner: partner || undefined, from: dayStart(from), to: dayEnd(to) };
  const ledger = useLoad(`ledger:${partner}:${from}:${to}:${cursor ?? ''}`, (signal) => sharingApi.ledger({ ...filter, limit: PAGE_SIZE, cursor: cursor ?? undefined }, signal));
  const nameOf = (id: string) => partners.data?.find((p) => p.id === id)?.name ?? id.slice(0, 8);
  const hrefFor = (c: string | null) => href('/sharing/ledger', { partner, from, to, cursor: c });

  const apply = (e: FormEvent) => {
    e.preventDefault();
    navigate(href('/sharing/ledger', draft));
  };
  const runVerify = async () => {
    setVerifying(true);
    setVerifyError(null);
    try {
      setVerify(await sharingApi.verifyLedger());
    } catch (err) {
      setVerifyError(err);
    } finally {
      setVerifying(false);
    }
  };
  const items = ledger.data?.items ?? [];

  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Outbound ledger</h1>
          <p className="muted">Every object that left, to whom, when, under which agreement, with its hash, in a hash chain.</p>
        </div>
        <div className="row">
          <a className="btn" href={sharingApi.ledgerCsvUrl(filter)} download="vigil-ledger.csv" data-testid="ledger-csv">
            Download CSV
          </a>
          <button type="button" className="btn btn-primary" onClick={() => void runVerify()} disabled={verifying}>
            {verifying ? 'Verifying…' : 'Verify chain'}
          </button>
        </div>
      </div>
      {verify && <VerifyResult r={verify} />}
      <ErrorAlert error={verifyError} title="The chain could not be verified" />
      <form className="toolbar" aria-label="Filter the ledger" onSubmit={apply}>
        <div className="field">
          <label htmlFor="ledger-partner">Partner</label>
          <select id="ledger-partner" value={draft.partner} onChange={(e) => setDraft({ ...draft, partner: e.target.value })}>
            <option value="">All partners</option>
            {(partners.data ?? []).map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="ledger-from">From</label>
          <input id="ledger-from" type="date" value={draft.from} onChange={(e) => setDraft({ ...draft, from: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor="ledger-to">To</label>
          <input id="ledger-to" type="date" value={draft.to} onChange={(e) => setDraft({ ...draft, to: e.target.value })} />
        </div>
        <button type="submit" className="btn">
          Show
        </button>
      </form>
      <ErrorAlert error={ledger.error} />
      {(ledger.data?.summary.length ?? 0) > 0 && (
        <div className="table-wrap">
          <table className="table" data-testid="ledger-summary">
            <thead>
              <tr>
                <th scope="col">Partner</th>
                <th scope="col">Objects sent</th>
                <th scope="col">Distinct objects</th>
                <th scope="col">First</th>
                <th scope="col">Last</th>
              </tr>
            </thead>
            <tbody>
              {ledger.data!.summary.map((s) => (
                <tr key={s.partnerId} data-testid="ledger-summary-row">
                  <td>
                    <Link to={partnerHref(s.partnerId)}>{nameOf(s.partnerId)}</Link>
                  </td>
                  <td>{s.sent}</td>
                  <td>{s.distinctObjects}</td>
                  <td>{formatDateTime(s.firstAt)}</td>
                  <td>{formatDateTime(s.lastAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div className={ledger.loading && ledger.data ? 'table-wrap is-loading' : 'table-wrap'} aria-busy={ledger.loading}>
        <table className="table" data-testid="ledger-table">
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">When</th>
              <th scope="col">Partner</th>
              <th scope="col">Object</th>
              <th scope="col">Route</th>
              <th scope="col">Object SHA-256</th>
              <th scope="col">Chain hash</th>
            </tr>
          </thead>
          <tbody>
            {items.map((r) => (
              <tr key={`${r.seq}.${r.position}`} data-testid="ledger-row" data-object={r.objectId}>
                <td className="nowrap" title={`Ledger row ${r.seq} (one delivery), object ${r.position} in it`}>
                  {r.seq}.{r.position}
                </td>
                <td className="nowrap" title={r.at}>
                  {formatDateTime(r.at, { seconds: true })}
                </td>
                <td>{nameOf(r.partnerId)}</td>
                <td>
                  <Link to={intelHref(r.objectId)} className="mono small">
                    {r.objectId}
                  </Link>
                  <div className="muted small">{r.objectModified}</div>
                </td>
                <td className="small">{r.route}</td>
                <td className="mono small" title={r.sha256}>
                  {r.sha256.slice(0, 16)}…
                </td>
                <td className="mono small" title={r.hash}>
                  {r.hash.slice(0, 16)}…
                </td>
              </tr>
            ))}
            {!ledger.loading && !ledger.error && items.length === 0 && (
              <tr>
                <td colSpan={7} className="empty">
                  Nothing has left for this partner and period.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      <Pager cursor={cursor} nextCursor={ledger.data?.nextCursor ?? null} hrefFor={hrefFor} loading={ledger.loading} label="Ledger pages" />
    </div>
  );
}
