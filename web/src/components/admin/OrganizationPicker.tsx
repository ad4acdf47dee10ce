import { useEffect, useId, useState } from 'react';
import type { KeyboardEvent } from 'react';
import { api } from '../../api';
import type { Organization } from '../../api';
import { useLoad } from '../../hooks';

export interface PickedOrganization {
  id: string;
  name: string;
}

/** Finds one organization by name (`GET /organizations?q=`): type, then pick a match. */
export function OrganizationPicker({
  id,
  label,
  value,
  onChange,
}: {
  id: string;
  label: string;
  value: PickedOrganization | null;
  onChange: (org: PickedOrganization | null) => void;
}) {
  const listId = useId();
  const [text, setText] = useState(value?.name ?? '');
  const [term, setTerm] = useState('');
  const [open, setOpen] = useState(false);

  // search shortly after typing stops
  useEffect(() => {
    const t = window.setTimeout(() => setTerm(text.trim()), 250);
    return () => window.clearTimeout(t);
  }, [text]);

  const results = useLoad(`org-picker:${open}:${term}`, (signal) =>
    open ? api.organizations({ q: term || undefined, limit: 20 }, signal) : Promise.resolve(null),
  );

  const pick = (org: Organization) => {
    onChange({ id: org.id, name: org.name });
    setText(org.name);
    setOpen(false);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Escape') setOpen(false);
    if (e.key === 'Enter') {
      // Enter picks the only match instead of submitting the form
      e.preventDefault();
      const only = results.data?.items.length === 1 ? results.data.items[0] : undefined;
      if (only) pick(only);
    }
  };

  const items = results.data?.items ?? [];
  return (
    <div className="field picker">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="search"
        autoComplete="off"
        placeholder="Search organizations by name…"
        aria-controls={open ? listId : undefined}
        aria-expanded={open}
        value={text}
        onFocus={() => !value && setOpen(true)}
        onKeyDown={onKeyDown}
        onChange={(e) => {
          setText(e.target.value);
          setOpen(true);
          if (value) onChange(null);
        }}
      />
      {value && <span className="picker-chosen small">Selected: {value.name}</span>}
      {open && (
        <div className="picker-results" id={listId} data-testid="organization-results">
          {results.error ? (
            <div className="picker-note">Search failed. Try again.</div>
          ) : items.length === 0 ? (
            <div className="picker-note">{results.loading ? 'Searching…' : 'No organizations match.'}</div>
          ) : (
            <ul aria-label="Matching organizations">
              {items.map((org) => (
                <li key={org.id}>
                  <button type="button" className="picker-option" onClick={() => pick(org)}>
                    <span>{org.name}</span>
                    <span className="muted small">{org.country}</span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
