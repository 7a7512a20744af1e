import { fireEvent, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { renderWithRouter, stubFetch } from "../test-util";
import { at, detail, meeting, trial } from "./fixtures";
import { mergeLines, settled, TrialChat } from "./TrialChat";

afterEach(() => vi.unstubAllGlobals());

const checked = { name: "check_availability", arguments: { day: "2026-11-26", time: "15:00" }, result: { slots: [{ id: "s1", label: "Thursday 26 November at 15:00" }] } };
const booked = { name: "book_meeting", arguments: { slot_id: "s1", email: "dana@example.com" }, result: { status: "reserved" } };

describe("TrialChat", () => {
  it("starts a trial, shows the greeting, each reply with its tools and the meeting it booked, then ends it", async () => {
    const calls = stubFetch({ "POST /api/agents/ag-1/trials": trial, "POST /api/trials/t1/messages": { reply: "I have Thursday at 15:00. Shall I book it?", tools: [checked], ended: false }, "GET /api/trials/t1": trial });
    renderWithRouter(<TrialChat agent={detail} dirty={false} />);
    fireEvent.change(screen.getByLabelText("Caller email"), { target: { value: "dana@example.com" } });
    fireEvent.click(screen.getByRole("button", { name: "Start trial" }));
    expect(await screen.findByText(trial.transcript[0]?.text ?? "")).toBeTruthy();
    const start = JSON.parse(String(calls[0]?.init?.body)) as unknown;
    expect(start).toEqual({ version: 2, lead: { email: "dana@example.com" } });

    fireEvent.change(screen.getByLabelText("Your message"), { target: { value: "Could we do Thursday at 3 pm?" } });
    fireEvent.click(screen.getByRole("button", { name: "Send" }));
    expect(await screen.findByText("I have Thursday at 15:00. Shall I book it?")).toBeTruthy();
    expect(screen.getByText("Could we do Thursday at 3 pm?").closest("li")?.querySelector(".who")?.textContent).toBe("You");
    const chip = screen.getByText("check_availability");
    expect(chip.closest("details")?.open).toBe(false);
    expect(chip.closest("details")?.textContent).toContain('"day": "2026-11-26"');

    const withMeeting = {
      ...trial,
      transcript: [
        ...trial.transcript,
        { idx: 1, speaker: "callee", text: "Could we do Thursday at 3 pm?", spoken_at: at },
        { idx: 2, speaker: "agent", text: "I have Thursday at 15:00. Shall I book it?", tools: [checked], spoken_at: at },
        { idx: 3, speaker: "callee", text: "The first one, please.", spoken_at: at },
        { idx: 4, speaker: "agent", text: "Booked: Thursday at 15:00.", tools: [booked], spoken_at: at },
      ],
      meetings: [meeting],
    };
    stubFetch({ "POST /api/trials/t1/messages": { reply: "Booked: Thursday at 15:00.", tools: [booked], ended: false }, "GET /api/trials/t1": withMeeting });
    fireEvent.change(screen.getByLabelText("Your message"), { target: { value: "The first one, please." } });
    fireEvent.click(screen.getByRole("button", { name: "Send" }));
    await screen.findByText("book_meeting");
    const meetings = await screen.findByTestId("trial-meetings");
    expect(meetings.textContent).toContain("Trial");
    expect(meetings.textContent).toContain("Reserved");

    const ended = { ...withMeeting, ended_at: at, outcome: "interested", meetings: [{ ...meeting, status: "cancelled" }], answers: { plan: "pro" } };
    stubFetch({ "POST /api/trials/t1/end": { ...withMeeting, ended_at: at }, "GET /api/trials/t1": ended });
    fireEvent.click(screen.getByRole("button", { name: "End trial" }));
    await waitFor(() => expect(screen.getByTestId("trial-meetings").textContent).toContain("Released"), { timeout: 4000 });
    expect(screen.getByTestId("answers").textContent).toContain("Plan");
    expect(screen.getByTestId("answers").textContent).toContain("pro");
    expect(screen.queryByLabelText("Your message")).toBeNull();
    expect(screen.getByRole("button", { name: "New trial" })).toBeTruthy();
  });

  it("reads the trial until its greeting is recorded", async () => {
    stubFetch({ "POST /api/agents/ag-1/trials": { ...trial, transcript: [] }, "GET /api/trials/t1": trial });
    renderWithRouter(<TrialChat agent={detail} dirty={false} />);
    fireEvent.click(screen.getByRole("button", { name: "Start trial" }));
    expect(await screen.findByText("Waiting for the first words…")).toBeTruthy();
    expect(await screen.findByText(trial.transcript[0]?.text ?? "", {}, { timeout: 3000 })).toBeTruthy();
  });

  it("renders a Hebrew trial right to left", async () => {
    const he = { ...trial, language: "he", transcript: [{ idx: 0, speaker: "agent", text: "שלום דנה!", spoken_at: at }] };
    stubFetch({ "POST /api/agents/ag-1/trials": he });
    renderWithRouter(<TrialChat agent={detail} dirty />);
    expect(screen.getByText("A trial uses a saved version: save to try your latest edits.")).toBeTruthy();
    fireEvent.change(screen.getByLabelText("Trial language"), { target: { value: "he" } });
    fireEvent.click(screen.getByRole("button", { name: "Start trial" }));
    const line = await screen.findByText("שלום דנה!");
    expect(line.closest("ol")?.getAttribute("dir")).toBe("rtl");
    expect(screen.getByLabelText("Your message").getAttribute("dir")).toBe("rtl");
  });

  it("takes the server's lines once it has caught up, keeping a reply's tools it has not written yet", () => {
    const mine = [
      { idx: 0, speaker: "agent", text: "Hello", spoken_at: at },
      { idx: 1, speaker: "callee", text: "Thursday?", spoken_at: at },
      { idx: 2, speaker: "agent", text: "I have 15:00.", tools: [checked], spoken_at: at },
    ];
    expect(mergeLines(mine, mine.slice(0, 2))).toBe(mine);
    const server = mine.map((l) => ({ ...l, tools: null, spoken_at: "2026-11-24T12:00:05Z" }));
    expect(mergeLines(mine, server).map((l) => [l.spoken_at, l.tools?.[0]?.name ?? null])).toEqual([
      ["2026-11-24T12:00:05Z", null],
      ["2026-11-24T12:00:05Z", null],
      ["2026-11-24T12:00:05Z", "check_availability"],
    ]);
  });

  it("knows when an ended trial has settled", () => {
    expect(settled({ ...trial, meetings: [meeting], answers: {} })).toBe(false);
    expect(settled({ ...trial, meetings: [{ ...meeting, status: "cancelled" }], answers: null })).toBe(false);
    expect(settled({ ...trial, meetings: [{ ...meeting, status: "cancelled" }], answers: {} })).toBe(true);
  });
});
