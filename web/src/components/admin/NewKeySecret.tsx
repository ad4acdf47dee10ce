import { useRef, useState } from 'react';
import type { CreatedApiKey } from '../../api';

/** The secret of a key just created: the server never shows it again. */
export function NewKeySecret({ created, ownerName, onDone }: { created: CreatedApiKey; ownerName: string; onDone: () => void }) {
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);
  const codeRef = useRef<HTMLElement>(null);

  const selectKey = () => {
    const el = codeRef.current;
    const sel = window.getSelection();
    if (!el || !sel) return;
    const range = document.createRange();
    range.selectNodeContents(el);
    sel.removeAllRanges();
    sel.addRange(range);
  };

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(created.key);
      setCopied('yes');
    } catch {
      // no clipboard access (plain HTTP, permissions): select the text for a manual copy
      selectKey();
      setCopied('no');
    }
  };

  return (
    <section className="secret-box" aria-labelledby="new-key-title" data-testid="new-api-key">
      <div className="secret-head">
        <h2 id="new-key-title">
          API key <q>{created.apiKey.name}</q> created for {ownerName}
        </h2>
        <button type="button" className="btn btn-small btn-ghost" onClick={onDone}>
          I have stored it
        </button>
      </div>
      <p className="secret-warning">This key is shown once. Store it now.</p>
      <div className="secret-row">
        <code ref={codeRef} className="secret-key" data-testid="new-api-key-value" onClick={selectKey}>
          {created.key}
        </code>
        <button type="button" className="btn btn-primary" onClick={() => void copy()}>
          Copy
        </button>
      </div>
      <p className="small secret-meta" role="status">
        {copied === 'yes'
          ? 'Copied to the clipboard.'
          : copied === 'no'
            ? 'The browser did not allow copying: the key is selected, press Ctrl+C (⌘C).'
            : `Send it as "Authorization: Bearer <key>". Scopes: ${created.apiKey.scopes.join(', ')}.`}
      </p>
    </section>
  );
}
