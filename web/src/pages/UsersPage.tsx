import { useState } from 'react';
import { adminApi } from '../api-admin';
import type { User } from '../api';
import { ErrorAlert, Notice } from '../components/Alert';
import { Pager } from '../components/Pager';
import { AdminOnly } from '../components/admin/AdminOnly';
import { NewUserForm } from '../components/admin/NewUserForm';
import { UserRow } from '../components/admin/UserRow';
import { useUser } from '../auth';
import { useLoad, useTitle } from '../hooks';
import { href, useSearchParams } from '../router';
import { ListStatusRows } from '../components/ListStatusRows';

const PAGE_SIZE = 50;

export function UsersPage() {
  useTitle('Users');
  return (
    <AdminOnly title="Users">
      <Users />
    </AdminOnly>
  );
}

function Users() {
  const me = useUser();
  const params = useSearchParams();
  const cursor = params.get('cursor') || null;
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<User | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);

  const list = useLoad(`users:${cursor ?? ''}`, (signal) => adminApi.users({ limit: PAGE_SIZE, cursor: cursor ?? undefined }, signal));
  const centers = useLoad('centers', (signal) => adminApi.centers(signal));
  const centerName = (id: string) => centers.data?.find((c) => c.id === id)?.name ?? id;

  const setActive = async (u: User, isActive: boolean) => {
    setBusy(u.id);
    setActionError(null);
    try {
      const updated = await adminApi.setUserActive(u.id, isActive);
      list.setData((prev) => prev && { ...prev, items: prev.items.map((x) => (x.id === updated.id ? updated : x)) });
    } catch (err) {
      setActionError(err);
    } finally {
      setBusy(null);
    }
  };

  const items = list.data?.items ?? [];
  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Users</h1>
          <p className="muted">People and machine accounts that can sign in to Vigil or call its API.</p>
        </div>
        {!creating && (
          <button
            type="button"
            className="btn btn-primary"
            onClick={() => {
              setCreated(null);
              setCreating(true);
            }}
          >
            New user
          </button>
        )}
      </div>

      {creating && (
        <NewUserForm
          onCancel={() => setCreating(false)}
          onCreated={(u) => {
            setCreating(false);
            setCreated(u);
            list.reload();
          }}
        />
      )}
      {created && (
        <Notice kind="success" testId="user-created">
          Created {created.role === 'partner' ? 'machine account' : 'user'} <strong>{created.name}</strong> ({created.email}).
        </Notice>
      )}

      <ErrorAlert error={list.error} />
      <ErrorAlert error={actionError} title="The account was not changed" />

      <div className={list.loading && list.data ? 'table-wrap is-loading' : 'table-wrap'} aria-busy={list.loading}>
        <table className="table" data-testid="users-table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">E-mail</th>
              <th scope="col">Role</th>
              <th scope="col">Organization or center</th>
              <th scope="col">Status</th>
              <th scope="col">Last sign-in</th>
              <th scope="col" className="actions">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((u) => (
              <UserRow
                key={u.id}
                user={u}
                me={u.id === me.id}
                centerName={centerName}
                busy={busy === u.id}
                onSetActive={(x, active) => void setActive(x, active)}
              />
            ))}
            <ListStatusRows colSpan={7} loading={list.loading} hasData={!!list.data} hasError={!!list.error} count={items.length} empty="No users." />
          </tbody>
        </table>
      </div>
      <Pager
        label="User pages"
        cursor={cursor}
        nextCursor={list.data?.nextCursor ?? null}
        loading={list.loading}
        hrefFor={(c) => href('/admin/users', { cursor: c })}
      />
    </div>
  );
}
