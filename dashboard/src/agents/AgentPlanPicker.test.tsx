import { fireEvent, screen, waitFor } from "@testing-library/react";
import { useState } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { renderWithRouter, stubFetch } from "../test-util";
import { AgentPlanPicker, agentBody, pickerField, type AgentChoice } from "./AgentPlanPicker";
import type { FieldProblem } from "./fields";
import { detail } from "./fixtures";

afterEach(() => vi.unstubAllGlobals());

function Picker({ seen, problem = null }: { seen: (c: AgentChoice | null) => void; problem?: FieldProblem | null }) {
  const [c, setC] = useState<AgentChoice | null>(null);
  return (
    <AgentPlanPicker
      choice={c}
      problem={problem}
      onChange={(n) => {
        setC(n);
        seen(n);
      }}
    />
  );
}

describe("AgentPlanPicker", () => {
  it("picks an agent, then its latest version, a pinned one or an A/B split with weights", async () => {
    stubFetch({ "/api/agents": [{ id: "ag-1", name: "Solar outreach", latest_version: 2, created_at: "", updated_at: "" }], "/api/agents/ag-1": detail });
    const seen: (AgentChoice | null)[] = [];
    const last = () => seen[seen.length - 1] ?? null;
    renderWithRouter(<Picker seen={(c) => seen.push(c)} />);
    await screen.findByText("Solar outreach (v2)");
    fireEvent.change(screen.getByLabelText("Agent"), { target: { value: "ag-1" } });
    expect(agentBody(last() as AgentChoice)).toEqual({ id: "ag-1" });

    await waitFor(() => expect((screen.getByLabelText("An A/B split") as HTMLInputElement).disabled).toBe(false));
    fireEvent.click(screen.getByLabelText("A pinned version"));
    fireEvent.change(screen.getByLabelText("Pinned version"), { target: { value: "1" } });
    expect(agentBody(last() as AgentChoice)).toEqual({ id: "ag-1", version: 1 });

    fireEvent.click(screen.getByLabelText("An A/B split"));
    fireEvent.change(screen.getByLabelText("Variant 1 weight"), { target: { value: "70" } });
    fireEvent.change(screen.getByLabelText("Variant 2 weight"), { target: { value: "30" } });
    expect(screen.getByText("70% of leads")).toBeTruthy();
    expect(agentBody(last() as AgentChoice)).toEqual({
      id: "ag-1",
      variants: [
        { version: 1, weight: 70 },
        { version: 2, weight: 30 },
      ],
    });
    expect((screen.getByRole("button", { name: "Add a variant" }) as HTMLButtonElement).disabled).toBe(true);
  });

  it("places a refusal of the split next to the variant it names", () => {
    const choice: AgentChoice = { id: "ag-1", mode: "split", version: 2, variants: [{ version: 1, weight: 1 }, { version: 2, weight: 0 }] };
    expect(pickerField("agent.variants[1].weight", choice)).toBe("agent.variants[1].weight");
    expect(pickerField("agent.variants[1]", choice)).toBe("agent.variants[1]");
    expect(pickerField("agent.variants[5].version", choice)).toBe("agent.variants");
    expect(pickerField("lead_ids", choice)).toBeNull();
  });

  it("points to the agents page when there are none", async () => {
    stubFetch({ "/api/agents": [] });
    renderWithRouter(<Picker seen={() => undefined} />);
    expect((await screen.findByRole("link", { name: "create one" })).getAttribute("href")).toBe("/agents/new");
  });
});
