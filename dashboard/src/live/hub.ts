import { api, query } from "../api/client";
import { followEvents } from "../api/events";
import type { CallPage, LiveEvent } from "../api/types";
import { LiveStore } from "./store";

/**
 * The dashboard's one connection to `GET /api/events`: feeds the live calls store, names new
 * calls from `GET /api/calls` (one request per burst, not one per call), and tells views that
 * show aggregates (KPIs, meetings) when something changed so they re-read.
 */
export class LiveHub {
  readonly store = new LiveStore();
  private changeListeners = new Set<(events: LiveEvent[]) => void>();
  private stateListeners = new Set<() => void>();
  private stop: (() => void) | null = null;
  private naming: ReturnType<typeof setTimeout> | null = null;
  private pruner: ReturnType<typeof setInterval> | null = null;
  connected = false;

  start(): void {
    if (this.stop) return;
    this.stop = followEvents(
      (events) => this.receive(events),
      (connected) => {
        this.connected = connected;
        for (const l of this.stateListeners) l();
      },
    );
    this.pruner = setInterval(() => this.store.prune(), 1000);
    void this.loadInProgress();
  }

  close(): void {
    this.stop?.();
    this.stop = null;
    if (this.pruner) clearInterval(this.pruner);
    if (this.naming) clearTimeout(this.naming);
    this.pruner = null;
    this.naming = null;
  }

  receive(events: LiveEvent[]): void {
    this.store.apply(events);
    if (this.store.unnamed.size && !this.naming) this.naming = setTimeout(() => void this.nameCalls(), 300);
    for (const l of this.changeListeners) l(events);
  }

  /** Calls `listener` with every batch of events. */
  onEvents(listener: (events: LiveEvent[]) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  onState = (listener: () => void): (() => void) => {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  };

  isConnected = (): boolean => this.connected;

  /** Calls dialled in the last hour and not ended: in progress when the page opened. */
  private async loadInProgress(): Promise<void> {
    const from = new Date(Date.now() - 3600_000).toISOString();
    try {
      const page = await api<CallPage>(`/api/calls${query({ from, limit: 500 })}`);
      this.store.seed(page.calls);
    } catch {
      // the list stays empty until events arrive
    }
  }

  private async nameCalls(): Promise<void> {
    const ids = [...this.store.unnamed];
    const starts = ids.map((id) => this.store.get(id)?.startedAt ?? Date.now());
    const from = new Date(Math.min(...starts) - 5000).toISOString();
    try {
      const page = await api<CallPage>(`/api/calls${query({ from, limit: 500 })}`);
      this.store.name(page.calls);
    } catch {
      // the list shows these calls without a name ("…") rather than asking again and again
    } finally {
      this.naming = null;
      // asked once: a call not on that page (over 500 dialled since `from`) stays nameless
      for (const id of ids) this.store.unnamed.delete(id);
    }
  }
}

export const hub = new LiveHub();
