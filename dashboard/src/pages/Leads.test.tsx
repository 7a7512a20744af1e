import { screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { renderWithRouter } from "../test-util";
import { ImportReportView, LeadTable } from "./Leads";

describe("ImportReportView", () => {
  it("shows the counts, the reasons of rejected rows and the duplicates", () => {
    renderWithRouter(
      <ImportReportView
        report={{
          import_id: "i",
          rows: 5,
          accepted: 3,
          rejected: 1,
          duplicates: 1,
          field_columns: ["plan"],
          rejected_rows: [{ line: 4, field: "phone", reason: "phone: '12' is not a phone number" }],
          duplicate_rows: [{ line: 6, phone: "+14155550100", first_line: 2 }],
        }}
      />,
    );
    const tile = (name: string) => screen.getByText(name, { selector: ".tile-name" }).parentElement?.querySelector(".tile-value")?.textContent;
    expect([tile("Accepted"), tile("Rejected"), tile("Duplicates")]).toEqual(["3", "1", "1"]);
    expect(screen.getByText("phone: '12' is not a phone number")).toBeTruthy();
    expect(screen.getByText("repeats line 2", { exact: false })).toBeTruthy();
    expect(screen.getByTestId("field-columns").textContent).toBe("Kept as lead fields: plan (for the agent's templates: {{ lead.fields.plan }})");
  });
});

describe("LeadTable", () => {
  const lead = { id: "1", name: "נועה כהן", phone: "+972527650100", language: "he", timezone: "Asia/Jerusalem", attempts: 2, last_outcome: "interested", created_at: "2026-11-24T10:00:00Z" };

  it("renders right-to-left names in their own direction and never-called leads", () => {
    renderWithRouter(
      <LeadTable leads={[lead, { ...lead, id: "2", name: "Emily Carter", last_outcome: null }]} tz="UTC" selected={new Set()} onToggle={() => undefined} allSelected={false} onToggleAll={() => undefined} />,
    );
    expect(screen.getByText("נועה כהן").getAttribute("dir")).toBe("auto");
    expect(screen.getAllByText("Hebrew")).toHaveLength(2);
    expect(screen.getByText("Interested")).toBeTruthy();
    expect(screen.getByText("Never called")).toBeTruthy();
  });

  it("selects a lead", () => {
    const onToggle = vi.fn();
    renderWithRouter(<LeadTable leads={[lead]} tz="UTC" selected={new Set()} onToggle={onToggle} allSelected={false} onToggleAll={() => undefined} />);
    screen.getByLabelText("Select נועה כהן").click();
    expect(onToggle).toHaveBeenCalledWith("1");
  });
});
