import { sharingApi } from '../../api-sharing';
import type { AgreementPreview } from '../../api-sharing';
import { ErrorAlert } from '../../components/Alert';
import { TlpBadge } from '../../components/incidents/Badges';
import { formatDateTime } from '../../format';
import { useLoad } from '../../hooks';
import { Link } from '../../router';
import { intelHref } from '../intel/labels';
import { reasonLabel } from './labels';

const entries = (m: Record<string, number>) => Object.entries(m).sort((a, b) => b[1] - a[1]);

function Counts({ title, m, tlp, testId }: { title: string; m: Record<string, number>; tlp?: boolean; testId: string }) {
  return (
    <div>
      <h4 className="small">{title}</h4>
      {entries(m).length === 0 ? (
        <p className="muted small flush">—</p>
      ) : (
        <ul className="sharing-counts" data-testid={testId}>
          {entries(m).map(([k, n]) => (
            <li key={k} data-key={k} data-count={n}>
              {tlp ? <TlpBadge tlp={k} /> : <span>{k}</span>} <strong>{n}</strong>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function AgreementPreviewView({ p }: { p: AgreementPreview }) {
  const inForce = p.standing === 'in_force';
  return (
    <article className="sharing-preview" data-testid="preview-agreement" data-title={p.title} data-allowed={p.allowed}>
      <div className="row sharing-agreement-head">
        <strong>{p.title}</strong>
        <span className={inForce ? 'badge badge-active' : 'badge badge-revoked'}>{reasonLabel(p.standing)}</span>
        <span data-testid="preview-allowed">
          {p.allowed} object(s) would be shared{p.sanitized > 0 ? `, ${p.sanitized} of them sanitized` : ''}
        </span>
      </div>
      <div className="sharing-preview-grid">
        <Counts title="By type" m={p.byType} testId="preview-by-type" />
        <Counts title="By TLP" m={p.byTlp} tlp testId="preview-by-tlp" />
        <div>
          <h4 className="small">Excluded</h4>
          {p.excluded.length === 0 ? (
            <p className="muted small flush">Nothing.</p>
          ) : (
            <table className="table" data-testid="preview-excluded">
              <tbody>
                {p.excluded.map((x) => (
                  <tr key={x.reason} data-reason={x.reason}>
                    <td>{reasonLabel(x.reason)}</td>
                    <td className="nowrap">
                      <strong>{x.count}</strong>
                    </td>
                    <td className="small muted">
                      {entries(x.types)
                        .map(([t, n]) => `${t} ${n}`)
                        .join(', ')}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      </div>
      {p.sample.length > 0 && (
        <details>
          <summary>Sample ({p.sample.length}) as the partner would receive it</summary>
          <ul className="intel-id-list" data-testid="preview-sample">
            {p.sample.map((o, i) => {
              const id = typeof o.id === 'string' ? o.id : `#${i}`;
              return (
                <li key={id}>
                  <Link to={intelHref(id)} className="mono small">
                    {id}
                  </Link>
                  {typeof o.name === 'string' && <span className="small"> {o.name}</span>}
                </li>
              );
            })}
          </ul>
        </details>
      )}
    </article>
  );
}

/** "What this partner would receive now", per agreement, computed by the same engine as the TAXII server. */
export function PreviewPanel({ partnerId, refresh }: { partnerId: string; refresh: number }) {
  const preview = useLoad(`preview:${partnerId}:${refresh}`, (signal) => sharingApi.preview(partnerId, signal));
  const p = preview.data;
  return (
    <section className="card" aria-labelledby="preview-title" data-testid="preview">
      <div className="row sharing-card-head">
        <h2 id="preview-title">What this partner would receive</h2>
        <button type="button" className="btn btn-small" onClick={preview.reload} disabled={preview.loading}>
          Recompute
        </button>
      </div>
      <ErrorAlert error={preview.error} />
      {preview.loading && !p && <p className="muted flush">Computing…</p>}
      {p && (
        <>
          <p className="muted small flush">
            {p.scanned} latest version(s) examined at {formatDateTime(p.at, { seconds: true })}
            {p.truncated ? ' — the store holds more than the preview examines' : ''}. Nothing is shared by this preview.
          </p>
          {p.agreements.length === 0 && <p className="muted flush">No agreement: nothing would be shared.</p>}
          {p.agreements.map((a) => (
            <AgreementPreviewView key={a.agreementId} p={a} />
          ))}
        </>
      )}
    </section>
  );
}
