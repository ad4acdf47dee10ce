import type { IncidentState } from './incidents.tables.ts';

/**
 * The case lifecycle: new → triaged → in progress (containment → eradication → recovery) →
 * resolved → closed, with rejected, duplicate and merged as ends; a resolved case can reopen.
 */
const NEXT: Record<IncidentState, readonly IncidentState[]> = {
  new: ['triaged', 'rejected', 'duplicate'],
  triaged: ['containment', 'eradication', 'recovery', 'resolved', 'rejected', 'duplicate'],
  containment: ['eradication', 'recovery', 'resolved'],
  eradication: ['recovery', 'resolved'],
  recovery: ['resolved'],
  resolved: ['closed', 'containment'],
  closed: [],
  rejected: [],
  duplicate: [],
  merged: [],
};

export const STATES = Object.keys(NEXT) as IncidentState[];
export const OPEN_STATES: readonly IncidentState[] = ['new', 'triaged', 'containment', 'eradication', 'recovery'];
export const END_STATES: readonly IncidentState[] = ['closed', 'rejected', 'duplicate', 'merged'];

/** The states a case in `from` may move to (merging is its own action, not a transition). */
export function allowedTransitions(from: IncidentState): readonly IncidentState[] {
  return NEXT[from];
}

export function canTransition(from: IncidentState, to: IncidentState): boolean {
  return NEXT[from].includes(to);
}
