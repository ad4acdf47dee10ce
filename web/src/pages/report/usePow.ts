import { useCallback, useEffect, useRef, useState } from 'react';
import { isFresh, preparePow } from './pow';
import type { Solved } from './pow';

/**
 * Keeps one solved proof of work ready while the reporter types. `take()` hands out a usable
 * solution (waiting for the one in preparation); `renew()` starts on the next one.
 */
export function usePow() {
  const [ready, setReady] = useState(false);
  const [problem, setProblem] = useState<unknown>(null);
  const pending = useRef<Promise<Solved> | null>(null);
  const ctrl = useRef<AbortController | null>(null);

  const renew = useCallback((): Promise<Solved> => {
    ctrl.current?.abort();
    const c = new AbortController();
    ctrl.current = c;
    setReady(false);
    setProblem(null);
    const p = preparePow(c.signal);
    pending.current = p;
    p.then(
      () => !c.signal.aborted && setReady(true),
      (e: unknown) => !c.signal.aborted && setProblem(e),
    );
    return p;
  }, []);

  useEffect(() => {
    void renew().catch(() => undefined);
    return () => ctrl.current?.abort();
  }, [renew]);

  const take = useCallback(async (): Promise<Solved> => {
    const p = pending.current;
    if (p) {
      try {
        const s = await p;
        if (isFresh(s)) return s;
      } catch {
        // aborted or failed: start over below
      }
    }
    return renew();
  }, [renew]);

  return { ready, problem, take, renew };
}
