import { useEffect, useRef, useState } from 'react';
import { api } from '../../api';
import { useLoad } from '../../hooks';
import { OrganizationPicker } from '../admin/OrganizationPicker';
import type { PickedOrganization } from '../admin/OrganizationPicker';

/** The queue's organization filter: the picker, showing the name of an id read from the URL. */
export function OrganizationFilter({ id, value, onChange }: { id: string; value: string; onChange: (organizationId: string) => void }) {
  const [known, setKnown] = useState<PickedOrganization | null>(null);
  const needsName = Boolean(value) && known?.id !== value;
  const org = useLoad(`org-filter:${needsName ? value : ''}`, (signal) => (needsName ? api.organization(value, signal) : Promise.resolve(null)));
  const name = known?.id === value ? known.name : org.data?.id === value ? org.data.name : null;

  // A change that did not come from this picker (back button, "Clear filters") remounts it.
  const local = useRef(value);
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    if (value !== local.current) {
      local.current = value;
      setGeneration((g) => g + 1);
    }
  }, [value]);

  if (value && name === null) {
    return (
      <div className="field">
        <label htmlFor={id}>Organization</label>
        <input id={id} disabled value={org.error ? value : 'Loading…'} />
      </div>
    );
  }
  return (
    <OrganizationPicker
      key={generation}
      id={id}
      label="Organization"
      value={value && name !== null ? { id: value, name } : null}
      onChange={(o) => {
        if (o) setKnown(o);
        local.current = o?.id ?? '';
        onChange(local.current);
      }}
    />
  );
}
