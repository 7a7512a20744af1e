import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { TurnRow } from "../api/types";
import { Transcript, switchedTo } from "./Transcript";

const at = "2026-11-24T12:00:00Z";
const turns: TurnRow[] = [
  { idx: 0, speaker: "agent", text: "Bonjour, ici l'assistant IA.", language: "fr", spoken_at: at },
  { idx: 1, speaker: "callee", text: "Sorry, can we continue in English?", language: "en", spoken_at: at },
  { idx: 2, speaker: "agent", text: "Of course. Would a short meeting suit you?", language: "en", spoken_at: at },
  { idx: 3, speaker: "callee", text: "Yes.", language: null, spoken_at: at },
  { idx: 4, speaker: "agent", text: "Thursday at three?", language: "en", spoken_at: at },
];

describe("Transcript", () => {
  it("marks the first agent line in the language the lead moved to, once", () => {
    expect(turns.map((_, i) => switchedTo(turns, i))).toEqual([null, null, "en", null, null]);
    render(<Transcript turns={turns} />);
    expect(screen.getAllByRole("note").map((n) => n.textContent)).toEqual(["Now in English"]);
  });

  it("shows an agent line's tools as chips that open to their arguments and result", () => {
    const tools = [
      { name: "check_availability", arguments: { day: "2026-11-26" }, result: { slots: [] } },
      { name: "end_call", arguments: { reason: "booked" } },
    ];
    render(<Transcript turns={[{ idx: 0, speaker: "agent", text: "One moment.", tools, spoken_at: at }, { idx: 1, speaker: "callee", text: "Ok", spoken_at: at }]} />);
    const chips = [...document.querySelectorAll(".tool")];
    expect(chips.map((c) => c.querySelector("summary")?.textContent)).toEqual(["check_availability", "end_call"]);
    expect(chips.every((c) => !(c as HTMLDetailsElement).open)).toBe(true);
    expect(chips[0]?.textContent).toContain('"day": "2026-11-26"');
    expect(chips[0]?.textContent).toContain("Result");
    expect(chips[1]?.textContent).not.toContain("Result");
    expect(document.querySelectorAll(".turn.callee .tool")).toHaveLength(0);
  });

  it("shows what the lead heard of a line they cut off, with the whole line on hover", () => {
    const cut: TurnRow = {
      idx: 4,
      speaker: "agent",
      text: "Thursday at three, or Friday morning if that suits you better?",
      heard: "Thursday at three, or",
      spoken_at: at,
    };
    render(<Transcript turns={[...turns.slice(0, 4), cut]} />);
    const line = [...document.querySelectorAll(".turn.agent p")].at(-1);
    expect(line?.textContent).toBe("Thursday at three, or (cut off by the lead)");
    expect(line?.getAttribute("title")).toBe(`The whole line: ${cut.text}`);
    expect(document.querySelectorAll(".cut")).toHaveLength(1);
  });

  it("marks nothing in a call held in one language, or in lines written before languages were kept", () => {
    const old = turns.map((t) => ({ ...t, language: undefined }));
    render(<Transcript turns={old} />);
    expect(screen.queryByRole("note")).toBeNull();
  });
});
