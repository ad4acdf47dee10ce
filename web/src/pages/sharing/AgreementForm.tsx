import { useState } from 'react';
import type { FormEvent } from 'react';
import type { Tlp } from '../../api-intel';
import { sharingApi } from '../../api-sharing';
import type { Agreement, AgreementFields, Direction } from '../../api-sharing';
import { ErrorAlert } from '../../components/Alert';
import { markingLabel } from '../../components/incidents/labels';
import { useAction, useSectors } from '../../hooks';
import { listOrNull } from './labels';

const TLPS: Tlp[] = ['clear', 'green', 'amber', 'amber+strict', 'red'];
const pad = (n: number) => String(n).padStart(2, '0');

/** ISO -> the value of a datetime-local input, in the browser's zone. */
function toLocal(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

const fromLocal = (v: string) => (v ? new Date(v).toISOString() : null);

function TlpChecks({ value, onChange }: { value: Tlp[]; onChange: (v: Tlp[]) => void }) {
  return (
    <fieldset className="checks sharing-checks">
      <legend>TLP levels</legend>
      {TLPS.map((t) => (
        <label key={t} className="field-check">
          <input type="checkbox" checked={value.includes(t)} onChange={(e) => onChange(e.target.checked ? [...value, t] : value.filter((x) => x !== t))} />
          {markingLabel('TLP', t)}
        </label>
      ))}
      <span className="help">RED and AMBER+STRICT never leave, whatever is ticked (they only matter inbound).</span>
    </fieldset>
  );
}

function SectorChecks({ value, onChange }: { value: string[]; onChange: (v: string[]) => void }) {
  const { sectors } = useSectors();
  return (
    <fieldset className="checks sharing-checks">
      <legend>Sectors (none ticked: any)</legend>
      {sectors.map((s) => (
        <label key={s.code} className="field-check">
          <input type="checkbox" checked={value.includes(s.code)} onChange={(e) => onChange(e.target.checked ? [...value, s.code] : value.filter((x) => x !== s.code))} />
          {s.name}
        </label>
      ))}
    </fieldset>
  );
}

function useAgreementState(a?: Agreement) {
  const [f, setF] = useState({
    title: a?.title ?? '',
    purpose: a?.purpose ?? '',
    direction: a?.direction ?? ('outbound' as Direction),
    tlpLevels: a?.tlpLevels ?? (['clear', 'green'] as Tlp[]),
    rsit: (a?.rsitClasses ?? []).join(', '),
    types: (a?.objectTypes ?? []).join(', '),
    sectors: a?.sectors ?? ([] as string[]),
    community: a?.community ?? false,
    constituentIdentities: a?.constituentIdentities ?? ('remove' as AgreementFields['constituentIdentities']),
    constituentAddresses: a?.constituentAddresses ?? ('generalize' as AgreementFields['constituentAddresses']),
    validFrom: toLocal(a?.validFrom ?? new Date().toISOString()),
    validUntil: toLocal(a?.validUntil),
    status: a?.status ?? ('active' as Agreement['status']),
  });
  const set = <K extends keyof typeof f>(k: K, v: (typeof f)[K]) => setF((prev) => ({ ...prev, [k]: v }));
  const fields = (): AgreementFields => ({
    title: f.title.trim(),
    purpose: f.purpose.trim(),
    direction: f.direction,
    tlpLevels: TLPS.filter((t) => f.tlpLevels.includes(t)),
    rsitClasses: listOrNull(f.rsit),
    objectTypes: listOrNull(f.types),
    sectors: f.sectors.length ? f.sectors : null,
    community: f.community,
    constituentIdentities: f.constituentIdentities,
    constituentAddresses: f.constituentAddresses,
    validFrom: fromLocal(f.validFrom) ?? new Date().toISOString(),
    validUntil: fromLocal(f.validUntil),
  });
  return { f, set, fields };
}

/** Creates an agreement for a partner, or edits one: every policy dimension the sharing engine enforces. */
export function AgreementForm({ partnerId, agreement, onDone, onCancel }: { partnerId: string; agreement?: Agreement; onDone: (a: Agreement) => void; onCancel: () => void }) {
  const { f, set, fields } = useAgreementState(agreement);
  const { busy, error, act } = useAction();
  const id = (k: string) => `agr-${agreement?.id ?? 'new'}-${k}`;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    await act(async () => {
      onDone(agreement ? await sharingApi.updateAgreement(partnerId, agreement.id, { ...fields(), status: f.status }) : await sharingApi.createAgreement(partnerId, fields()));
    });
  };

  return (
    <form className="card form" aria-label={agreement ? 'Edit agreement' : 'New agreement'} onSubmit={(e) => void submit(e)}>
      <h2>{agreement ? `Edit ${agreement.title}` : 'New agreement'}</h2>
      <div className="row">
        <div className="field field-grow">
          <label htmlFor={id('title')}>Title</label>
          <input id={id('title')} required value={f.title} onChange={(e) => set('title', e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={id('direction')}>Direction</label>
          <select id={id('direction')} value={f.direction} onChange={(e) => set('direction', e.target.value as Direction)}>
            <option value="outbound">Outbound (partner reads)</option>
            <option value="inbound">Inbound (partner posts)</option>
            <option value="both">Both</option>
          </select>
        </div>
        {agreement && (
          <div className="field">
            <label htmlFor={id('status')}>Status</label>
            <select id={id('status')} value={f.status} onChange={(e) => set('status', e.target.value as Agreement['status'])}>
              <option value="active">Active</option>
              <option value="terminated">Terminated</option>
            </select>
          </div>
        )}
      </div>
      <div className="field">
        <label htmlFor={id('purpose')}>Purpose</label>
        <textarea id={id('purpose')} required rows={2} value={f.purpose} onChange={(e) => set('purpose', e.target.value)} />
      </div>
      <TlpChecks value={f.tlpLevels} onChange={(v) => set('tlpLevels', v)} />
      <div className="row">
        <div className="field field-grow">
          <label htmlFor={id('rsit')}>RSIT classes (comma-separated; empty: any)</label>
          <input id={id('rsit')} value={f.rsit} onChange={(e) => set('rsit', e.target.value)} placeholder="malicious-code, fraud/phishing" />
        </div>
        <div className="field field-grow">
          <label htmlFor={id('types')}>STIX types (comma-separated; empty: any)</label>
          <input id={id('types')} value={f.types} onChange={(e) => set('types', e.target.value)} placeholder="indicator, malware, relationship" />
        </div>
      </div>
      <SectorChecks value={f.sectors} onChange={(v) => set('sectors', v)} />
      <div className="row">
        <label className="field-check">
          <input type="checkbox" checked={f.community} onChange={(e) => set('community', e.target.checked)} />
          In our community (third-party TLP:GREEN may be passed on)
        </label>
      </div>
      <div className="row">
        <div className="field">
          <label htmlFor={id('ids')}>Constituent identities</label>
          <select id={id('ids')} value={f.constituentIdentities} onChange={(e) => set('constituentIdentities', e.target.value as AgreementFields['constituentIdentities'])}>
            <option value="remove">Remove</option>
            <option value="keep">Keep</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor={id('addr')}>Constituent addresses</label>
          <select id={id('addr')} value={f.constituentAddresses} onChange={(e) => set('constituentAddresses', e.target.value as AgreementFields['constituentAddresses'])}>
            <option value="generalize">Generalize</option>
            <option value="remove">Remove</option>
            <option value="keep">Keep</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor={id('from')}>Valid from</label>
          <input id={id('from')} type="datetime-local" required value={f.validFrom} onChange={(e) => set('validFrom', e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={id('until')}>Valid until (empty: open-ended)</label>
          <input id={id('until')} type="datetime-local" value={f.validUntil} onChange={(e) => set('validUntil', e.target.value)} />
        </div>
      </div>
      <ErrorAlert error={error} title="The agreement was not saved" />
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {agreement ? 'Save agreement' : 'Create agreement'}
        </button>
        <button type="button" className="btn btn-ghost" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
