import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { results } from "./fixtures";
import { ResultsView } from "./AgentResults";

describe("ResultsView", () => {
  it("says which version books more in large words, and a row per version with its interval", () => {
    render(<ResultsView results={results} />);
    const verdict = screen.getByTestId("verdict");
    expect(verdict.textContent).toBe("Version 2 books more: 18% vs 11%, 95% sure.");
    expect(verdict.className).toBe("verdict good");
    const row = document.querySelector("tr[data-version='2']");
    const cells = [...(row?.querySelectorAll("td") ?? [])].map((c) => c.textContent);
    expect(cells).toEqual(["Solar outreach v2", "500", "500", "90", "18% (15–22%)", "70", "9", "2%", "1:42"]);
  });

  it("says there is no difference yet in plain words, and handles a version without conversations", () => {
    const [first] = results.versions;
    if (!first) throw new Error("fixture");
    const early = {
      ...results,
      versions: [{ ...first, conversations: 0, meetings_booked: 0, booking_rate: null, booking_rate_low: 0, booking_rate_high: 1, opt_out_rate: null, mean_call_secs: null }],
      comparison: null,
    };
    render(<ResultsView results={early} />);
    expect(screen.getByTestId("verdict").textContent).toBe("Version 1: no conversations yet.");
    expect(screen.getAllByText("–").length).toBe(3);
  });

  it("says it is too early when two versions cannot be compared yet", () => {
    render(<ResultsView results={{ ...results, comparison: null }} />);
    expect(screen.getByTestId("verdict").textContent).toBe("Too early to compare: each version needs conversations first.");
  });

  it("has nothing to say before an agent called", () => {
    render(<ResultsView results={{ ...results, versions: [], comparison: null }} />);
    expect(screen.getByText("No calls by an agent yet.")).toBeTruthy();
  });
});
