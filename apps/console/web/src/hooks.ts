import { useCallback, useEffect, useRef, useState } from 'react';

export type AsyncState<T> =
  | { status: 'loading'; data?: T; error?: undefined }
  | { status: 'ok'; data: T; error?: undefined }
  | { status: 'error'; data?: T; error: Error };

/**
 * Runs `load` when `deps` change (aborting the previous run) and on `reload()`. The last data stays
 * while a reload runs, so a refresh does not blank the page.
 */
export function useAsync<T>(load: (signal: AbortSignal) => Promise<T>, deps: unknown[]): AsyncState<T> & { reload: () => void } {
  const [state, setState] = useState<AsyncState<T>>({ status: 'loading' });
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() => {
    const abort = new AbortController();
    setState((s) => ({ status: 'loading', data: s.data }));
    loadRef.current(abort.signal).then(
      (data) => !abort.signal.aborted && setState({ status: 'ok', data }),
      (error: Error) => !abort.signal.aborted && error.name !== 'AbortError' && setState((s) => ({ status: 'error', data: s.data, error })),
    );
    return () => abort.abort();
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}

/** Calls `fn` every `ms` while the tab is visible. */
export function useInterval(fn: () => void, ms: number | null): void {
  const ref = useRef(fn);
  ref.current = fn;
  useEffect(() => {
    if (ms === null) return;
    const id = setInterval(() => document.visibilityState === 'visible' && ref.current(), ms);
    return () => clearInterval(id);
  }, [ms]);
}

/** The page from the location hash (`#/events`), so a reload or a shared link opens the same page. */
export function useHashRoute(fallback: string): [string, (route: string) => void] {
  // `#/events?type=vendor.*`: the page is the part before the query.
  const read = () => window.location.hash.replace(/^#\/?/, '').split('?')[0] || fallback;
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const onChange = () => setRoute(read());
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return [route, (r: string) => (window.location.hash = `#/${r}`)];
}

/** The query part of the location hash (`#/events?type=vendor.*` → type=vendor.*). */
export function hashParams(): URLSearchParams {
  return new URLSearchParams(window.location.hash.split('?')[1] ?? '');
}

/** Replaces the hash's query without a navigation (no hashchange, no history entry), so a link to this view can be shared. */
export function setHashParams(params: string): void {
  const page = window.location.hash.split('?')[0] || '#/';
  window.history.replaceState(null, '', `${page}${params}`);
}
