import { fireEvent, screen, waitFor } from "@testing-library/react";
import { Route, Routes } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";
import { detail, rules, spec } from "../agents/fixtures";
import { renderWithRouter, Reply, stubFetch } from "../test-util";
import { AgentPage, AgentTable, NewAgent } from "./Agents";

afterEach(() => vi.unstubAllGlobals());

const routes = (
  <Routes>
    <Route path="/agents/new" element={<NewAgent />} />
    <Route path="/agents/:id" element={<AgentPage />} />
  </Routes>
);

describe("AgentTable", () => {
  it("lists agents with their latest version", () => {
    renderWithRouter(<AgentTable agents={[{ id: "ag-1", name: "Solar outreach", latest_version: 3, created_at: "2026-11-20T10:00:00Z", updated_at: "2026-11-24T12:00:00Z" }]} tz="UTC" />);
    expect(screen.getByRole("link", { name: "Solar outreach" }).getAttribute("href")).toBe("/agents/ag-1");
    expect(screen.getByText("v3")).toBeTruthy();
    expect(screen.getByText("24 Nov, 12:00")).toBeTruthy();
  });
});

describe("a new agent", () => {
  it("shows a refusal next to the instructions, then saves and opens the agent", async () => {
    const refused = new Reply(422, { error: { code: "invalid", message: "instructions: unknown variable `lead.nmae` (known: business, ...)", field: "instructions" } });
    const calls = stubFetch({ "/api/agents/rules": rules, "POST /api/agents": refused });
    renderWithRouter(routes, "/agents/new");
    fireEvent.change(screen.getByLabelText("Name"), { target: { value: "Solar" } });
    fireEvent.change(screen.getByLabelText("Instructions"), { target: { value: "Hi {{ lead.nmae }}" } });
    fireEvent.click(screen.getByRole("button", { name: "Save" }));
    const inline = await screen.findByText("instructions: unknown variable `lead.nmae` (known: business, ...)");
    expect(inline.getAttribute("data-error-for")).toBe("instructions");
    expect(screen.getByLabelText("Instructions").getAttribute("aria-invalid")).toBe("true");
    await waitFor(() => expect(document.activeElement).toBe(screen.getByLabelText("Instructions")));
    expect(screen.getByText("Not saved: see the field marked below.")).toBeTruthy();
    const sent = JSON.parse(String(calls.find((c) => c.init?.method === "POST")?.init?.body)) as Record<string, unknown>;
    expect(sent.name).toBe("Solar");
    expect(sent.greetings).toEqual({});

    stubFetch({
      "/api/agents/rules": rules,
      "POST /api/agents": detail.latest,
      "/api/agents/ag-1": detail,
    });
    fireEvent.change(screen.getByLabelText("Instructions"), { target: { value: "Hi {{ lead.name }}" } });
    fireEvent.click(screen.getByRole("button", { name: "Save" }));
    await screen.findByText("Saved as version 2.");
    expect(screen.getByRole("heading", { name: "Solar outreach" })).toBeTruthy();
  });
});

describe("an agent's page", () => {
  it("saves an edit as a new version (PUT of the whole agent)", async () => {
    const calls = stubFetch({ "/api/agents/rules": rules, "/api/agents/ag-1": detail, "PUT /api/agents/ag-1": { ...detail.latest, version: 3 } });
    renderWithRouter(routes, "/agents/ag-1");
    const save = await screen.findByRole("button", { name: "Save as version 3" });
    expect((save as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(screen.getByLabelText("Goal"), { target: { value: "a short call about solar" } });
    expect(screen.getByText("Unsaved changes")).toBeTruthy();
    fireEvent.click(save);
    await screen.findByText("Saved as version 3.");
    const put = calls.find((c) => c.init?.method === "PUT");
    expect(JSON.parse(String(put?.init?.body))).toEqual({ ...spec, goal: "a short call about solar" });
  });

  it("previews the unsaved agent for a language, and sends a refusal of the preview to its field", async () => {
    const preview = {
      greeting: "שלום, כאן העוזרת הדיגיטלית של Acme Solar. שלום דנה!",
      system_prompt: "You are the AI phone assistant of Acme Solar...",
      meeting_title: "Energy review with Dana Levi",
      knowledge_mode: "inline",
      problems: [{ field: "instructions", message: "undefined value: lead.company" }],
    };
    const calls = stubFetch({ "/api/agents/rules": rules, "/api/agents/ag-1": detail, "POST /api/agents/preview": preview });
    renderWithRouter(routes, "/agents/ag-1");
    fireEvent.change(await screen.findByLabelText("Preview language"), { target: { value: "he" } });
    fireEvent.click(screen.getByRole("button", { name: "Preview" }));
    const greeting = await screen.findByTestId("preview-greeting");
    expect(greeting.textContent).toBe(preview.greeting);
    expect(greeting.getAttribute("dir")).toBe("rtl");
    expect(screen.getByText("Energy review with Dana Levi")).toBeTruthy();
    expect(screen.getByText("undefined value: lead.company", { exact: false })).toBeTruthy();
    expect(screen.getByText("System prompt (Hebrew)").closest("details")?.open).toBe(false);
    const body = JSON.parse(String(calls.find((c) => c.url === "/api/agents/preview")?.init?.body)) as { spec: unknown; language: string };
    expect(body.language).toBe("he");
    expect(body.spec).toEqual(spec);

    stubFetch({
      "/api/agents/rules": rules,
      "POST /api/agents/preview": new Reply(422, { error: { code: "invalid", message: "spec.greetings.he: the template does not parse", field: "spec.greetings.he" } }),
    });
    fireEvent.click(screen.getByRole("button", { name: "Preview" }));
    await waitFor(() => expect(screen.getByLabelText("Greeting (Hebrew)").getAttribute("aria-invalid")).toBe("true"));
    expect(screen.getByText("No preview: see the field marked below.")).toBeTruthy();
  });

  it("has tabs for the trial, the versions and the results", async () => {
    stubFetch({ "/api/agents/rules": rules, "/api/agents/ag-1": detail });
    renderWithRouter(routes, "/agents/ag-1?tab=try");
    expect(await screen.findByRole("button", { name: "Start trial" })).toBeTruthy();
    expect(screen.getAllByRole("tab").map((t) => t.textContent)).toEqual(["Edit", "Try it", "Versions", "Results"]);
    fireEvent.click(screen.getByRole("tab", { name: "Versions" }));
    expect(await screen.findByText("Edit from here", { selector: "tr[data-version='1'] button" })).toBeTruthy();
  });
});
