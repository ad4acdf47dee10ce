import { useCallback, useEffect, useState } from 'react';
import { api, isAbort } from './api';
import type { Sector } from './api';

export interface Loadable<T> {
  data: T | null;
  error: unknown;
  loading: boolean;
  reload: () => void;
  setData: (update: (prev: T | null) => T | null) => void;
}

/**
 * Runs `load` whenever `key` changes (and on reload()), aborting the previous request.
 * Keeps the previous data while the next one loads so tables do not flicker.
 */
export function useLoad<T>(key: string, load: (signal: AbortSignal) => Promise<T>): Loadable<T> {
  const [data, setDataState] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    const ctrl = new AbortController();
    setLoading(true);
    setError(null);
    load(ctrl.signal).then(
      (d) => {
        if (ctrl.signal.aborted) return;
        setDataState(d);
        setLoading(false);
      },
      (e: unknown) => {
        if (ctrl.signal.aborted || isAbort(e)) return;
        setError(e);
        setLoading(false);
      },
    );
    return () => ctrl.abort();
    // `load` is a fresh closure each render; `key` says when it really changed.
  }, [key, tick]);

  const reload = useCallback(() => setTick((n) => n + 1), []);
  const setData = useCallback((update: (prev: T | null) => T | null) => setDataState(update), []);
  return { data, error, loading, reload, setData };
}

export function useSectors(): { sectors: Sector[]; nameOf: (code: string) => string; error: unknown } {
  const [sectors, setSectors] = useState<Sector[]>([]);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    let live = true;
    api.sectors().then(
      (s) => live && setSectors(s),
      (e: unknown) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, []);
  const nameOf = useCallback((code: string) => sectors.find((s) => s.code === code)?.name ?? code, [sectors]);
  return { sectors, nameOf, error };
}

/** Sets document.title for the current page. */
export function useTitle(title: string): void {
  useEffect(() => {
    document.title = title ? `${title} · Vigil` : 'Vigil';
  }, [title]);
}

export interface Action {
  /** True while the action runs (disable the form's controls). */
  busy: boolean;
  /** What the last run threw (for an ErrorAlert), or a problem the caller set itself. */
  error: unknown;
  setError: (error: unknown) => void;
  /** Runs `action` with busy set and the previous error cleared; what it throws becomes `error`. */
  act: (action: () => Promise<unknown>) => Promise<void>;
}

/** The busy and error state of a form's submit or a button's call, shared by every form. */
export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const act = useCallback(async (action: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, setError, act };
}
