import { useState } from 'react';
import type { FormEvent } from 'react';
import { ApiError, api } from '../api';
import type { Contact } from '../api';
import { formatFingerprint } from '../format';
import { ErrorAlert } from './Alert';

export function ContactsSection({
  orgId,
  contacts,
  editable,
  onAdded,
  onRemoved,
  onError,
}: {
  orgId: string;
  contacts: Contact[];
  editable: boolean;
  onAdded: (c: Contact) => void;
  onRemoved: (id: string) => void;
  onError: (e: unknown) => void;
}) {
  const [name, setName] = useState('');
  const [role, setRole] = useState('');
  const [email, setEmail] = useState('');
  const [phone, setPhone] = useState('');
  const [is24x7, setIs24x7] = useState(false);
  const [pgpKey, setPgpKey] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [deleting, setDeleting] = useState<string | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const contact = await api.addContact(orgId, {
        name: name.trim(),
        role: role.trim(),
        email: email.trim(),
        is24x7,
        ...(phone.trim() ? { phone: phone.trim() } : {}),
        ...(pgpKey.trim() ? { pgpKey: pgpKey.trim() } : {}),
      });
      onAdded(contact);
      setName('');
      setRole('');
      setEmail('');
      setPhone('');
      setIs24x7(false);
      setPgpKey('');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const remove = async (c: Contact) => {
    setDeleting(c.id);
    onError(null);
    try {
      await api.deleteContact(orgId, c.id);
      onRemoved(c.id);
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) onRemoved(c.id);
      else onError(err);
    } finally {
      setDeleting(null);
    }
  };

  return (
    <section className="card" aria-labelledby="contacts-title">
      <h2 id="contacts-title">
        Contacts <span className="count">{contacts.length}</span>
      </h2>
      <div className="table-wrap">
        <table className="table" data-testid="contacts-table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Role</th>
              <th scope="col">E-mail</th>
              <th scope="col">Phone</th>
              <th scope="col">Availability</th>
              <th scope="col">PGP fingerprint</th>
              {editable && (
                <th scope="col" className="actions">
                  <span className="visually-hidden">Actions</span>
                </th>
              )}
            </tr>
          </thead>
          <tbody>
            {contacts.map((c) => (
              <tr key={c.id} data-testid="contact-row">
                <td className="strong">{c.name}</td>
                <td>{c.role}</td>
                <td>
                  <a href={`mailto:${c.email}`}>{c.email}</a>
                </td>
                <td>{c.phone ? <a href={`tel:${c.phone.replace(/[^+\d]/g, '')}`}>{c.phone}</a> : <span className="muted">—</span>}</td>
                <td>{c.is24x7 ? <span className="badge badge-247">24/7</span> : <span className="muted">Office hours</span>}</td>
                <td className="mono small">
                  {c.pgpFingerprint ? formatFingerprint(c.pgpFingerprint) : <span className="muted">—</span>}
                </td>
                {editable && (
                  <td className="actions">
                    <button
                      type="button"
                      className="btn btn-small btn-danger-ghost"
                      aria-label={`Delete contact ${c.name}`}
                      disabled={deleting === c.id}
                      onClick={() => void remove(c)}
                    >
                      Delete
                    </button>
                  </td>
                )}
              </tr>
            ))}
            {contacts.length === 0 && (
              <tr>
                <td colSpan={editable ? 7 : 6} className="empty">
                  No contacts registered.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>

      {editable && (
        <form className="form-grid contact-form" onSubmit={submit} aria-label="Add contact" data-testid="add-contact-form">
          <div className="field">
            <label htmlFor="contact-name">Contact name</label>
            <input id="contact-name" required value={name} onChange={(e) => setName(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="contact-role">Role</label>
            <input
              id="contact-role"
              required
              placeholder="e.g. Security officer"
              value={role}
              onChange={(e) => setRole(e.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor="contact-email">E-mail</label>
            <input id="contact-email" type="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="contact-phone">Phone (optional)</label>
            <input id="contact-phone" type="tel" value={phone} onChange={(e) => setPhone(e.target.value)} />
          </div>
          <div className="field field-check">
            <input id="contact-247" type="checkbox" checked={is24x7} onChange={(e) => setIs24x7(e.target.checked)} />
            <label htmlFor="contact-247">Reachable 24/7</label>
          </div>
          <div className="field span-all">
            <label htmlFor="contact-pgp">PGP public key (optional)</label>
            <textarea
              id="contact-pgp"
              className="mono"
              rows={3}
              spellCheck={false}
              placeholder="-----BEGIN PGP PUBLIC KEY BLOCK-----"
              value={pgpKey}
              onChange={(e) => setPgpKey(e.target.value)}
            />
          </div>
          <div className="form-actions span-all">
            <button type="submit" className="btn btn-primary" disabled={busy}>
              {busy ? 'Adding…' : 'Add contact'}
            </button>
          </div>
          {error !== null && (
            <div className="span-all">
              <ErrorAlert error={error} title="The contact was not added" />
            </div>
          )}
        </form>
      )}
    </section>
  );
}
