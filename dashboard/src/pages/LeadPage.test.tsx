import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { SummaryNote } from "./LeadPage";

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
