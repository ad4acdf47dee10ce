import type { ColumnType, Generated, Selectable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Json = ColumnType<unknown, string, string>;

export type IncidentState = 'new' | 'triaged' | 'containment' | 'eradication' | 'recovery' | 'resolved' | 'closed' | 'rejected' | 'duplicate' | 'merged';
export type Severity = 'critical' | 'high' | 'medium' | 'low';
export type Tlp = 'clear' | 'green' | 'amber' | 'amber+strict' | 'red';
export type Pap = 'clear' | 'green' | 'amber' | 'red';

export type IncidentsTable = {
  id: string;
  ref: string;
  title: string;
  description: string | null;
  state: IncidentState;
  severity: Severity;
  rsit_taxonomy: string;
  rsit_type: string;
  tlp: Tlp;
  pap: Pap;
  organization_id: string | null;
  cii_object: string | null;
  source: 'analyst' | 'center' | 'report';
  source_center_id: string | null;
  external_id: string | null;
  assignee_user_id: string | null;
  assignee_center_id: string | null;
  detected_at: Timestamp | null;
  started_at: Timestamp | null;
  aware_at: Timestamp;
  affected_systems: string | null;
  merged_into: string | null;
  version: number;
  created_at: Timestamp;
  updated_at: Timestamp;
  closed_at: Timestamp | null;
  search: ColumnType<never, never, never>;
};

export type IncidentObservablesTable = { incident_id: string; type: string; value: string };

export type IncidentTimelineTable = {
  id: Generated<number>;
  incident_id: string;
  at: Timestamp;
  actor_id: string | null;
  actor_label: string;
  kind: string;
  data: Json;
};

export type IncidentTasksTable = {
  id: string;
  incident_id: string;
  title: string;
  status: 'open' | 'done';
  assignee_user_id: string | null;
  due_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
};

export type IncidentCommentsTable = { id: string; incident_id: string; author_id: string | null; author_label: string; body: string; created_at: Timestamp };

declare module '../../platform/db/schema.ts' {
  interface DB {
    incidents: IncidentsTable;
    incident_observables: IncidentObservablesTable;
    incident_timeline: IncidentTimelineTable;
    incident_tasks: IncidentTasksTable;
    incident_comments: IncidentCommentsTable;
  }
}

export type IncidentRow = Omit<Selectable<IncidentsTable>, 'search'>;
export type TaskRow = Selectable<IncidentTasksTable>;
export type CommentRow = Selectable<IncidentCommentsTable>;
export type TimelineRow = Selectable<IncidentTimelineTable>;

export type IncidentClocksTable = {
  incident_id: string;
  kind: string;
  label: string;
  source: 'sla' | 'regulatory';
  started_at: Timestamp;
  due_at: Timestamp;
  met_at: Timestamp | null;
  paused_at: Timestamp | null;
  escalated_at: Timestamp | null;
  breached_at: Timestamp | null;
};
export type SlaPoliciesTable = {
  id: string;
  name: string;
  severity: Severity | null;
  cii_category: string | null;
  acknowledge_minutes: number;
  triage_minutes: number;
  resolve_minutes: number;
  priority: number;
  created_at: Generated<Timestamp>;
};
export type RegulatoryRegimesTable = { code: string; name: string; is_active: boolean; applies_to: Json; deadlines: Json };

declare module '../../platform/db/schema.ts' {
  interface DB {
    incident_clocks: IncidentClocksTable;
    sla_policies: SlaPoliciesTable;
    regulatory_regimes: RegulatoryRegimesTable;
  }
}

export type ClockRow = Selectable<IncidentClocksTable>;
