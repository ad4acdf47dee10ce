import { useState } from 'react';
import type { FormEvent } from 'react';
import type { CreatedApiKey } from '../../api';
import { sharingApi } from '../../api-sharing';
import type { PartnerAccount } from '../../api-sharing';
import { ErrorAlert } from '../../components/Alert';
import { NewKeySecret } from '../../components/admin/NewKeySecret';
import { useAction, useLoad } from '../../hooks';

function NewAccountForm({ partnerId, onDone }: { partnerId: string; onDone: () => void }) {
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const { busy, error, act } = useAction();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    await act(async () => {
      await sharingApi.createAccount(partnerId, { email: email.trim(), name: name.trim(), password: password || undefined });
      setEmail('');
      setName('');
      setPassword('');
      onDone();
    });
  };
  return (
    <form className="inline-form" aria-label="New partner account" onSubmit={(e) => void submit(e)}>
      <div className="row">
        <div className="field">
          <label htmlFor="pa-name">Account name</label>
          <input id="pa-name" required value={name} onChange={(e) => setName(e.target.value)} placeholder="CERT-EX TAXII client" />
        </div>
        <div className="field">
          <label htmlFor="pa-email">Account e-mail</label>
          <input id="pa-email" type="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="pa-password">Password for HTTP Basic (optional, 12+)</label>
          <input id="pa-password" type="password" autoComplete="new-password" minLength={12} value={password} onChange={(e) => setPassword(e.target.value)} />
        </div>
        <button type="submit" className="btn btn-small" disabled={busy}>
          Create account
        </button>
      </div>
      <ErrorAlert error={error} title="The account was not created" />
    </form>
  );
}

/** The partner's machine accounts (TAXII over HTTP Basic) and their API keys (bearer); administrators manage them. */
export function AccountsPanel({ partnerId, isAdmin }: { partnerId: string; isAdmin: boolean }) {
  const accounts = useLoad(`partner-accounts:${partnerId}`, (signal) => sharingApi.accounts(partnerId, signal));
  const [created, setCreated] = useState<{ key: CreatedApiKey; owner: PartnerAccount } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const newKey = async (a: PartnerAccount) => {
    setError(null);
    try {
      setCreated({ key: await sharingApi.createPartnerKey(a.id, `TAXII ${a.name}`, ['taxii:read', 'taxii:write']), owner: a });
    } catch (err) {
      setError(err);
    }
  };
  const items = accounts.data ?? [];
  return (
    <section className="card" aria-labelledby="accounts-title">
      <h2 id="accounts-title">
        Accounts and API keys <span className="count">{items.length}</span>
      </h2>
      <p className="muted small flush">Partner accounts reach only the TAXII server, within their agreements.</p>
      <ErrorAlert error={accounts.error ?? error} />
      {created && <NewKeySecret created={created.key} ownerName={created.owner.name} onDone={() => setCreated(null)} />}
      {items.length > 0 && (
        <table className="table" data-testid="partner-accounts">
          <tbody>
            {items.map((a) => (
              <tr key={a.id} data-testid="partner-account" data-email={a.email}>
                <td>{a.name}</td>
                <td className="mono small">{a.email}</td>
                <td className="nowrap">
                  {isAdmin && (
                    <button type="button" className="btn btn-ghost btn-small" onClick={() => void newKey(a)}>
                      New API key
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {isAdmin ? <NewAccountForm partnerId={partnerId} onDone={accounts.reload} /> : <p className="muted small flush">Administrators create partner accounts and keys.</p>}
    </section>
  );
}
