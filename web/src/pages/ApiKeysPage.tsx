import { useState } from 'react';
import { adminApi } from '../api-admin';
import type { CreatedApiKey } from '../api';
import { ErrorAlert } from '../components/Alert';
import { AdminOnly } from '../components/admin/AdminOnly';
import { ApiKeyRow } from '../components/admin/ApiKeyRow';
import { NewApiKeyForm } from '../components/admin/NewApiKeyForm';
import { NewKeySecret } from '../components/admin/NewKeySecret';
import { useUser } from '../auth';
import { useLoad, useTitle } from '../hooks';

export function ApiKeysPage() {
  useTitle('API keys');
  return (
    <AdminOnly title="API keys">
      <ApiKeys />
    </AdminOnly>
  );
}

function ApiKeys() {
  const me = useUser();
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<unknown>(null);
  const keys = useLoad('api-keys', (signal) => adminApi.apiKeys(signal));
  const users = useLoad('all-users', (signal) => adminApi.allUsers(signal));

  const ownerName = (userId: string): string | null => {
    if (userId === me.id) return `${me.name} (you)`;
    const u = users.data?.find((x) => x.id === userId);
    return u ? u.name : null;
  };

  const revoke = async (id: string) => {
    setBusy(true);
    setActionError(null);
    try {
      await adminApi.revokeApiKey(id);
      setConfirming(null);
      keys.reload();
    } catch (err) {
      setActionError(err);
    } finally {
      setBusy(false);
    }
  };

  const items = keys.data ?? [];
  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>API keys</h1>
          <p className="muted">Keys let scripts and partner systems call the Vigil API. Secrets are stored hashed.</p>
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
            New API key
          </button>
        )}
      </div>

      {creating && (
        <NewApiKeyForm
          users={users.data ?? []}
          me={me}
          onCancel={() => setCreating(false)}
          onCreated={(c) => {
            setCreating(false);
            setCreated(c);
            keys.reload();
          }}
        />
      )}
      {created && (
        <NewKeySecret created={created} ownerName={ownerName(created.apiKey.userId) ?? 'its owner'} onDone={() => setCreated(null)} />
      )}

      <ErrorAlert error={keys.error} />
      <ErrorAlert error={users.error} title="Owner names could not be loaded" />
      <ErrorAlert error={actionError} title="The key was not revoked" />

      <div className={keys.loading && keys.data ? 'table-wrap is-loading' : 'table-wrap'} aria-busy={keys.loading}>
        <table className="table" data-testid="api-keys-table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Key</th>
              <th scope="col">Owner</th>
              <th scope="col">Scopes</th>
              <th scope="col">Status</th>
              <th scope="col">Expires</th>
              <th scope="col">Last used</th>
              <th scope="col" className="actions">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((k) => (
              <ApiKeyRow
                key={k.id}
                apiKey={k}
                ownerName={ownerName(k.userId)}
                confirming={confirming === k.id}
                busy={busy && confirming === k.id}
                onRevoke={() => setConfirming(k.id)}
                onCancel={() => setConfirming(null)}
                onConfirm={() => void revoke(k.id)}
              />
            ))}
            {!keys.loading && !keys.error && items.length === 0 && (
              <tr>
                <td colSpan={8} className="empty">
                  No API keys yet.
                </td>
              </tr>
            )}
            {keys.loading && !keys.data && (
              <tr>
                <td colSpan={8} className="empty">
                  Loading…
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </div>
  );
}
