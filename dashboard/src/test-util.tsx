import { render } from "@testing-library/react";
import type { ReactElement } from "react";
import { MemoryRouter } from "react-router-dom";
import { vi } from "vitest";
import { SettingsProvider } from "./settings";

/** Renders inside a router (views use links) at `path`, with the top bar's settings. */
export function renderWithRouter(ui: ReactElement, path = "/") {
  return render(
    <MemoryRouter initialEntries={[path]}>
      <SettingsProvider>{ui}</SettingsProvider>
    </MemoryRouter>,
  );
}

/** An answer other than 200 for `stubFetch`. */
export class Reply {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {}
}

/**
 * Replaces fetch with a stub answering JSON by path (`"/api/x"`, or `"POST /api/x"` for one
 * method; a `Reply` for another status); returns the recorded calls.
 */
export function stubFetch(routes: Record<string, unknown>) {
  const calls: { url: string; init?: RequestInit }[] = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (url: string, init?: RequestInit) => {
      calls.push({ url, init });
      const path = url.split("?")[0] ?? url;
      const answer = routes[`${init?.method ?? "GET"} ${path}`] ?? routes[path];
      const [status, body] =
        answer === undefined ? [404, { error: { code: "not_found", message: "no" } }] : answer instanceof Reply ? [answer.status, answer.body] : [200, answer];
      return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
    }),
  );
  return calls;
}
