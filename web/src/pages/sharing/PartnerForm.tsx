import { useState } from 'react';
import type { FormEvent } from 'react';
import { sharingApi } from '../../api-sharing';
import type { Partner, PartnerContact, PartnerKind, PartnerStatus } from '../../api-sharing';
import { ErrorAlert } from '../../components/Alert';
import { PARTNER_KINDS } from './labels';
import { useAction } from '../../hooks';

const EMPTY_CONTACT: PartnerContact = { name: '', email: '' };

/** Drops empty optional contact fields so the API does not reject "" as a phone or fingerprint. */
function cleanContact(c: PartnerContact): PartnerContact {
  const out: PartnerContact = { name: c.name.trim(), email: c.email.trim() };
  if (c.role?.trim()) out.role = c.role.trim();
  if (c.phone?.trim()) out.phone = c.phone.trim();
  if (c.pgpFingerprint?.trim()) out.pgpFingerprint = c.pgpFingerprint.trim();
  return out;
}

function ContactRow({ c, n, onChange, onRemove }: { c: PartnerContact; n: number; onChange: (c: PartnerContact) => void; onRemove: () => void }) {
  const field = (key: keyof PartnerContact, label: string, type = 'text', required = false) => (
    <div className="field">
      <label htmlFor={`pc-${n}-${key}`}>{label}</label>
      <input id={`pc-${n}-${key}`} type={type} required={required} value={c[key] ?? ''} onChange={(e) => onChange({ ...c, [key]: e.target.value })} />
    </div>
  );
  return (
    <fieldset className="row sharing-contact">
      <legend className="visually-hidden">Contact {n + 1}</legend>
      {field('name', 'Contact name', 'text', true)}
      {field('role', 'Role')}
      {field('email', 'E-mail', 'email', true)}
      {field('phone', 'Phone', 'tel')}
      {field('pgpFingerprint', 'PGP fingerprint')}
      <button type="button" className="btn btn-ghost btn-small" onClick={onRemove}>
        Remove
      </button>
    </fieldset>
  );
}

/** Registers a partner CERT or body, or edits one (`partner` given). */
export function PartnerForm({ partner, onDone, onCancel }: { partner?: Partner; onDone: (p: Partner) => void; onCancel: () => void }) {
  const [name, setName] = useState(partner?.name ?? '');
  const [country, setCountry] = useState(partner?.country ?? '');
  const [kind, setKind] = useState<PartnerKind>(partner?.kind ?? 'national_cert');
  const [status, setStatus] = useState<PartnerStatus>(partner?.status ?? 'active');
  const [description, setDescription] = useState(partner?.description ?? '');
  const [contacts, setContacts] = useState<PartnerContact[]>(partner?.contacts ?? []);
  const { busy, error, act } = useAction();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const input = { name: name.trim(), country: country.trim().toUpperCase(), kind, status, description: description.trim() || null, contacts: contacts.map(cleanContact) };
    await act(async () => {
      onDone(partner ? await sharingApi.updatePartner(partner.id, input) : await sharingApi.createPartner(input));
    });
  };

  return (
    <form className="card form" aria-label={partner ? 'Edit partner' : 'New partner'} onSubmit={(e) => void submit(e)}>
      <h2>{partner ? `Edit ${partner.name}` : 'New partner'}</h2>
      <div className="row">
        <div className="field field-grow">
          <label htmlFor="partner-name">Name</label>
          <input id="partner-name" required value={name} onChange={(e) => setName(e.target.value)} placeholder="CERT-EX" />
        </div>
        <div className="field">
          <label htmlFor="partner-country">Country</label>
          <input id="partner-country" required value={country} maxLength={3} size={5} onChange={(e) => setCountry(e.target.value)} placeholder="DE or INT" />
        </div>
        <div className="field">
          <label htmlFor="partner-kind">Kind</label>
          <select id="partner-kind" value={kind} onChange={(e) => setKind(e.target.value as PartnerKind)}>
            {PARTNER_KINDS.map((k) => (
              <option key={k.value} value={k.value}>
                {k.label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="partner-status">Status</label>
          <select id="partner-status" value={status} onChange={(e) => setStatus(e.target.value as PartnerStatus)}>
            <option value="active">Active</option>
            <option value="suspended">Suspended (receives nothing)</option>
          </select>
        </div>
      </div>
      <div className="field">
        <label htmlFor="partner-description">Description</label>
        <textarea id="partner-description" rows={2} value={description} onChange={(e) => setDescription(e.target.value)} />
      </div>
      <div className="stack">
        <h3 className="small">Contacts</h3>
        {contacts.map((c, n) => (
          <ContactRow key={n} c={c} n={n} onChange={(next) => setContacts(contacts.map((x, i) => (i === n ? next : x)))} onRemove={() => setContacts(contacts.filter((_, i) => i !== n))} />
        ))}
        <div>
          <button type="button" className="btn btn-small" onClick={() => setContacts([...contacts, { ...EMPTY_CONTACT }])}>
            Add contact
          </button>
        </div>
      </div>
      <ErrorAlert error={error} title="The partner was not saved" />
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {partner ? 'Save partner' : 'Create partner'}
        </button>
        <button type="button" className="btn btn-ghost" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
