import { useState } from 'react';
import type { FormEvent } from 'react';
import { adminApi } from '../../api-admin';
import { SCOPES } from '../../api';
import type { CreatedApiKey, Scope, User } from '../../api';
import { ROLE_LABELS } from '../../auth';
import { ErrorAlert } from '../Alert';

const DEFAULT_DAYS = 90;

function isoDay(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

function inDays(days: number): string {
  const d = new Date();
  d.setDate(d.getDate() + days);
  return isoDay(d);
}

export function NewApiKeyForm({
  users,
  me,
  onCreated,
  onCancel,
}: {
  users: User[];
  me: User;
  onCreated: (created: CreatedApiKey) => void;
  onCancel: () => void;
}) {
  const [name, setName] = useState('');
  const [ownerId, setOwnerId] = useState(me.id);
  const [scopes, setScopes] = useState<Scope[]>([]);
  const [expires, setExpires] = useState(() => inDays(DEFAULT_DAYS));
  const [never, setNever] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  // the signed-in admin first, then the other active accounts
  const owners = [me, ...users.filter((u) => u.id !== me.id && u.isActive)];

  const toggle = (s: Scope, on: boolean) => setScopes((prev) => (on ? [...prev, s] : prev.filter((x) => x !== s)));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (scopes.length === 0) {
      setError(new Error('Choose at least one scope.'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const created = await adminApi.createApiKey({
        name: name.trim(),
        ...(ownerId !== me.id ? { userId: ownerId } : {}),
        scopes: SCOPES.filter((s) => scopes.includes(s)),
        // the key stays valid until the end of the chosen day, local time
        expiresAt: never ? null : new Date(`${expires}T23:59:59`).toISOString(),
      });
      onCreated(created);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby="new-key-form-title">
      <h2 id="new-key-form-title">New API key</h2>
      <form className="form-grid" onSubmit={submit} data-testid="new-api-key-form">
        <div className="field">
          <label htmlFor="new-key-name">Key name</label>
          <input
            id="new-key-name"
            required
            autoFocus
            autoComplete="off"
            placeholder="e.g. SOC ticketing integration"
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="new-key-owner">Owner</label>
          <select id="new-key-owner" value={ownerId} onChange={(e) => setOwnerId(e.target.value)}>
            {owners.map((u) => (
              <option key={u.id} value={u.id}>
                {u.id === me.id ? `${u.name} (you)` : `${u.name} · ${ROLE_LABELS[u.role] ?? u.role}`}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="new-key-expires">Expires on</label>
          <input
            id="new-key-expires"
            type="date"
            required={!never}
            disabled={never}
            min={inDays(0)}
            value={expires}
            onChange={(e) => setExpires(e.target.value)}
          />
        </div>
        <div className="field field-check">
          <input id="new-key-never" type="checkbox" checked={never} onChange={(e) => setNever(e.target.checked)} />
          <label htmlFor="new-key-never">Never expires</label>
        </div>
        <fieldset className="scope-set span-all">
          <legend>Scopes</legend>
          <div className="scope-grid">
            {SCOPES.map((s) => (
              <div className="field field-check" key={s}>
                <input
                  id={`new-key-scope-${s}`}
                  type="checkbox"
                  checked={scopes.includes(s)}
                  onChange={(e) => toggle(s, e.target.checked)}
                />
                <label htmlFor={`new-key-scope-${s}`} className="mono">
                  {s}
                </label>
              </div>
            ))}
          </div>
          <p className="help">A key can only do what its owner&apos;s role allows; choose the fewest scopes that work.</p>
        </fieldset>
        {error !== null && (
          <div className="span-all">
            <ErrorAlert error={error} title="The API key was not created" />
          </div>
        )}
        <div className="form-actions span-all">
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? 'Creating…' : 'Create API key'}
          </button>
          <button type="button" className="btn btn-ghost" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </section>
  );
}
