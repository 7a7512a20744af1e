import { screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { renderWithRouter, stubFetch } from "../test-util";
import { at, detail, spec } from "./fixtures";
import { SpecDiff, VersionHistory } from "./VersionHistory";

afterEach(() => vi.unstubAllGlobals());

const older = { ...spec, instructions: "Introduce {{ business }}.\nBe brief.", greetings: { en: "Hello!" }, questions: [], knowledge: [] };

describe("SpecDiff", () => {
  it("shows the lines removed and added in each section that changed", () => {
    renderWithRouter(<SpecDiff before={older} after={spec} />);
    const diffs = [...document.querySelectorAll(".diff")];
    expect(diffs.map((d) => d.querySelector("h3")?.textContent)).toEqual(["Instructions", "Greetings", "Questions", "Knowledge"]);
    const lines = (i: number) => [...(diffs[i]?.querySelectorAll("pre > span") ?? [])].map((s) => `${s.className}|${s.textContent?.trimEnd()}`);
    expect(lines(0)).toEqual(["diff-same|  Introduce {{ business }}.", "diff-del|- Be brief.", 'diff-add|+ Ask about the bills of {{ lead.company | default("their company") }}.']);
    expect(lines(2)).toEqual(["diff-add|+ 1. plan (one of: basic | pro): Which plan are you on?"]);
  });

  it("says when two versions are the same", () => {
    renderWithRouter(<SpecDiff before={spec} after={spec} />);
    expect(screen.getByText("No differences.")).toBeTruthy();
  });
});

describe("VersionHistory", () => {
  it("lists the versions and compares the latest with the one before by default", async () => {
    stubFetch({
      "/api/agents/ag-1/versions/1": { agent_id: "ag-1", version: 1, created_at: at, knowledge_mode: "none", size_chars: 10, spec: older },
      "/api/agents/ag-1/versions/2": detail.latest,
    });
    renderWithRouter(<VersionHistory agentId="ag-1" versions={detail.versions} onRestore={() => undefined} />);
    expect(document.querySelectorAll("tbody tr[data-version]")).toHaveLength(2);
    expect((screen.getByLabelText("Compare version") as HTMLSelectElement).value).toBe("1");
    expect((screen.getByLabelText("With version") as HTMLSelectElement).value).toBe("2");
    await waitFor(() => expect(screen.getByTestId("version-diff").textContent).toContain("- Be brief."));
  });
});
