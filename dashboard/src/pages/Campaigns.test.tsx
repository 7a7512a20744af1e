import { describe, expect, it } from "vitest";
import { chooseAgent } from "../agents/AgentPlanPicker";
import { DEFAULT_FORM, startBody } from "./Campaigns";

const agent = chooseAgent({ id: "ag-1", name: "Solar", latest_version: 3, created_at: "", updated_at: "" });

describe("startBody", () => {
  it("turns the form into the API's units, with the agent and no business name", () => {
    const body = startBody({ ...DEFAULT_FORM, name: " Spring ", windowStart: "09:30", windowEnd: "00:00", days: [5, 1] }, { lead_ids: ["a", "b"] }, agent);
    expect(body).toEqual({
      name: "Spring",
      lead_ids: ["a", "b"],
      max_concurrent: 10,
      agent: { id: "ag-1" },
      settings: {
        max_attempts: 3,
        retry: { no_answer_secs: 14400, busy_secs: 1800, voicemail_secs: 86400, failed_secs: 900, incomplete_secs: 86400 },
        calling_window: { start_minute: 570, end_minute: 1440, days: [1, 5] },
      },
    });
    expect(JSON.stringify(body)).not.toContain("business_name");
  });

  it("starts an upload's campaign by its import id", () => {
    const body = startBody(DEFAULT_FORM, { import_id: "imp-1" }, agent);
    expect(body.import_id).toBe("imp-1");
    expect(body.lead_ids).toBeUndefined();
  });

  it("pins a version, or splits the leads between versions by weight", () => {
    expect(startBody(DEFAULT_FORM, { import_id: "i" }, { ...agent, mode: "pinned", version: 2 }).agent).toEqual({ id: "ag-1", version: 2 });
    expect(startBody(DEFAULT_FORM, { import_id: "i" }, { ...agent, mode: "split" }).agent).toEqual({
      id: "ag-1",
      variants: [
        { version: 2, weight: 50 },
        { version: 3, weight: 50 },
      ],
    });
  });
});
