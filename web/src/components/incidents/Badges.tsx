import type { IncidentState, Severity } from '../../api-incidents';
import { SEVERITY_LABELS, STATE_LABELS, markingLabel } from './labels';

export function SeverityBadge({ severity }: { severity: string }) {
  return (
    <span className={`badge sev sev-${severity}`} data-testid="incident-severity" data-severity={severity}>
      {SEVERITY_LABELS[severity as Severity] ?? severity}
    </span>
  );
}

export function StateBadge({ state }: { state: string }) {
  return (
    <span className={`badge state state-${state}`} data-testid="incident-state" data-state={state}>
      {STATE_LABELS[state as IncidentState] ?? state}
    </span>
  );
}

/** TLP 2.0 marking in its own colors (text on black, as FIRST specifies). */
export function TlpBadge({ tlp }: { tlp: string }) {
  const cls = tlp.replace('+strict', '-strict');
  return (
    <span className={`marking tlp-${cls}`} data-testid="incident-tlp" data-tlp={tlp} title="Traffic Light Protocol: who may receive this">
      {markingLabel('TLP', tlp)}
    </span>
  );
}

/** Permissible Actions Protocol: what may be done with the information. */
export function PapBadge({ pap }: { pap: string }) {
  return (
    <span className={`marking pap-${pap}`} data-testid="incident-pap" data-pap={pap} title="Permissible Actions Protocol: what may be done with it">
      {markingLabel('PAP', pap)}
    </span>
  );
}
