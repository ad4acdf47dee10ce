// Names the console shows for the incident vocabulary (states, severities, TLP/PAP, RSIT classes).
import type { IncidentState, Pap, Severity, Tlp } from '../../api-incidents';

export const STATES: readonly IncidentState[] = ['new', 'triaged', 'containment', 'eradication', 'recovery', 'resolved', 'closed', 'rejected', 'duplicate', 'merged'];
/** "Open" in the queue: everything not yet resolved or ended. */
export const OPEN_STATES: readonly IncidentState[] = ['new', 'triaged', 'containment', 'eradication', 'recovery'];

export const STATE_LABELS: Record<IncidentState, string> = {
  new: 'New',
  triaged: 'Triaged',
  containment: 'Containment',
  eradication: 'Eradication',
  recovery: 'Recovery',
  resolved: 'Resolved',
  closed: 'Closed',
  rejected: 'Rejected',
  duplicate: 'Duplicate',
  merged: 'Merged',
};

/** Button labels for moving to a state (from `from`: a resolved case going back to containment is a reopening). */
export function transitionLabel(from: IncidentState, to: IncidentState): string {
  if (from === 'resolved' && to === 'containment') return 'Reopen';
  const labels: Record<IncidentState, string> = {
    new: 'New',
    triaged: 'Triage',
    containment: 'Start containment',
    eradication: 'Eradication',
    recovery: 'Recovery',
    resolved: 'Resolve',
    closed: 'Close',
    rejected: 'Reject',
    duplicate: 'Mark duplicate',
    merged: 'Merge',
  };
  return labels[to];
}

export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low'];
export const SEVERITY_LABELS: Record<Severity, string> = { critical: 'Critical', high: 'High', medium: 'Medium', low: 'Low' };

export const TLPS: readonly Tlp[] = ['clear', 'green', 'amber', 'amber+strict', 'red'];
export const PAPS: readonly Pap[] = ['clear', 'green', 'amber', 'red'];

/** `TLP:AMBER+STRICT`, `PAP:GREEN`. */
export const markingLabel = (scheme: 'TLP' | 'PAP', value: string) => `${scheme}:${value.toUpperCase()}`;

/** The ENISA RSIT classes and their types. */
export const RSIT: Record<string, readonly string[]> = {
  'abusive-content': ['spam', 'harmful-speech', 'violence'],
  'malicious-code': ['infected-system', 'c2-server', 'malware-distribution', 'malware-configuration'],
  'information-gathering': ['scanner', 'sniffing', 'social-engineering'],
  'intrusion-attempts': ['ids-alert', 'brute-force', 'exploit'],
  intrusions: ['privileged-account-compromise', 'unprivileged-account-compromise', 'application-compromise', 'system-compromise', 'burglary'],
  availability: ['dos', 'ddos', 'misconfiguration', 'sabotage', 'outage'],
  'information-content-security': ['unauthorised-information-access', 'unauthorised-information-modification', 'data-loss', 'data-leak'],
  fraud: ['unauthorised-use-of-resources', 'copyright', 'masquerade', 'phishing'],
  vulnerable: ['weak-crypto', 'ddos-amplifier', 'potentially-unwanted-accessible', 'information-disclosure', 'vulnerable-system'],
  other: ['other', 'undetermined'],
  test: ['test'],
};

/** `malicious-code` → `Malicious code`. */
export function humanize(code: string): string {
  const s = code.replace(/[-_]+/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export const SOURCE_LABELS: Record<string, string> = { analyst: 'National CERT', center: 'Center notification', report: 'Public report' };
