import { useState } from 'react';
import type { FormEvent } from 'react';
import { sharingApi } from '../../api-sharing';
import type { Agreement, TaxiiAuthInput, TaxiiConnection, TaxiiConnectionFields, TaxiiDirection } from '../../api-sharing';
import { ErrorAlert } from '../../components/Alert';
import { useAction } from '../../hooks';

type AuthType = TaxiiAuthInput['type'];

function useConnectionState(c?: TaxiiConnection) {
  const [f, setF] = useState({
    title: c?.title ?? '',
    direction: c?.direction ?? ('poll' as TaxiiDirection),
    agreementId: c?.agreementId ?? '',
    endpoint: c?.apiRootUrl ? ('apiRoot' as const) : ('discovery' as 'discovery' | 'apiRoot'),
    url: c?.apiRootUrl ?? c?.discoveryUrl ?? '',
    collectionId: c?.collectionId ?? '',
    authType: c?.auth.type ?? ('basic' as AuthType),
    username: c?.auth.username ?? '',
    secret: '',
    minutes: String((c?.intervalSeconds ?? 3600) / 60),
    pageSize: String(c?.pageSize ?? 1000),
    enabled: c?.enabled ?? true,
    resetCheckpoint: false,
  });
  const set = <K extends keyof typeof f>(k: K, v: (typeof f)[K]) => setF((prev) => ({ ...prev, [k]: v }));
  return { f, set };
}

type State = ReturnType<typeof useConnectionState>['f'];

const fieldsOf = (f: State): TaxiiConnectionFields => ({
  title: f.title.trim(),
  agreementId: f.agreementId,
  discoveryUrl: f.endpoint === 'discovery' ? f.url.trim() : null,
  apiRootUrl: f.endpoint === 'apiRoot' ? f.url.trim() : null,
  collectionId: f.collectionId.trim(),
  intervalSeconds: Math.round(Number(f.minutes) * 60),
  pageSize: Number(f.pageSize),
  enabled: f.enabled,
});

/**
 * The credentials to send: always on create; on edit only when the analyst typed a new secret or
 * switched to no authentication (the stored secret is never shown, so it cannot be sent back).
 */
function authOf(f: State, before?: TaxiiConnection): TaxiiAuthInput | undefined {
  if (f.authType === 'none') return before?.auth.type === 'none' ? undefined : { type: 'none' };
  if (before && !f.secret) {
    if (before.auth.type !== f.authType) throw new Error(`Enter the ${f.authType === 'basic' ? 'password' : 'token'} for the new authentication.`);
    if (f.authType === 'basic' && f.username.trim() !== (before.auth.username ?? '')) throw new Error('Enter the password again to change the user name.');
    return undefined;
  }
  return f.authType === 'basic' ? { type: 'basic', username: f.username.trim(), password: f.secret } : { type: 'bearer', token: f.secret };
}

function save(partnerId: string, f: State, c?: TaxiiConnection): Promise<TaxiiConnection> {
  const auth = authOf(f, c);
  if (!c) return sharingApi.createTaxiiConnection(partnerId, { ...fieldsOf(f), direction: f.direction, auth: auth ?? { type: 'none' } });
  return sharingApi.updateTaxiiConnection(partnerId, c.id, { ...fieldsOf(f), ...(auth ? { auth } : {}), ...(f.resetCheckpoint ? { pollAddedAfter: null } : {}) });
}

function AuthFields({ f, set, id, stored }: { f: State; set: ReturnType<typeof useConnectionState>['set']; id: (k: string) => string; stored: boolean }) {
  const placeholder = stored ? 'stored: leave empty to keep' : '';
  return (
    <div className="row">
      <div className="field">
        <label htmlFor={id('auth')}>Authentication</label>
        <select id={id('auth')} value={f.authType} onChange={(e) => set('authType', e.target.value as AuthType)}>
          <option value="basic">HTTP Basic</option>
          <option value="bearer">Bearer token (API key)</option>
          <option value="none">None</option>
        </select>
      </div>
      {f.authType === 'basic' && (
        <div className="field">
          <label htmlFor={id('user')}>User name</label>
          <input id={id('user')} required autoComplete="off" value={f.username} onChange={(e) => set('username', e.target.value)} />
        </div>
      )}
      {f.authType !== 'none' && (
        <div className="field">
          <label htmlFor={id('secret')}>{f.authType === 'basic' ? 'Password' : 'Token'}</label>
          <input id={id('secret')} type="password" autoComplete="new-password" required={!stored} placeholder={placeholder} value={f.secret} onChange={(e) => set('secret', e.target.value)} />
        </div>
      )}
      <span className="help sharing-secret-note">The password or token is stored encrypted and never shown again.</span>
    </div>
  );
}

