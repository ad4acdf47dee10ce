import type { ReactNode } from 'react';

export interface ChipOption {
  value: string;
  label: ReactNode;
}

/** A multi-select as toggle chips (checkboxes underneath, so each has a label and a keyboard). */
export function Chips({
  legend,
  name,
  options,
  isChecked,
  onToggle,
}: {
  legend: string;
  name: string;
  options: ChipOption[];
  isChecked: (value: string) => boolean;
  onToggle: (value: string, checked: boolean) => void;
}) {
  return (
    <fieldset className="chips" data-testid={`chips-${name}`}>
      <legend>{legend}</legend>
      <div className="chip-row">
        {options.map((o) => {
          const id = `chip-${name}-${o.value.replace(/\W+/g, '-')}`;
          return (
            <label key={o.value} className="chip" htmlFor={id}>
              <input id={id} type="checkbox" checked={isChecked(o.value)} onChange={(e) => onToggle(o.value, e.target.checked)} />
              {o.label}
            </label>
          );
        })}
      </div>
    </fieldset>
  );
}
