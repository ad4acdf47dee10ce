import { useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import { ApiError } from '../../api';
import { centersApi } from '../../api-centers';
import type { BoardCenterDetail, CenterContact } from '../../api-centers';
import { useLoad } from '../../hooks';
import { ErrorAlert } from '../Alert';
import { formatDuration } from './time';

/** Administrators: a center's description, heartbeat window and duty contacts. */
export function CenterOpsEditor({ centerId, onChanged, onClose }: { centerId: string; onChanged: (c: BoardCenterDetail) => void; onClose: () => void }) {
  const detail = useLoad(`center-ops:${centerId}`, (signal) => centersApi.center(centerId, signal));
  const c = detail.data;
  return (
    <div className="stack ops-editor" data-testid="center-ops-editor">
      <ErrorAlert error={detail.error} title="The center could not be loaded" />
      {!c && !detail.error && <p className="muted">Loading…</p>}
      {c && (
        <>
          <WindowForm
            center={c}
            onSaved={(next) => {
              detail.setData(() => next);
              onChanged(next);
            }}
            onClose={onClose}
          />
          <ContactsEditor
            center={c}
            onChange={(contacts) => {
              const next = { ...c, contacts, contactCount: contacts.length, dutyContacts: contacts.filter((x) => x.is24x7) };
              detail.setData(() => next);
              onChanged(next);
            }}
          />
        </>
      )}
    </div>
  );
}

function WindowForm({ center, onSaved, onClose }: { center: BoardCenterDetail; onSaved: (c: BoardCenterDetail) => void; onClose: () => void }) {
  const [description, setDescription] = useState(center.description ?? '');
  const [intervalText, setIntervalText] = useState(String(center.heartbeatIntervalSeconds));
  const [silentAfter, setSilentAfter] = useState(String(center.silentAfterSeconds));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => setError(null), [center.id]);

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSaved(await centersApi.update(center.id, { description: description.trim() || null, heartbeatIntervalSeconds: Number(intervalText), silentAfterSeconds: Number(silentAfter) }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const p = `center-${center.id}`;
  return (
    <form className="stack" onSubmit={save} aria-label={`Heartbeat window of ${center.name}`}>
      <div className="form-grid">
        <div className="field span-all">
          <label htmlFor={`${p}-description`}>Description</label>
          <input id={`${p}-description`} maxLength={2000} value={description} onChange={(e) => setDescription(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${p}-interval`}>Heartbeat interval (seconds)</label>
          <input id={`${p}-interval`} type="number" min={10} max={86400} required value={intervalText} onChange={(e) => setIntervalText(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${p}-silent`}>Silent after (seconds)</label>
          <input id={`${p}-silent`} type="number" min={10} max={604800} required value={silentAfter} onChange={(e) => setSilentAfter(e.target.value)} />
        </div>
      </div>
      <p className="muted small flush">
        Late after {formatDuration(Number(intervalText) || 0)} without a heartbeat; silent, with an alert to analysts, after {formatDuration(Number(silentAfter) || 0)}.
      </p>
      <ErrorAlert error={error} title="The center was not saved" />
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? 'Saving…' : 'Save heartbeat window'}
        </button>
        <button type="button" className="btn btn-ghost" onClick={onClose}>
          Close
        </button>
      </div>
    </form>
  );
}

function ContactsEditor({ center, onChange }: { center: BoardCenterDetail; onChange: (contacts: CenterContact[]) => void }) {
  const [name, setName] = useState('');
  const [role, setRole] = useState('');
  const [email, setEmail] = useState('');
  const [phone, setPhone] = useState('');
  const [is24x7, setIs24x7] = useState(true);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const add = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const contact = await centersApi.addContact(center.id, { name: name.trim(), role: role.trim(), email: email.trim(), phone: phone.trim() || null, is24x7 });
      onChange([...center.contacts, contact].sort((a, b) => Number(b.is24x7) - Number(a.is24x7) || a.name.localeCompare(b.name)));
      setName('');
      setRole('');
      setEmail('');
      setPhone('');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const remove = async (contact: CenterContact) => {
    setError(null);
    try {
      await centersApi.removeContact(center.id, contact.id);
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 404)) {
        setError(err);
        return;
      }
    }
    onChange(center.contacts.filter((x) => x.id !== contact.id));
  };

  const p = `center-contact-${center.id}`;
  return (
    <div className="stack">
      <h3>Duty contacts</h3>
      <div className="table-wrap">
        <table className="table" data-testid="center-contacts-table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Role</th>
              <th scope="col">E-mail</th>
              <th scope="col">Phone</th>
              <th scope="col">Availability</th>
              <th scope="col" className="actions">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {center.contacts.map((x) => (
              <tr key={x.id} data-testid="center-contact-row">
                <td className="strong">{x.name}</td>
                <td>{x.role}</td>
                <td>{x.email}</td>
                <td>{x.phone ?? <span className="muted">—</span>}</td>
                <td>{x.is24x7 ? <span className="badge badge-247">24/7</span> : <span className="muted">Office hours</span>}</td>
                <td className="actions">
                  <button type="button" className="btn btn-small btn-danger-ghost" aria-label={`Delete contact ${x.name}`} onClick={() => void remove(x)}>
                    Delete
                  </button>
                </td>
              </tr>
            ))}
            {center.contacts.length === 0 && (
              <tr>
                <td colSpan={6} className="empty">
                  No contacts yet.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      <form className="form-grid" onSubmit={add} aria-label={`New contact of ${center.name}`}>
        <div className="field">
          <label htmlFor={`${p}-name`}>Contact name</label>
          <input id={`${p}-name`} required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${p}-role`}>Role</label>
          <input id={`${p}-role`} required maxLength={100} placeholder="e.g. Duty officer" value={role} onChange={(e) => setRole(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${p}-email`}>E-mail</label>
          <input id={`${p}-email`} type="email" required maxLength={254} value={email} onChange={(e) => setEmail(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${p}-phone`}>Phone</label>
          <input id={`${p}-phone`} type="tel" maxLength={40} value={phone} onChange={(e) => setPhone(e.target.value)} />
        </div>
        <div className="field field-check">
          <input id={`${p}-247`} type="checkbox" checked={is24x7} onChange={(e) => setIs24x7(e.target.checked)} />
          <label htmlFor={`${p}-247`}>Reachable 24/7</label>
        </div>
        <div className="form-actions">
          <button type="submit" className="btn" disabled={busy}>
            {busy ? 'Adding…' : 'Add contact'}
          </button>
        </div>
      </form>
      <ErrorAlert error={error} title="The contact was not changed" />
    </div>
  );
}
