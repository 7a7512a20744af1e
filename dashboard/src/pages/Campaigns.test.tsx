import { describe, expect, it } from "vitest";
import { DEFAULT_FORM, startBody } from "./Campaigns";

describe("startBody", () => {
  it("turns the form into the API's units", () => {
    const body = startBody({ ...DEFAULT_FORM, name: " Spring ", windowStart: "09:30", windowEnd: "00:00", days: [5, 1] }, { lead_ids: ["a", "b"] });
    expect(body).toEqual({
      name: "Spring",
      lead_ids: ["a", "b"],
      max_concurrent: 10,
      settings: {
        max_attempts: 3,
        retry: { no_answer_secs: 14400, busy_secs: 1800, voicemail_secs: 86400, failed_secs: 900, incomplete_secs: 86400 },
        calling_window: { start_minute: 570, end_minute: 1440, days: [1, 5] },
      },
    });
  });

  it("starts an upload's campaign by its import id", () => {
    const body = startBody(DEFAULT_FORM, { import_id: "imp-1" });
    expect(body.import_id).toBe("imp-1");
    expect(body.lead_ids).toBeUndefined();
  });
});