/** Creates or edits a TAXII client connection: where, which collection, how to sign in, which agreement screens it, how often. */
export function TaxiiConnectionForm({ partnerId, agreements, connection, onDone, onCancel }: { partnerId: string; agreements: Agreement[]; connection?: TaxiiConnection; onDone: () => void; onCancel: () => void }) {
  const { f, set } = useConnectionState(connection);
  const { busy, error, act } = useAction();
  const id = (k: string) => `taxii-${connection?.id ?? 'new'}-${k}`;
  const usable = agreements.filter((a) => a.status === 'active' && a.direction !== (f.direction === 'poll' ? 'outbound' : 'inbound'));
  const stored = Boolean(connection?.auth.hasSecret && connection.auth.type === f.authType);
  const setDirection = (d: TaxiiDirection) => {
    set('direction', d);
    set('agreementId', '');
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    await act(async () => {
      await save(partnerId, f, connection);
      onDone();
    });
  };

  return (
    <form className="card form" aria-label={connection ? 'Edit TAXII connection' : 'New TAXII connection'} onSubmit={(e) => void submit(e)}>
      <h3>{connection ? `Edit ${connection.title}` : 'New TAXII connection'}</h3>
      <div className="row">
        <div className="field field-grow">
          <label htmlFor={id('title')}>Connection title</label>
          <input id={id('title')} required value={f.title} onChange={(e) => set('title', e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={id('direction')}>Direction</label>
          <select id={id('direction')} value={f.direction} disabled={Boolean(connection)} onChange={(e) => setDirection(e.target.value as TaxiiDirection)}>
            <option value="poll">Poll (bring their objects in)</option>
            <option value="push">Push (send ours to them)</option>
          </select>
        </div>
        <div className="field field-grow">
          <label htmlFor={id('agreement')}>Agreement</label>
          <select id={id('agreement')} required value={f.agreementId} onChange={(e) => set('agreementId', e.target.value)}>
            <option value="">Choose…</option>
            {usable.map((a) => (
              <option key={a.id} value={a.id}>
                {a.title} ({a.direction})
              </option>
            ))}
          </select>
        </div>
      </div>
      <div className="row">
        <div className="field">
          <label htmlFor={id('endpoint')}>Endpoint kind</label>
          <select id={id('endpoint')} value={f.endpoint} onChange={(e) => set('endpoint', e.target.value as State['endpoint'])}>
            <option value="discovery">Discovery URL</option>
            <option value="apiRoot">API root URL</option>
          </select>
        </div>
        <div className="field field-grow">
          <label htmlFor={id('url')}>TAXII URL</label>
          <input id={id('url')} type="url" required value={f.url} onChange={(e) => set('url', e.target.value)} placeholder="https://taxii.partner.example/taxii2/" />
        </div>
        <div className="field field-grow">
          <label htmlFor={id('collection')}>Collection id</label>
          <input id={id('collection')} required className="mono" value={f.collectionId} onChange={(e) => set('collectionId', e.target.value)} />
        </div>
      </div>
      <AuthFields f={f} set={set} id={id} stored={stored} />
      <div className="row">
        <div className="field">
          <label htmlFor={id('every')}>Every (minutes)</label>
          <input id={id('every')} type="number" required min={1} max={10080} value={f.minutes} onChange={(e) => set('minutes', e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={id('page')}>Page size</label>
          <input id={id('page')} type="number" required min={1} max={1000} value={f.pageSize} onChange={(e) => set('pageSize', e.target.value)} />
        </div>
        <label className="field-check">
          <input type="checkbox" checked={f.enabled} onChange={(e) => set('enabled', e.target.checked)} />
          Enabled (runs on its schedule)
        </label>
        {connection?.direction === 'poll' && (
          <label className="field-check">
            <input type="checkbox" checked={f.resetCheckpoint} onChange={(e) => set('resetCheckpoint', e.target.checked)} />
            Reset the checkpoint (poll everything again)
          </label>
        )}
      </div>
      <ErrorAlert error={error} title="The connection was not saved" />
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {connection ? 'Save connection' : 'Create connection'}
        </button>
        <button type="button" className="btn btn-ghost" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
