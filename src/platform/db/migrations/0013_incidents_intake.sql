-- Center notification intake at thousands per second (issue 3). A batch of 500 notifications
-- writes ~500 incidents and ~4,000 rows that point at them (observables, clocks, timeline). A
-- foreign key checks each of those rows on its own (one lookup and one row lock per row); here the
-- hot references are checked once per statement instead, over the statement's rows as a set, with
-- the same guarantee:
--   * a writer locks the referenced rows FOR KEY SHARE (as a foreign key check does), so a
--     concurrent delete of a parent waits for it, and then requires every referenced row to exist
--     (a parent deleted meanwhile fails the statement with 23503, the foreign key error);
--   * deleting a parent does what the foreign key did (ON DELETE CASCADE / SET NULL), and changing
--     a parent's id while something points at it fails with 23503 (NO ACTION).
-- The remaining foreign keys (assignee user, merged_into, attachments, tasks, comments) are rare or
-- null at intake and stay as they are.

-- Children of incidents: observables, clocks, timeline.
CREATE FUNCTION vigil_incident_children_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  missing uuid;
BEGIN
  PERFORM 1 FROM incidents i WHERE i.id IN (SELECT DISTINCT n.incident_id FROM new_rows n) FOR KEY SHARE OF i;
  SELECT n.incident_id INTO missing FROM new_rows n WHERE NOT EXISTS (SELECT 1 FROM incidents i WHERE i.id = n.incident_id) LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'insert or update on table "%" violates foreign key constraint "%"', TG_TABLE_NAME, TG_ARGV[0]
      USING ERRCODE = 'foreign_key_violation', CONSTRAINT = TG_ARGV[0], TABLE = TG_TABLE_NAME,
            DETAIL = format('Key (incident_id)=(%s) is not present in table "incidents".', missing);
  END IF;
  RETURN NULL;
END $$;

-- An update that moves a row to another incident (Vigil never does) is checked row by row.
CREATE FUNCTION vigil_incident_child_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM incidents i WHERE i.id = NEW.incident_id FOR KEY SHARE OF i;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'insert or update on table "%" violates foreign key constraint "%"', TG_TABLE_NAME, TG_ARGV[0]
      USING ERRCODE = 'foreign_key_violation', CONSTRAINT = TG_ARGV[0], TABLE = TG_TABLE_NAME,
            DETAIL = format('Key (incident_id)=(%s) is not present in table "incidents".', NEW.incident_id);
  END IF;
  RETURN NULL;
END $$;

ALTER TABLE incident_observables DROP CONSTRAINT incident_observables_incident_id_fkey;
ALTER TABLE incident_clocks DROP CONSTRAINT incident_clocks_incident_id_fkey;
ALTER TABLE incident_timeline DROP CONSTRAINT incident_timeline_incident_id_fkey;

CREATE TRIGGER incident_observables_ri_ins AFTER INSERT ON incident_observables REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION vigil_incident_children_check('incident_observables_incident_id_fkey');
CREATE TRIGGER incident_observables_ri_upd AFTER UPDATE OF incident_id ON incident_observables FOR EACH ROW WHEN (OLD.incident_id IS DISTINCT FROM NEW.incident_id)
  EXECUTE FUNCTION vigil_incident_child_moved('incident_observables_incident_id_fkey');
CREATE TRIGGER incident_clocks_ri_ins AFTER INSERT ON incident_clocks REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION vigil_incident_children_check('incident_clocks_incident_id_fkey');
CREATE TRIGGER incident_clocks_ri_upd AFTER UPDATE OF incident_id ON incident_clocks FOR EACH ROW WHEN (OLD.incident_id IS DISTINCT FROM NEW.incident_id)
  EXECUTE FUNCTION vigil_incident_child_moved('incident_clocks_incident_id_fkey');
CREATE TRIGGER incident_timeline_ri_ins AFTER INSERT ON incident_timeline REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION vigil_incident_children_check('incident_timeline_incident_id_fkey');
CREATE TRIGGER incident_timeline_ri_upd AFTER UPDATE OF incident_id ON incident_timeline FOR EACH ROW WHEN (OLD.incident_id IS DISTINCT FROM NEW.incident_id)
  EXECUTE FUNCTION vigil_incident_child_moved('incident_timeline_incident_id_fkey');

-- Incidents' organization and centers.
CREATE FUNCTION vigil_incident_parents_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  bad record;
BEGIN
  PERFORM 1 FROM organizations o WHERE o.id IN (SELECT DISTINCT n.organization_id FROM new_rows n) FOR KEY SHARE OF o;
  PERFORM 1 FROM centers c WHERE c.id IN (SELECT n.source_center_id FROM new_rows n UNION SELECT n.assignee_center_id FROM new_rows n) FOR KEY SHARE OF c;
  SELECT k.col, k.id INTO bad FROM new_rows n CROSS JOIN LATERAL (VALUES
      ('organization_id', n.organization_id, NOT EXISTS (SELECT 1 FROM organizations o WHERE o.id = n.organization_id)),
      ('source_center_id', n.source_center_id, NOT EXISTS (SELECT 1 FROM centers c WHERE c.id = n.source_center_id)),
      ('assignee_center_id', n.assignee_center_id, NOT EXISTS (SELECT 1 FROM centers c WHERE c.id = n.assignee_center_id))
    ) AS k(col, id, is_missing)
    WHERE k.id IS NOT NULL AND k.is_missing LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'insert or update on table "incidents" violates foreign key constraint "incidents_%_fkey"', bad.col
      USING ERRCODE = 'foreign_key_violation', CONSTRAINT = format('incidents_%s_fkey', bad.col), TABLE = 'incidents',
            DETAIL = format('Key (%s)=(%s) is not present.', bad.col, bad.id);
  END IF;
  RETURN NULL;
