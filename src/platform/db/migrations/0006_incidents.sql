-- Incidents: the case, its observables, timeline, tasks and comments.

CREATE SEQUENCE incident_ref_seq;

CREATE TABLE incidents (
  id uuid PRIMARY KEY,
  ref text NOT NULL UNIQUE,
  title text NOT NULL,
  description text,
  state text NOT NULL CHECK (state IN ('new', 'triaged', 'containment', 'eradication', 'recovery', 'resolved', 'closed', 'rejected', 'duplicate', 'merged')),
  severity text NOT NULL CHECK (severity IN ('critical', 'high', 'medium', 'low')),
  rsit_taxonomy text NOT NULL,
  rsit_type text NOT NULL,
  tlp text NOT NULL CHECK (tlp IN ('clear', 'green', 'amber', 'amber+strict', 'red')),
  pap text NOT NULL CHECK (pap IN ('clear', 'green', 'amber', 'red')),
  organization_id uuid REFERENCES organizations (id) ON DELETE SET NULL,
  cii_object text,
  source text NOT NULL CHECK (source IN ('analyst', 'center', 'report')),
  source_center_id uuid REFERENCES centers (id) ON DELETE SET NULL,
  external_id text,
  assignee_user_id uuid REFERENCES users (id) ON DELETE SET NULL,
  assignee_center_id uuid REFERENCES centers (id) ON DELETE SET NULL,
  detected_at timestamptz,
  started_at timestamptz,
  aware_at timestamptz NOT NULL,
  affected_systems text,
  merged_into uuid REFERENCES incidents (id),
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  closed_at timestamptz,
  search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('simple', coalesce(ref, '') || ' ' || coalesce(title, '')), 'A') ||
    setweight(to_tsvector('simple', coalesce(description, '')), 'B')
  ) STORED
);
CREATE UNIQUE INDEX incidents_center_external_uq ON incidents (source_center_id, external_id) WHERE external_id IS NOT NULL;
CREATE INDEX incidents_updated_idx ON incidents (updated_at DESC, id DESC);
CREATE INDEX incidents_state_idx ON incidents (state, updated_at DESC, id DESC);
CREATE INDEX incidents_org_idx ON incidents (organization_id, updated_at DESC);
CREATE INDEX incidents_search_idx ON incidents USING gin (search);

CREATE TABLE incident_observables (
  incident_id uuid NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  type text NOT NULL,
  value text NOT NULL,
  PRIMARY KEY (incident_id, type, value)
);
CREATE INDEX incident_observables_value_idx ON incident_observables (type, value);

CREATE TABLE incident_timeline (
  id bigserial PRIMARY KEY,
  incident_id uuid NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  at timestamptz NOT NULL,
  actor_id uuid,
  actor_label text NOT NULL,
  kind text NOT NULL,
  data jsonb NOT NULL
);
CREATE INDEX incident_timeline_incident_idx ON incident_timeline (incident_id, id);

CREATE TABLE incident_tasks (
  id uuid PRIMARY KEY,
  incident_id uuid NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  title text NOT NULL,
  status text NOT NULL CHECK (status IN ('open', 'done')),
  assignee_user_id uuid REFERENCES users (id) ON DELETE SET NULL,
  due_at timestamptz,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX incident_tasks_incident_idx ON incident_tasks (incident_id);

CREATE TABLE incident_comments (
  id uuid PRIMARY KEY,
  incident_id uuid NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  author_id uuid,
  author_label text NOT NULL,
  body text NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE INDEX incident_comments_incident_idx ON incident_comments (incident_id, created_at);
