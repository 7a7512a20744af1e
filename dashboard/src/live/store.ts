import type { CallSummary, LiveEvent, TurnRow } from "../api/types";

/** A call as the live view shows it. */
export interface LiveCall {
  id: string;
  leadId: string;
  campaignId: string | null;
  language: string;
  attempt: number;
  startedAt: number;
  /** From `GET /api/calls` (events carry ids only). */
  leadName: string | null;
  phone: string | null;
  workflowId: string | null;
  turns: TurnRow[];
  /** Set when the call ended: its outcome and when. */
  outcome: string | null;
  endedAt: number | null;
}

/** How long an ended call stays in the list, showing its outcome. */
export const ENDED_LINGER_MS = 15_000;

/**
 * Calls in progress, fed by live events. Mutable inside, immutable outside: every change makes
 * a new `LiveCall` object and bumps `version`, and listeners hear of changes at most once per
 * animation frame, so a burst of events costs one render.
 */
export class LiveStore {
  private calls = new Map<string, LiveCall>();
  private listeners = new Set<() => void>();
  private scheduled = false;
  private list: LiveCall[] = [];
  private dirty = true;
  /** Calls whose lead name or workflow is still unknown. */
  readonly unnamed = new Set<string>();

  constructor(private readonly schedule: (f: () => void) => void = (f) => requestAnimationFrame(f)) {}

  apply(events: LiveEvent[], now = Date.now()): void {
    for (const e of events) {
      if (e.type === "call_started") {
        const existing = this.calls.get(e.call_id);
        this.put({
          id: e.call_id,
          leadId: e.lead_id,
          campaignId: e.campaign_id ?? null,
          language: e.language,
          attempt: e.attempt,
          startedAt: Date.parse(e.at) || now,
          leadName: existing?.leadName ?? null,
          phone: existing?.phone ?? null,
          workflowId: existing?.workflowId ?? null,
          turns: existing?.turns ?? [],
          outcome: null,
          endedAt: null,
        });
        if (!existing?.leadName) this.unnamed.add(e.call_id);
      } else if (e.type === "turn") {
        const call = this.calls.get(e.call_id) ?? this.placeholder(e.call_id, e.lead_id, e.campaign_id ?? null, now);
        this.put({ ...call, turns: mergeTurns(call.turns, [{ idx: e.idx, speaker: e.speaker, text: e.text, confidence: e.confidence ?? null, intent: e.intent ?? null, language: e.language ?? null, spoken_at: e.at }]) });
      } else if (e.type === "call_ended") {
        const call = this.calls.get(e.call_id);
        if (call) this.put({ ...call, outcome: e.outcome, endedAt: now });
      }
    }
    this.prune(now);
  }

  /** Fills in lead names, phones and workflows from `GET /api/calls` rows. */
  name(rows: CallSummary[]): void {
    for (const row of rows) {
      const call = this.calls.get(row.id);
      this.unnamed.delete(row.id);
      if (!call) continue;
      this.put({ ...call, leadName: row.lead_name, phone: row.phone ?? null, workflowId: row.workflow_id, language: row.language, attempt: row.attempt });
    }
  }

  /** Adds the turns of a call read from `GET /api/calls/{id}` (joined with the live ones). */
  addTranscript(callId: string, turns: TurnRow[]): void {
    const call = this.calls.get(callId);
    if (call) this.put({ ...call, turns: mergeTurns(call.turns, turns) });
  }

  /** Seeds calls that were in progress before the page opened. */
  seed(rows: CallSummary[], now = Date.now()): void {
    for (const row of rows) {
      if (row.ended_at || row.outcome || this.calls.has(row.id)) continue;
      this.put({
        id: row.id,
        leadId: row.lead_id,
        campaignId: row.campaign_id ?? null,
        language: row.language,
        attempt: row.attempt,
        startedAt: Date.parse(row.dialed_at) || now,
        leadName: row.lead_name,
        phone: row.phone ?? null,
        workflowId: row.workflow_id,
        turns: [],
        outcome: null,
        endedAt: null,
      });
    }
  }

  get(id: string): LiveCall | undefined {
    return this.calls.get(id);
  }

  /** Calls, in progress first (oldest start first), then the recently ended. */
  snapshot = (): LiveCall[] => {
    if (this.dirty) {
      this.list = [...this.calls.values()].sort(
        (a, b) => Number(a.endedAt !== null) - Number(b.endedAt !== null) || a.startedAt - b.startedAt,
      );
      this.dirty = false;
    }
    return this.list;
  };

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Drops calls that ended more than ENDED_LINGER_MS ago. */
  prune(now = Date.now()): void {
    for (const [id, call] of this.calls) {
      if (call.endedAt !== null && now - call.endedAt > ENDED_LINGER_MS) {
        this.calls.delete(id);
        this.unnamed.delete(id);
        this.changed();
      }
    }
  }

  private placeholder(id: string, leadId: string, campaignId: string | null, now: number): LiveCall {
    this.unnamed.add(id);
    return { id, leadId, campaignId, language: "", attempt: 0, startedAt: now, leadName: null, phone: null, workflowId: null, turns: [], outcome: null, endedAt: null };
  }

  private put(call: LiveCall): void {
    this.calls.set(call.id, call);
    this.changed();
  }

  private changed(): void {
    this.dirty = true;
    if (this.scheduled) return;
    this.scheduled = true;
    this.schedule(() => {
      this.scheduled = false;
      for (const l of this.listeners) l();
    });
  }
}

/** Turns of both lists by index, the later copy of an index winning; sorted. */
export function mergeTurns(a: TurnRow[], b: TurnRow[]): TurnRow[] {
  const byIdx = new Map<number, TurnRow>();
  for (const t of a) byIdx.set(t.idx, t);
  for (const t of b) byIdx.set(t.idx, t);
  return [...byIdx.values()].sort((x, y) => x.idx - y.idx);
}
