import { ROLE_LABELS } from '../../auth';
import type { User } from '../../api';
import { formatDateTime } from '../../format';
import { OrganizationName } from './names';

export function ActiveBadge({ active }: { active: boolean }) {
  return active ? <span className="badge badge-ok">Active</span> : <span className="badge badge-off">Inactive</span>;
}

export function UserRow({
  user: u,
  me,
  centerName,
  busy,
  onSetActive,
}: {
  user: User;
  me: boolean;
  centerName: (id: string) => string;
  busy: boolean;
  onSetActive: (u: User, active: boolean) => void;
}) {
  return (
    <tr data-testid="user-row" data-user-id={u.id} className={u.isActive ? undefined : 'row-inactive'}>
      <td className="strong">
        {u.name}
        {me && <span className="badge badge-after">You</span>}
      </td>
      <td>
        <a href={`mailto:${u.email}`}>{u.email}</a>
      </td>
      <td>{ROLE_LABELS[u.role] ?? u.role}</td>
      <td>
        {u.organizationId ? (
          <OrganizationName id={u.organizationId} />
        ) : u.centerId ? (
          centerName(u.centerId)
        ) : (
          <span className="muted">—</span>
        )}
      </td>
      <td>
        <ActiveBadge active={u.isActive} />
      </td>
      <td className="nowrap" title={u.lastLoginAt ?? undefined}>
        {u.lastLoginAt ? formatDateTime(u.lastLoginAt) : <span className="muted">Never</span>}
      </td>
      <td className="actions">
        {u.isActive ? (
          <button
            type="button"
            className="btn btn-small btn-danger-ghost"
            aria-label={`Deactivate ${u.name}`}
            disabled={busy}
            onClick={() => onSetActive(u, false)}
          >
            Deactivate
          </button>
        ) : (
          <button
            type="button"
            className="btn btn-small"
            aria-label={`Activate ${u.name}`}
            disabled={busy}
            onClick={() => onSetActive(u, true)}
          >
            Activate
          </button>
        )}
      </td>
    </tr>
  );
}
