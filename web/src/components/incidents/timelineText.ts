// Human sentences for the timeline's entries (`kind` + `data` as the server records them).
import type { IncidentState, TimelineEntry } from '../../api-incidents';
import { formatDateTime } from '../../format';
import { STATE_LABELS, SEVERITY_LABELS, humanize } from './labels';

type Change = { from: unknown; to: unknown };
type Data = Record<string, unknown>;

export interface Names {
  /** null: a name this caller cannot see */
  userName: (id: string) => string | null;
  centerName: (id: string) => string | null;
}

export interface TimelineLine {
  text: string;
  /** A reason or a comment, shown under the sentence. */
  detail: string | null;
  /** An incident the entry points at (merges): `{ref}` in `text` marks where its link goes. */
  link: { id: string; label: string } | null;
}

const FIELD_LABELS: Record<string, string> = {
  title: 'title',
  description: 'description',
  severity: 'severity',
  rsit_taxonomy: 'RSIT class',
  rsit_type: 'RSIT type',
  tlp: 'TLP',
  pap: 'PAP',
  organization_id: 'organization',
  cii_object: 'CII object',
  affected_systems: 'affected systems',
  detected_at: 'detection time',
  started_at: 'start time',
  state: 'state',
  closed_at: 'closing time',
  assignee_user_id: 'analyst',
  assignee_center_id: 'center',
  merged_into: 'merged into',
};
// Short values worth showing as "from → to".
const SHOWN = new Set(['severity', 'tlp', 'pap', 'rsit_taxonomy', 'rsit_type', 'state']);

const str = (v: unknown) => (typeof v === 'string' ? v : v === null || v === undefined ? '' : String(v));
const obj = (v: unknown): Data => (v && typeof v === 'object' ? (v as Data) : {});
const stateName = (s: unknown) => STATE_LABELS[str(s) as IncidentState] ?? str(s);

function valueText(field: string, v: unknown): string {
  if (v === null || v === undefined || v === '') return 'none';
  if (field === 'state') return stateName(v);
  if (field === 'severity') return SEVERITY_LABELS[str(v) as keyof typeof SEVERITY_LABELS] ?? str(v);
  if (field === 'tlp' || field === 'pap') return str(v).toUpperCase();
  return str(v);
}

/** "severity (High → Critical), title" */
export function describeChanges(changes: unknown): string {
  return Object.entries(obj(changes))
    .filter(([field]) => field !== 'closed_at')
    .map(([field, c]) => {
      const label = FIELD_LABELS[field] ?? humanize(field).toLowerCase();
      const { from, to } = obj(c) as Change;
      return SHOWN.has(field) ? `${label} (${valueText(field, from)} → ${valueText(field, to)})` : label;
    })
    .join(', ');
}

const clip = (s: string, n = 280) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

export function describeEntry(e: TimelineEntry, names: Names): TimelineLine {
  const d = obj(e.data);
  const line = (text: string, detail: string | null = null, link: TimelineLine['link'] = null): TimelineLine => ({ text, detail, link });
  const changes = obj(d.changes);
  switch (e.kind) {
    case 'created': {
      if (d.source === 'center') return line(`Notified by a center${d.centerStatus ? ` (center status: ${str(d.centerStatus)})` : ''}`);
      if (d.source === 'report') return line('Opened from a public report');
      return line('Incident opened');
    }
    case 'transitioned':
      return line(`State changed from ${stateName(d.from)} to ${stateName(d.to)}`, str(d.reason) || null);
    case 'assigned': {
      const parts: string[] = [];
      if ('assignee_user_id' in changes) {
        const to = str(obj(changes.assignee_user_id).to) || null;
        const name = to && names.userName(to);
        parts.push(to ? (name ? `analyst ${name}` : 'an analyst') : 'analyst removed');
      }
      if ('assignee_center_id' in changes) {
        const to = str(obj(changes.assignee_center_id).to) || null;
        const name = to && names.centerName(to);
        parts.push(to ? (name ? `center ${name}` : 'a center') : 'center removed');
      }
      return line(parts.length ? `Assigned: ${parts.join('; ')}` : 'Assignment confirmed (no change)');
    }
    case 'updated': {
      const what = describeChanges(changes);
      return line(what ? `Updated ${what}` : 'Updated (no change)');
    }
    case 'center_update': {
      const what = describeChanges(changes);
      const added = Array.isArray(d.observablesAdded) ? d.observablesAdded.length : 0;
      const parts = [what && `changed ${what}`, added && `${added} observable${added === 1 ? '' : 's'} added`].filter(Boolean);
      return line(`Center update${d.centerStatus ? ` (center status: ${str(d.centerStatus)})` : ''}${parts.length ? `: ${parts.join('; ')}` : ''}`);
    }
    case 'task_added':
      return line(`Task added: “${str(obj(d.task).title)}”`);
    case 'task_updated': {
      const before = obj(d.before);
      const after = obj(d.after);
      const title = str(after.title || before.title);
      if (before.status !== after.status) return line(after.status === 'done' ? `Task done: “${title}”` : `Task reopened: “${title}”`);
      return line(`Task updated: “${title}”`);
    }
    case 'commented':
      return line('Commented', clip(str(d.body)) || null);
    case 'clocks_paused':
      return line('SLA clocks paused', str(d.reason) || null);
    case 'clocks_resumed':
      return line('SLA clocks resumed', str(d.reason) || null);
    case 'clock_met':
      return line(`${str(d.label) || str(d.clock)} met${d.late ? ' (late)' : ''}`);
    case 'clock_escalated':
      return line(`${str(d.label) || str(d.clock)}: deadline approaching (due ${formatDateTime(str(d.dueAt))})`);
    case 'clock_breached':
      return line(`${str(d.label) || str(d.clock)}: deadline missed (was due ${formatDateTime(str(d.dueAt))})`);
    case 'merged':
      return d.into ? line('Merged into {ref}', null, { id: str(d.into), label: str(d.intoRef) || 'another incident' }) : line('Merged into another incident');
    case 'merge_received': {
      const n = Number(d.observablesAdded ?? 0);
      const text = `{ref} merged into this one (${n} observable${n === 1 ? '' : 's'} added)`;
      return d.from ? line(text, null, { id: str(d.from), label: str(d.fromRef) || 'An incident' }) : line(text.replace('{ref}', 'An incident'));
    }
    default:
      return line(humanize(e.kind));
  }
}
