import { useRef, useState } from 'react';

/** A value to copy (tracking code, secret): the copy button, with a manual-selection fallback. */
export function CopyField({ label, value, testId }: { label: string; value: string; testId: string }) {
  const ref = useRef<HTMLElement>(null);
  const [copied, setCopied] = useState<boolean | null>(null);
  const select = () => {
    const el = ref.current;
    if (!el) return;
    const range = document.createRange();
    range.selectNodeContents(el);
    window.getSelection()?.removeAllRanges();
    window.getSelection()?.addRange(range);
  };
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied(true);
    } catch {
      // no clipboard access (plain HTTP, permissions): select the text for a manual copy
      select();
      setCopied(false);
    }
  };
  return (
    <div className="copy-field">
      <div className="copy-label">{label}</div>
      <div className="secret-row">
        <code ref={ref} className="secret-key" data-testid={testId} onClick={select}>
          {value}
        </code>
        <button type="button" className="btn" onClick={copy} aria-label={`Copy ${label.toLowerCase()}`}>
          Copy
        </button>
      </div>
      <p className="small copy-note" role="status">
        {copied === true ? 'Copied.' : copied === false ? 'Selected: press Ctrl+C (⌘C) to copy.' : ''}
      </p>
    </div>
  );
}
