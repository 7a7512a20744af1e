import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { LeadFieldsTable } from "../components/KeyValues";
import { renderWithRouter } from "../test-util";
import { Attempt, SummaryNote } from "./LeadPage";

describe("SummaryNote", () => {
  it("shows the interest, the next step and what the lead asked, right to left where needed", () => {
    render(
      <SummaryNote
        summary={{ interest_level: 4, objections: [], questions: ["כמה זה עולה?"], next_step: "send the offer", language: "he" }}
      />,
    );
    expect(screen.getByText("Interest 4/5")).toBeTruthy();
    expect(screen.getByText("send the offer")).toBeTruthy();
    const question = screen.getByText("כמה זה עולה?");
    expect(question.getAttribute("dir")).toBe("auto");
    expect(screen.queryByText(/Objections/)).toBeNull();
  });
});

describe("a lead's fields and its attempts", () => {
  it("shows the lead's own columns as a small table", () => {
    render(<LeadFieldsTable fields={{ plan: "Pro", seats: 12, vip: true }} />);
    const rows = [...screen.getByTestId("lead-fields").querySelectorAll("tr")].map((r) => [r.querySelector("th")?.textContent, r.querySelector("td")?.textContent]);
    expect(rows).toEqual([
      ["plan", "Pro"],
      ["seats", "12"],
      ["vip", "Yes"],
    ]);
  });

  it("says so when the lead has no other columns", () => {
    render(<LeadFieldsTable fields={{}} />);
    expect(screen.getByText("No other columns.")).toBeTruthy();
  });

  it("names the agent version of a call and shows its answers", () => {
    renderWithRouter(
      <Attempt
        tz="UTC"
        call={{ id: "c1", attempt: 2, status: "completed", outcome: "interested", dialed_at: "2026-11-24T12:00:00Z", duration_secs: 75, agent_id: "ag-1", agent_version: 3, answers: { employees: 40, has_solar: false, plan: "pro" } }}
      />,
    );
    expect(screen.getByRole("link", { name: "Agent v3" }).getAttribute("href")).toBe("/agents/ag-1");
    const answers = screen.getByTestId("answers");
    expect([...answers.querySelectorAll("th")].map((t) => t.textContent)).toEqual(["Employees", "Has solar", "Plan"]);
    expect([...answers.querySelectorAll("td")].map((t) => t.textContent)).toEqual(["40", "No", "pro"]);
  });
});
