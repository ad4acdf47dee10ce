import type { ApiKey } from '../../api';
import { formatDate, formatDateTime } from '../../format';

const STATUS_LABELS: Record<ApiKey['status'], string> = { active: 'Active', expired: 'Expired', revoked: 'Revoked' };

export function ApiKeyRow({
  apiKey: k,
  ownerName,
  confirming,
  busy,
  onRevoke,
  onConfirm,
  onCancel,
}: {
  apiKey: ApiKey;
  ownerName: string | null;
  confirming: boolean;
  busy: boolean;
  onRevoke: () => void;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  return (
    <tr data-testid="api-key-row" data-api-key-id={k.id} className={k.status === 'active' ? undefined : 'row-inactive'}>
      <td className="strong">{k.name}</td>
      <td className="mono small nowrap">vgl_{k.prefix}_…</td>
      <td>{ownerName ?? <span className="mono small">{k.userId}</span>}</td>
      <td>
        <span className="scopes">
          {k.scopes.map((s) => (
            <code key={s} className="scope">
              {s}
            </code>
          ))}
        </span>
      </td>
      <td>
        <span className={`badge badge-${k.status}`} data-testid="api-key-status">
          {STATUS_LABELS[k.status] ?? k.status}
        </span>
      </td>
      <td className="nowrap" title={k.expiresAt ?? undefined}>
        {k.expiresAt ? formatDate(k.expiresAt) : <span className="muted">Never</span>}
      </td>
      <td className="nowrap" title={k.lastUsedAt ?? undefined}>
        {k.lastUsedAt ? formatDateTime(k.lastUsedAt) : <span className="muted">Never</span>}
      </td>
      <td className="actions">
        {k.status === 'active' && !confirming && (
          <button type="button" className="btn btn-small btn-danger-ghost" aria-label={`Revoke API key ${k.name}`} onClick={onRevoke}>
            Revoke
          </button>
        )}
        {k.status === 'active' && confirming && (
          <span className="confirm">
            <button type="button" className="btn btn-small btn-danger" disabled={busy} onClick={onConfirm}>
              {busy ? 'Revoking…' : 'Confirm revoke'}
            </button>
            <button type="button" className="btn btn-small btn-ghost" disabled={busy} onClick={onCancel}>
              Cancel
            </button>
          </span>
        )}
      </td>
    </tr>
  );
}
