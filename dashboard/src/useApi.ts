import { useCallback, useEffect, useRef, useState } from "react";
import { api } from "./api/client";
import type { LiveEvent } from "./api/types";
import { hub } from "./live/hub";

export interface Loaded<T> {
  data: T | null;
  error: string | null;
  reload: () => void;
}

/**
 * GETs `path` (null: nothing yet) and keeps the answer; re-reads when `path` changes, and, with
 * `liveWhen`, shortly after live events it cares about (coalesced: one read per second at most).
 */
export function useApi<T>(path: string | null, liveWhen?: (e: LiveEvent) => boolean): Loaded<T> {
  const [state, setState] = useState<{ data: T | null; error: string | null }>({ data: null, error: null });
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  const live = useRef(liveWhen);
  useEffect(() => {
    live.current = liveWhen;
  });

  useEffect(() => {
    if (path === null) return;
    const abort = new AbortController();
    api<T>(path, { signal: abort.signal }).then(
      (data) => setState({ data, error: null }),
      (err: unknown) => {
        if (abort.signal.aborted) return;
        setState((s) => ({ ...s, error: err instanceof Error ? err.message : String(err) }));
      },
    );
    return () => abort.abort();
  }, [path, tick]);

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const off = hub.onEvents((events) => {
      const wanted = live.current;
      if (!wanted || timer || !events.some(wanted)) return;
      timer = setTimeout(() => {
        timer = null;
        reload();
      }, 1000);
    });
    return () => {
      off();
      if (timer) clearTimeout(timer);
    };
  }, [reload]);

  return { ...state, reload };
}
