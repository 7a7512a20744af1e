import { screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { renderWithRouter } from "../test-util";
import { bucketLabel, fillBuckets, Kpis } from "./Overview";

describe("Kpis", () => {
  it("shows the six tiles with rates as percentages", () => {
    renderWithRouter(
      <Kpis
        dialsLabel="Dials today"
        o={{ dials: 1234, connected: 800, human_answered: 700, conversations: 500, meetings_booked: 42, opt_outs: 3, connect_rate: 0.6483, conversion: 0.084, avg_call_secs: 95 }}
      />,
    );
    const tile = (name: string) => screen.getByText(name).parentElement?.querySelector(".tile-value")?.textContent;
    expect(tile("Dials today")).toBe("1,234");
    expect(tile("Connect rate")).toBe("64.8%");
    expect(tile("Conversations")).toBe("500");
    expect(tile("Meetings booked")).toBe("42");
    expect(tile("Conversion")).toBe("8.4%");
    expect(tile("Opt-outs")).toBe("3");
    expect(screen.getByText("avg call 1:35")).toBeTruthy();
  });

  it("shows a dash for a rate without calls", () => {
    renderWithRouter(<Kpis dialsLabel="Dials" o={{ dials: 0, connected: 0, human_answered: 0, conversations: 0, meetings_booked: 0, opt_outs: 0, connect_rate: null }} />);
    expect(screen.getByText("Connect rate").parentElement?.querySelector(".tile-value")?.textContent).toBe("–");
  });
});

describe("calls over time", () => {
  it("fills the empty hours of the day in the chosen zone", () => {
    const from = "2026-11-23T22:00:00.000Z"; // midnight in Jerusalem (UTC+2)
    const rows = [{ start: "2026-11-24T09:00:00", dials: 5, connected: 3, conversations: 2 }];
    const filled = fillBuckets(rows, "hour", from, "Asia/Jerusalem", new Date("2026-11-24T12:00:00Z"));
    expect(filled).toHaveLength(24);
    expect(filled[0]?.start).toBe("2026-11-24T00:00:00");
    expect(filled[9]).toEqual(rows[0]);
    expect(filled.reduce((a, b) => a + b.dials, 0)).toBe(5);
  });

  it("has one bucket per day up to today", () => {
    const filled = fillBuckets([], "day", "2026-11-17T00:00:00.000Z", "UTC", new Date("2026-11-23T15:00:00Z"));
    expect(filled.map((b) => b.start.slice(0, 10))).toEqual(["2026-11-17", "2026-11-18", "2026-11-19", "2026-11-20", "2026-11-21", "2026-11-22", "2026-11-23"]);
  });

  it("labels buckets", () => {
    expect(bucketLabel("2026-11-24T13:00:00", "hour")).toBe("13:00");
    expect(bucketLabel("2026-11-04T00:00:00", "day")).toBe("4 Nov");
  });
});
