import { screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Meeting } from "../api/types";
import { renderWithRouter, stubFetch } from "../test-util";
import { MeetingList } from "./Meetings";

afterEach(() => vi.unstubAllGlobals());

const meeting: Meeting = {
  id: "m1",
  lead_id: "l1",
  workflow_id: "w",
  calendar_id: "primary",
  calendar_event_id: "ev-m1",
  sequence: 0,
  starts_at: "2026-11-26T15:00:00Z",
  ends_at: "2026-11-26T15:30:00Z",
  title: "Acme Solar",
  trial: false,
  timezone: "Europe/London",
  language: "en",
  attendee_name: "Emily Carter",
  attendee_email: "emily@example.com",
  status: "confirmed",
  video_url: "https://zoom.example/j/1",
  created_at: "",
  updated_at: "",
};

describe("MeetingList", () => {
  it("shows the meeting in the chosen zone with its actions, and PATCHes a status change", async () => {
    const calls = stubFetch({ "/api/meetings/m1/status": { ...meeting, status: "completed" } });
    const onChanged = vi.fn();
    renderWithRouter(<MeetingList meetings={[meeting, { ...meeting, id: "m2", status: "cancelled" }]} tz="Asia/Jerusalem" onChanged={onChanged} />);
    expect(screen.getAllByText("26 Nov, 17:00").length).toBe(2);
    expect(screen.getByText("Confirmed")).toBeTruthy();
    expect(screen.getAllByRole("button").map((b) => b.textContent)).toEqual(["Completed", "No show", "Cancelled"]);
    screen.getByRole("button", { name: "Completed" }).click();
    await waitFor(() => expect(onChanged).toHaveBeenCalled());
    expect(calls[0]?.init?.method).toBe("PATCH");
    expect(calls[0]?.init?.body).toBe('{"status":"completed"}');
  });
});
