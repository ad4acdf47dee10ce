import { useState } from 'react';
import { sharingApi } from '../../api-sharing';
import type { Agreement } from '../../api-sharing';
import { ErrorAlert } from '../../components/Alert';
import { TlpBadge } from '../../components/incidents/Badges';
import { formatDateTime } from '../../format';
import { useLoad } from '../../hooks';
import { AgreementForm } from './AgreementForm';

const any = (xs: string[] | null) => (xs && xs.length ? xs.join(', ') : <span className="muted">any</span>);

function AgreementCard({ a, canEdit, onEdit }: { a: Agreement; canEdit: boolean; onEdit: () => void }) {
  return (
    <article className="sharing-agreement" data-testid="agreement" data-title={a.title}>
      <div className="row sharing-agreement-head">
        <strong>{a.title}</strong>
        <span className={a.status === 'active' ? 'badge badge-active' : 'badge badge-revoked'}>{a.status}</span>
        <span className="badge">{a.direction}</span>
        <span className="badges">
          {a.tlpLevels.map((t) => (
            <TlpBadge key={t} tlp={t} />
          ))}
        </span>
        {canEdit && (
          <button type="button" className="btn btn-ghost btn-small" onClick={onEdit}>
            Edit
          </button>
        )}
      </div>
      <p className="small flush">{a.purpose}</p>
      <dl className="facts facts-inline small">
        <div>
          <dt>RSIT</dt>
          <dd>{any(a.rsitClasses)}</dd>
        </div>
        <div>
          <dt>Types</dt>
          <dd>{any(a.objectTypes)}</dd>
        </div>
        <div>
          <dt>Sectors</dt>
          <dd>{any(a.sectors)}</dd>
        </div>
        <div>
          <dt>Community</dt>
          <dd>{a.community ? 'yes' : 'no'}</dd>
        </div>
        <div>
          <dt>Identities</dt>
          <dd>{a.constituentIdentities}</dd>
        </div>
        <div>
          <dt>Addresses</dt>
          <dd>{a.constituentAddresses}</dd>
        </div>
        <div>
          <dt>Valid</dt>
          <dd>
            {formatDateTime(a.validFrom)} – {a.validUntil ? formatDateTime(a.validUntil) : 'open-ended'}
          </dd>
        </div>
        <div>
          <dt>TAXII collection</dt>
          <dd className="mono">{a.collectionId}</dd>
        </div>
      </dl>
    </article>
  );
}

/** A partner's agreements: each is enforceable policy and one TAXII collection. */
export function AgreementsPanel({ partnerId, canEdit, onChanged }: { partnerId: string; canEdit: boolean; onChanged: () => void }) {
  const list = useLoad(`agreements:${partnerId}`, (signal) => sharingApi.agreements(partnerId, signal));
  const [editing, setEditing] = useState<Agreement | 'new' | null>(null);
  const done = () => {
    setEditing(null);
    list.reload();
    onChanged();
  };
  const items = list.data ?? [];
  return (
    <section className="card" aria-labelledby="agreements-title">
      <div className="row sharing-card-head">
        <h2 id="agreements-title">
          Agreements <span className="count">{items.length}</span>
        </h2>
        {canEdit && !editing && (
          <button type="button" className="btn btn-small" onClick={() => setEditing('new')}>
            New agreement
          </button>
        )}
      </div>
      {editing && <AgreementForm partnerId={partnerId} agreement={editing === 'new' ? undefined : editing} onCancel={() => setEditing(null)} onDone={done} />}
      <ErrorAlert error={list.error} />
      {items.map((a) => (
        <AgreementCard key={a.id} a={a} canEdit={canEdit && !editing} onEdit={() => setEditing(a)} />
      ))}
      {!list.loading && items.length === 0 && <p className="muted flush">No agreement: this partner receives nothing.</p>}
    </section>
  );
}
