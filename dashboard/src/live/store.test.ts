import { describe, expect, it } from "vitest";
import type { LiveEvent } from "../api/types";
import { ENDED_LINGER_MS, LiveStore, mergeTurns } from "./store";

const started = (id: string, at = "2026-11-24T10:00:00Z"): LiveEvent => ({ type: "call_started", call_id: id, lead_id: `lead-${id}`, campaign_id: "c", attempt: 1, language: "he", at });
const turn = (id: string, idx: number, text: string): LiveEvent => ({ type: "turn", call_id: id, lead_id: `lead-${id}`, idx, speaker: idx % 2 ? "callee" : "agent", text, confidence: 0.9, at: "2026-11-24T10:00:05Z" });

function store() {
  const queued: (() => void)[] = [];
  const s = new LiveStore((f) => queued.push(f));
  return { s, flush: () => queued.splice(0).forEach((f) => f()) };
}

describe("LiveStore", () => {
  it("follows a call from start to end, turn by turn", () => {
    const { s } = store();
    s.apply([started("a"), turn("a", 0, "שלום"), turn("a", 1, "כן")]);
    const [call] = s.snapshot();
    expect(call?.turns.map((t) => t.text)).toEqual(["שלום", "כן"]);
    expect(call?.endedAt).toBeNull();
    s.apply([{ type: "call_ended", call_id: "a", lead_id: "lead-a", outcome: "interested" }], 1000);
    expect(s.get("a")?.outcome).toBe("interested");
    s.prune(1000 + ENDED_LINGER_MS + 1);
    expect(s.snapshot()).toEqual([]);
  });

  it("keeps live calls before ended ones, oldest first", () => {
    const { s } = store();
    s.apply([started("new", "2026-11-24T10:05:00Z"), started("old", "2026-11-24T10:00:00Z"), started("done", "2026-11-24T09:00:00Z")]);
    s.apply([{ type: "call_ended", call_id: "done", lead_id: "x", outcome: "busy" }]);
    expect(s.snapshot().map((c) => c.id)).toEqual(["old", "new", "done"]);
  });

  it("tells listeners once per frame, however many events came", () => {
    const { s, flush } = store();
    let heard = 0;
    s.subscribe(() => heard++);
    s.apply([started("a"), turn("a", 0, "hi")]);
    s.apply([turn("a", 1, "hello")]);
    expect(heard).toBe(0);
    flush();
    expect(heard).toBe(1);
  });

  it("names calls from the calls list and joins an earlier transcript", () => {
    const { s } = store();
    s.apply([started("a"), turn("a", 2, "late")]);
    expect(s.unnamed.has("a")).toBe(true);
    s.name([{ id: "a", lead_id: "lead-a", lead_name: "נועה כהן", phone: "+972527650100", workflow_id: "lead-c-a", attempt: 2, status: "in-progress", language: "he", dialed_at: "", has_recording: false, trial: false }]);
    s.addTranscript("a", [{ idx: 0, speaker: "agent", text: "early", spoken_at: "" }]);
    const call = s.get("a");
    expect(call?.leadName).toBe("נועה כהן");
    expect(call?.workflowId).toBe("lead-c-a");
    expect(call?.turns.map((t) => t.idx)).toEqual([0, 2]);
    expect(s.unnamed.size).toBe(0);
  });

  it("seeds only calls still in progress", () => {
    const { s } = store();
    const row = { lead_id: "l", lead_name: "A", phone: "+1", workflow_id: "w", attempt: 1, status: "in-progress", language: "en", dialed_at: "2026-11-24T10:00:00Z", has_recording: false, trial: false };
    s.seed([
      { ...row, id: "live" },
      { ...row, id: "over", ended_at: "2026-11-24T10:01:00Z", outcome: "busy" },
    ]);
    expect(s.snapshot().map((c) => c.id)).toEqual(["live"]);
  });
});

describe("mergeTurns", () => {
  it("orders by index and lets the later copy win", () => {
    const t = (idx: number, text: string) => ({ idx, speaker: "agent", text, spoken_at: "" });
    expect(mergeTurns([t(1, "b"), t(0, "a")], [t(1, "B"), t(2, "c")]).map((x) => x.text)).toEqual(["a", "B", "c"]);
  });
});
