import { render } from "@testing-library/react";
import type { ReactElement } from "react";
import { MemoryRouter } from "react-router-dom";
import { vi } from "vitest";

/** Renders inside a router (views use links). */
export function renderWithRouter(ui: ReactElement) {
  return render(<MemoryRouter>{ui}</MemoryRouter>);
}

/** Replaces fetch with a stub answering JSON by path; returns the recorded calls. */
export function stubFetch(routes: Record<string, unknown>) {
  const calls: { url: string; init?: RequestInit }[] = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (url: string, init?: RequestInit) => {
      calls.push({ url, init });
      const path = url.split("?")[0] ?? url;
      const body = routes[path];
      return body === undefined
        ? new Response(JSON.stringify({ error: { code: "not_found", message: "no" } }), { status: 404, headers: { "content-type": "application/json" } })
        : new Response(JSON.stringify(body), { status: 200, headers: { "content-type": "application/json" } });
    }),
  );
  return calls;
}
