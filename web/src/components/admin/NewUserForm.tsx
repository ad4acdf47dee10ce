import { useState } from 'react';
import type { FormEvent } from 'react';
import { adminApi } from '../../api-admin';
import { ROLES } from '../../api';
import type { NewUser, Role, User } from '../../api';
import { useLoad } from '../../hooks';
import { ErrorAlert } from '../Alert';
import { OrganizationPicker } from './OrganizationPicker';
import type { PickedOrganization } from './OrganizationPicker';

export const ROLE_OPTION_LABELS: Record<Role, string> = {
  admin: 'Administrator',
  analyst: 'Analyst',
  center_operator: 'Center operator',
  constituent: 'Constituent',
  partner: 'Partner (machine account)',
};

const MIN_PASSWORD = 12;

export function NewUserForm({ onCreated, onCancel }: { onCreated: (u: User) => void; onCancel: () => void }) {
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role | ''>('');
  const [org, setOrg] = useState<PickedOrganization | null>(null);
  const [centerId, setCenterId] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const centers = useLoad('centers', (signal) => adminApi.centers(signal));
  const partner = role === 'partner';

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!role) return;
    setBusy(true);
    setError(null);
    try {
      const input: NewUser = {
        email: email.trim(),
        name: name.trim(),
        role,
        ...(role === 'constituent' && org ? { organizationId: org.id } : {}),
        ...(role === 'center_operator' && centerId ? { centerId } : {}),
        ...(password ? { password } : {}),
      };
      onCreated(await adminApi.createUser(input));
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby="new-user-title">
      <h2 id="new-user-title">New user</h2>
      <form className="form-grid" onSubmit={submit} data-testid="new-user-form">
        <div className="field">
          <label htmlFor="new-user-email">E-mail</label>
          <input
            id="new-user-email"
            type="email"
            required
            autoFocus
            autoComplete="off"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="new-user-name">Name</label>
          <input id="new-user-name" required autoComplete="off" value={name} onChange={(e) => setName(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="new-user-role">Role</label>
          <select id="new-user-role" required value={role} onChange={(e) => setRole(e.target.value as Role | '')}>
            <option value="">Choose a role…</option>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {ROLE_OPTION_LABELS[r]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="new-user-password">Password{partner ? ' (optional)' : ''}</label>
          <input
            id="new-user-password"
            type="password"
            required={!partner}
            minLength={MIN_PASSWORD}
            autoComplete="new-password"
            aria-describedby="new-user-password-help"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </div>
        {role === 'constituent' && (
          <div className="span-2">
            <OrganizationPicker id="new-user-org" label="Organization" value={org} onChange={setOrg} />
          </div>
        )}
        {role === 'center_operator' && (
          <div className="field span-2">
            <label htmlFor="new-user-center">Center</label>
            <select id="new-user-center" required value={centerId} onChange={(e) => setCenterId(e.target.value)}>
              <option value="">{centers.loading ? 'Loading centers…' : 'Choose a center…'}</option>
              {(centers.data ?? []).map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </div>
        )}
        <p id="new-user-password-help" className="help span-all">
          {partner
            ? 'Password: machine accounts usually have none, they call the API with API keys.'
            : `Password: at least ${MIN_PASSWORD} characters. Give it to the user through a separate channel.`}
        </p>
        {role === 'center_operator' && centers.data?.length === 0 && (
          <div className="span-all alert alert-warning">There are no centers yet: create one on the Centers page first.</div>
        )}
        {centers.error != null && (
          <div className="span-all">
            <ErrorAlert error={centers.error} title="Centers could not be loaded" />
          </div>
        )}
        {error !== null && (
          <div className="span-all">
            <ErrorAlert error={error} title="The user was not created" />
          </div>
        )}
        <div className="form-actions span-all">
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? 'Creating…' : 'Create user'}
          </button>
          <button type="button" className="btn btn-ghost" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </section>
  );
}