END $$;

ALTER TABLE incidents DROP CONSTRAINT incidents_organization_id_fkey;
ALTER TABLE incidents DROP CONSTRAINT incidents_source_center_id_fkey;
ALTER TABLE incidents DROP CONSTRAINT incidents_assignee_center_id_fkey;

CREATE TRIGGER incidents_ri_ins AFTER INSERT ON incidents REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION vigil_incident_parents_check();
-- Updates are checked row by row, and only where a reference changed (as a foreign key does).
CREATE FUNCTION vigil_incident_parents_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.organization_id IS DISTINCT FROM OLD.organization_id AND NEW.organization_id IS NOT NULL THEN
    PERFORM 1 FROM organizations o WHERE o.id = NEW.organization_id FOR KEY SHARE OF o;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'insert or update on table "incidents" violates foreign key constraint "incidents_organization_id_fkey"'
        USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'incidents_organization_id_fkey', TABLE = 'incidents';
    END IF;
  END IF;
  IF (NEW.source_center_id IS DISTINCT FROM OLD.source_center_id AND NEW.source_center_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM centers c WHERE c.id = NEW.source_center_id FOR KEY SHARE OF c))
    OR (NEW.assignee_center_id IS DISTINCT FROM OLD.assignee_center_id AND NEW.assignee_center_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM centers c WHERE c.id = NEW.assignee_center_id FOR KEY SHARE OF c)) THEN
    RAISE EXCEPTION 'insert or update on table "incidents" violates foreign key constraint "incidents_center_fkey"'
      USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'incidents_center_fkey', TABLE = 'incidents';
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER incidents_ri_upd AFTER UPDATE OF organization_id, source_center_id, assignee_center_id ON incidents FOR EACH ROW
  WHEN (OLD.organization_id IS DISTINCT FROM NEW.organization_id OR OLD.source_center_id IS DISTINCT FROM NEW.source_center_id OR OLD.assignee_center_id IS DISTINCT FROM NEW.assignee_center_id)
  EXECUTE FUNCTION vigil_incident_parents_changed();

-- The parents' side: what the foreign keys did on delete, and NO ACTION on a change of id.
CREATE FUNCTION vigil_incidents_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM incident_observables WHERE incident_id IN (SELECT id FROM old_rows);
  DELETE FROM incident_clocks WHERE incident_id IN (SELECT id FROM old_rows);
  DELETE FROM incident_timeline WHERE incident_id IN (SELECT id FROM old_rows);
  RETURN NULL;
END $$;
CREATE TRIGGER incidents_ri_del AFTER DELETE ON incidents REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION vigil_incidents_deleted();

CREATE FUNCTION vigil_organizations_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE incidents SET organization_id = NULL WHERE organization_id IN (SELECT id FROM old_rows);
  RETURN NULL;
END $$;
CREATE TRIGGER organizations_incidents_ri_del AFTER DELETE ON organizations REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION vigil_organizations_deleted();

CREATE FUNCTION vigil_centers_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE incidents SET source_center_id = NULL WHERE source_center_id IN (SELECT id FROM old_rows);
  UPDATE incidents SET assignee_center_id = NULL WHERE assignee_center_id IN (SELECT id FROM old_rows);
  RETURN NULL;
END $$;
CREATE TRIGGER centers_incidents_ri_del AFTER DELETE ON centers REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION vigil_centers_deleted();

-- A parent's id never changes in Vigil; if something tries while rows point at the old id, refuse.
CREATE FUNCTION vigil_parent_id_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.id IS DISTINCT FROM NEW.id AND (
    (TG_TABLE_NAME = 'incidents' AND (EXISTS (SELECT 1 FROM incident_observables WHERE incident_id = OLD.id)
      OR EXISTS (SELECT 1 FROM incident_clocks WHERE incident_id = OLD.id) OR EXISTS (SELECT 1 FROM incident_timeline WHERE incident_id = OLD.id)))
    OR (TG_TABLE_NAME = 'organizations' AND EXISTS (SELECT 1 FROM incidents WHERE organization_id = OLD.id))
    OR (TG_TABLE_NAME = 'centers' AND EXISTS (SELECT 1 FROM incidents WHERE source_center_id = OLD.id OR assignee_center_id = OLD.id))
  ) THEN
    RAISE EXCEPTION 'update on table "%" would orphan rows that reference id %', TG_TABLE_NAME, OLD.id USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER incidents_ri_id AFTER UPDATE OF id ON incidents FOR EACH ROW EXECUTE FUNCTION vigil_parent_id_kept();
CREATE TRIGGER organizations_incidents_ri_id AFTER UPDATE OF id ON organizations FOR EACH ROW EXECUTE FUNCTION vigil_parent_id_kept();
CREATE TRIGGER centers_incidents_ri_id AFTER UPDATE OF id ON centers FOR EACH ROW EXECUTE FUNCTION vigil_parent_id_kept();

-- The SET NULL on an organization's delete finds its incidents by incidents_org_idx. Centers are
-- never deleted by Vigil; one deleted by hand scans incidents rather than every notification
-- paying for two more indexes.
