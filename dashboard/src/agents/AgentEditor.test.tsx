import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { useState } from "react";
import { describe, expect, it } from "vitest";
import type { AgentSpec } from "../api/types";
import { AgentEditor } from "./AgentEditor";
import { FieldErrorContext, type FieldProblem } from "./fields";
import { rules, spec } from "./fixtures";

function Editor({ start = spec, problem = null, seen }: { start?: AgentSpec; problem?: FieldProblem | null; seen?: (s: AgentSpec) => void }) {
  const [s, setS] = useState(start);
  return (
    <FieldErrorContext.Provider value={problem}>
      <AgentEditor
        spec={s}
        rules={rules}
        onChange={(n) => {
          setS(n);
          seen?.(n);
        }}
      />
    </FieldErrorContext.Provider>
  );
}

describe("AgentEditor", () => {
  it("shows every field, the template variables and the disclosure the product always says first", () => {
    render(<Editor />);
    expect((screen.getByLabelText("Name") as HTMLInputElement).value).toBe("Solar outreach");
    expect((screen.getByLabelText("Business name") as HTMLInputElement).value).toBe("Acme Solar");
    expect((screen.getByLabelText("Instructions") as HTMLTextAreaElement).value).toContain("{{ business }}");
    expect(screen.getByText("{{ lead.fields.<column> }}")).toBeTruthy();
    expect(screen.getByText(/that it is an AI assistant, and that the call is recorded/)).toBeTruthy();
    expect((screen.getByLabelText("Meeting title (English)") as HTMLTextAreaElement).value).toBe("Energy review with {{ lead.name }}");
    expect(screen.getByTestId("knowledge-budget").textContent).toContain("Within the inline budget of 40,000");
  });

  it("writes Hebrew greetings right to left and adds a language from the picker", () => {
    const edits: AgentSpec[] = [];
    const last = () => edits[edits.length - 1];
    render(<Editor seen={(s) => edits.push(s)} />);
    expect(screen.getByLabelText("Greeting (Hebrew)").getAttribute("dir")).toBe("rtl");
    expect(screen.getByLabelText("Greeting (English)").getAttribute("dir")).toBe("auto");
    fireEvent.change(screen.getByLabelText("Add a greeting language"), { target: { value: "ar" } });
    fireEvent.change(screen.getByLabelText("Greeting (Arabic)"), { target: { value: "مرحبا" } });
    expect(screen.getByLabelText("Greeting (Arabic)").getAttribute("dir")).toBe("rtl");
    expect(last()?.greetings).toEqual({ ...spec.greetings, ar: "مرحبا" });
    // The agent's own language keeps its meeting title.
    expect(screen.queryByLabelText("Remove meeting title in English")).toBeNull();
  });

  it("edits questions: a one-of question lists its options, another type drops them", () => {
    const edits: AgentSpec[] = [];
    const last = () => edits[edits.length - 1];
    render(<Editor seen={(s) => edits.push(s)} />);
    expect((screen.getByLabelText("Option 2") as HTMLInputElement).value).toBe("pro");
    fireEvent.click(screen.getByRole("button", { name: "Add an option" }));
    fireEvent.change(screen.getByLabelText("Option 3"), { target: { value: "enterprise" } });
    expect(last()?.questions[0]?.options).toEqual(["basic", "pro", "enterprise"]);
    fireEvent.change(screen.getByLabelText("Answer type"), { target: { value: "number" } });
    expect(last()?.questions[0]).toEqual({ id: "plan", text: "Which plan are you on?", type: "number" });
    expect(screen.queryByLabelText("Option 1")).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: "Add a question" }));
    expect(last()?.questions[1]).toEqual({ id: "question_2", text: "", type: "text" });
  });

  it("reads uploaded .md and .txt files into knowledge documents", async () => {
    const edits: AgentSpec[] = [];
    const last = () => edits[edits.length - 1];
    render(<Editor seen={(s) => edits.push(s)} />);
    const files = [new File(["Q: Is it free?\nA: No."], "faq.txt", { type: "text/plain" })];
    fireEvent.change(screen.getByLabelText("Knowledge files"), { target: { files } });
    await waitFor(() => expect(last()?.knowledge).toHaveLength(2));
    expect(last()?.knowledge[1]).toEqual({ title: "faq.txt", format: "text", content: "Q: Is it free?\nA: No." });
    expect((screen.getByDisplayValue("faq.txt") as HTMLInputElement).tagName).toBe("INPUT");
  });

  it("switches the voice mode, reading an agent saved without one as turn by turn", () => {
    const edits: AgentSpec[] = [];
    render(<Editor seen={(s) => edits.push(s)} />);
    const mode = screen.getByLabelText("Voice mode") as HTMLSelectElement;
    expect(mode.value).toBe("gather");
    fireEvent.change(mode, { target: { value: "relay" } });
    expect(edits[edits.length - 1]?.voice_mode).toBe("relay");
    expect(mode.value).toBe("relay");
  });

  it("shows a refusal next to the field it names", () => {
    render(<Editor problem={{ field: "questions[0].options[1]", message: "`pro` is listed twice" }} />);
    const input = screen.getByLabelText("Option 2");
    expect(input.getAttribute("aria-invalid")).toBe("true");
    const error = screen.getByRole("alert");
    expect(error.textContent).toBe("`pro` is listed twice");
    expect(error.getAttribute("data-error-for")).toBe("questions[0].options[1]");
    expect(input.parentElement?.contains(error)).toBe(true);
  });
});
