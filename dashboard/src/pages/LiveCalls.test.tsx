import { act, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { LiveStore } from "../live/store";
import { renderWithRouter, stubFetch } from "../test-util";
import { LiveCalls } from "./LiveCalls";

afterEach(() => vi.unstubAllGlobals());

describe("LiveCalls", () => {
  it("lists calls in progress and streams the selected call's transcript", () => {
    stubFetch({});
    const store = new LiveStore((f) => f());
    store.apply([{ type: "call_started", call_id: "c1", lead_id: "l1", attempt: 1, language: "ar", at: new Date().toISOString() }]);
    store.name([{ id: "c1", lead_id: "l1", lead_name: "ليلى حداد", phone: "+971501234500", workflow_id: "lead-x-l1", attempt: 1, status: "in-progress", language: "ar", dialed_at: "", has_recording: false, trial: false }]);
    renderWithRouter(<LiveCalls store={store} />);
    expect(screen.getByTestId("live-count").textContent).toBe("1 in progress");
    expect(screen.getAllByText("ليلى حداد").length).toBe(2);
    expect(screen.getByText("Waiting for the first words…")).toBeTruthy();

    act(() => store.apply([{ type: "turn", call_id: "c1", lead_id: "l1", idx: 0, speaker: "agent", text: "مرحبا ليلى", at: "" }]));
    act(() => store.apply([{ type: "turn", call_id: "c1", lead_id: "l1", idx: 1, speaker: "callee", text: "نعم", confidence: 0.92, intent: "asks_for_times", at: "" }]));
    const turns = document.querySelectorAll(".transcript .turn");
    expect(turns).toHaveLength(2);
    expect(turns[1]?.querySelector("p")?.getAttribute("dir")).toBe("auto");
    expect(screen.getByText("92%")).toBeTruthy();
    expect(turns[1]?.querySelector(".intent")?.textContent).toBe("Asks for times");
    expect(turns[0]?.querySelector(".intent")).toBeNull();

    act(() => store.apply([{ type: "call_ended", call_id: "c1", lead_id: "l1", outcome: "interested" }]));
    expect(screen.getByTestId("live-count").textContent).toBe("0 in progress");
    expect(screen.getAllByText("Interested").length).toBeGreaterThan(0);
  });
});
