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

  it("marks nothing in a call held in one language, or in lines written before languages were kept", () => {
    const old = turns.map((t) => ({ ...t, language: undefined }));
    render(<Transcript turns={old} />);
    expect(screen.queryByRole("note")).toBeNull();
  });
});
