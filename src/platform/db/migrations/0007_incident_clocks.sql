-- SLA policies and regulatory regimes are data; each incident carries the clocks they start.

CREATE TABLE sla_policies (
  id uuid PRIMARY KEY,
  name text NOT NULL,
  severity text CHECK (severity IN ('critical', 'high', 'medium', 'low')),
  cii_category text,
  acknowledge_minutes integer NOT NULL CHECK (acknowledge_minutes > 0),
  triage_minutes integer NOT NULL CHECK (triage_minutes > 0),
  resolve_minutes integer NOT NULL CHECK (resolve_minutes > 0),
  priority integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Most specific policy wins (severity and CII category both set > one set > default).
INSERT INTO sla_policies (id, name, severity, cii_category, acknowledge_minutes, triage_minutes, resolve_minutes, priority) VALUES
  ('00000000-0000-4000-8000-000000000101', 'Critical, significant CII', 'critical', 'significant', 15, 60, 1440, 20),
  ('00000000-0000-4000-8000-000000000102', 'Critical', 'critical', NULL, 30, 120, 2880, 10),
  ('00000000-0000-4000-8000-000000000103', 'High', 'high', NULL, 60, 240, 4320, 10),
  ('00000000-0000-4000-8000-000000000104', 'Medium', 'medium', NULL, 240, 1440, 10080, 10),
  ('00000000-0000-4000-8000-000000000105', 'Low', 'low', NULL, 1440, 4320, 20160, 10),
  ('00000000-0000-4000-8000-000000000106', 'Default', NULL, NULL, 240, 1440, 10080, 0);

-- Regulatory regimes: deadlines counted from awareness. applies_to: which organizations
-- (is_cii / cii_category / sector); an empty object means every incident.
CREATE TABLE regulatory_regimes (
  code text PRIMARY KEY,
  name text NOT NULL,
  is_active boolean NOT NULL DEFAULT false,
  applies_to jsonb NOT NULL DEFAULT '{}',
  deadlines jsonb NOT NULL
);

INSERT INTO regulatory_regimes (code, name, is_active, applies_to, deadlines) VALUES
  ('eu-nis2', 'EU NIS2 art. 23', true, '{"isCii": true}',
   '[{"key":"early_warning","label":"Early warning","minutes":1440},{"key":"notification","label":"Incident notification","minutes":4320},{"key":"final_report","label":"Final report","minutes":43200}]'),
  ('eu-dora', 'EU DORA major ICT incident', false, '{"sectors": ["banking", "financial-market"]}',
   '[{"key":"initial","label":"Initial notification","minutes":240},{"key":"intermediate","label":"Intermediate report","minutes":4320},{"key":"final","label":"Final report","minutes":43200}]'),
  ('national-cii', 'National CII regime', false, '{"isCii": true}',
   '[{"key":"report_significant","label":"Report (significant CII)","minutes":180,"ciiCategory":"significant"},{"key":"report_other","label":"Report (other CII)","minutes":1440,"ciiCategory":"other"}]');

CREATE TABLE incident_clocks (
  incident_id uuid NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  kind text NOT NULL,
  label text NOT NULL,
  source text NOT NULL CHECK (source IN ('sla', 'regulatory')),
  started_at timestamptz NOT NULL,
  due_at timestamptz NOT NULL,
  met_at timestamptz,
  paused_at timestamptz,
  escalated_at timestamptz,
  breached_at timestamptz,
  PRIMARY KEY (incident_id, kind)
);
CREATE INDEX incident_clocks_due_idx ON incident_clocks (due_at) WHERE met_at IS NULL;
