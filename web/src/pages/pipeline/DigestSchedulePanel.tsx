import { useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import { pipelineApi } from '../../api-pipeline';
import type { DigestFrequency, DigestSchedule } from '../../api-pipeline';
import { ErrorAlert, Notice } from '../../components/Alert';
import { formatDateTime } from '../../format';
import { useLoad } from '../../hooks';

const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/** An organization's digest schedule and recipients, and "send now" (national CERT staff edit; others read). */
export function DigestSchedulePanel({ organizationId, canEdit, onSent }: { organizationId: string; canEdit: boolean; onSent: () => void }) {
  const loaded = useLoad(`digest-schedule:${organizationId}`, (signal) => pipelineApi.schedule(organizationId, signal));
  const [s, setS] = useState<DigestSchedule | null>(null);
  const [roles, setRoles] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const endpoints = useLoad(`webhook-endpoints:${canEdit}`, (signal) => (canEdit ? pipelineApi.webhookEndpoints(signal).catch(() => []) : Promise.resolve([])));
  useEffect(() => {
    if (loaded.data) {
      setS(loaded.data);
      setRoles(loaded.data.emailRoles.join(', '));
    }
  }, [loaded.data]);
  if (!s) return <ErrorAlert error={loaded.error} />;

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setNotice(null);
    try {
      const emailRoles = roles.split(/[,;]/).map((r) => r.trim()).filter(Boolean);
      const next = await pipelineApi.setSchedule(organizationId, { frequency: s.frequency, hourUtc: s.hourUtc, weekday: s.weekday, emailTo: s.emailTo, emailRoles, webhookEndpointIds: s.webhookEndpointIds });
      setS(next);
      setNotice(next.nextPeriodEnd ? `Saved. Next digest after ${formatDateTime(next.nextPeriodEnd)}.` : 'Saved. No scheduled digests.');
    } catch (err) {
      setError(err);
    }
  };
  const sendNow = async () => {
    setError(null);
    setNotice(null);
    try {
      const d = await pipelineApi.sendDigest(organizationId);
      setNotice(`Digest queued for ${formatDateTime(d.periodStart)} – ${formatDateTime(d.periodEnd)}.`);
      onSent();
    } catch (err) {
      setError(err);
    }
  };
  const toggleEndpoint = (id: string, on: boolean) => setS({ ...s, webhookEndpointIds: on ? [...s.webhookEndpointIds, id] : s.webhookEndpointIds.filter((x) => x !== id) });

  return (
    <form className="card form" aria-label="Digest schedule" onSubmit={(e) => void save(e)}>
      <h2>Digest schedule</h2>
      <div className="row">
        <div className="field">
          <label htmlFor="dg-frequency">Frequency</label>
          <select id="dg-frequency" disabled={!canEdit} value={s.frequency} onChange={(e) => setS({ ...s, frequency: e.target.value as DigestFrequency })}>
            <option value="off">Off</option>
            <option value="hourly">Hourly</option>
            <option value="daily">Daily</option>
            <option value="weekly">Weekly</option>
          </select>
        </div>
        {(s.frequency === 'daily' || s.frequency === 'weekly') && (
          <div className="field">
            <label htmlFor="dg-hour">Hour (UTC)</label>
            <input id="dg-hour" type="number" min={0} max={23} disabled={!canEdit} value={s.hourUtc} onChange={(e) => setS({ ...s, hourUtc: Number(e.target.value) })} />
          </div>
        )}
        {s.frequency === 'weekly' && (
          <div className="field">
            <label htmlFor="dg-weekday">Day</label>
            <select id="dg-weekday" disabled={!canEdit} value={s.weekday} onChange={(e) => setS({ ...s, weekday: Number(e.target.value) })}>
              {WEEKDAYS.map((d, i) => (
                <option key={d} value={i + 1}>
                  {d}
                </option>
              ))}
            </select>
          </div>
        )}
        <div className="field">
          <label htmlFor="dg-to">E-mail to</label>
          <select id="dg-to" disabled={!canEdit} value={s.emailTo} onChange={(e) => setS({ ...s, emailTo: e.target.value as DigestSchedule['emailTo'] })}>
            <option value="duty">24/7 contacts</option>
            <option value="roles">Contacts with these roles</option>
            <option value="none">Nobody (webhooks only)</option>
          </select>
        </div>
        {s.emailTo === 'roles' && (
          <div className="field field-grow">
            <label htmlFor="dg-roles">Roles</label>
            <input id="dg-roles" disabled={!canEdit} value={roles} onChange={(e) => setRoles(e.target.value)} placeholder="security, abuse" />
          </div>
        )}
      </div>
      {canEdit && (endpoints.data ?? []).length > 0 && (
        <fieldset className="field">
          <legend>Signed webhooks</legend>
          {(endpoints.data ?? []).map((ep) => (
            <label key={ep.id} className="check">
              <input type="checkbox" checked={s.webhookEndpointIds.includes(ep.id)} onChange={(e) => toggleEndpoint(ep.id, e.target.checked)} /> {ep.name}
            </label>
          ))}
        </fieldset>
      )}
      <p className="muted">
        Last digest up to: {s.lastPeriodEnd ? formatDateTime(s.lastPeriodEnd) : 'never'} · next: {s.nextPeriodEnd ? formatDateTime(s.nextPeriodEnd) : '—'}
      </p>
      {notice && <Notice kind="success" testId="digest-notice">{notice}</Notice>}
      <ErrorAlert error={error} />
      {canEdit && (
        <div className="row">
          <button type="submit" className="btn btn-primary">
            Save schedule
          </button>
          <button type="button" className="btn" onClick={() => void sendNow()}>
            Send digest now
          </button>
        </div>
      )}
    </form>
  );
}
