import type { ErrorBody } from "./types";

const KEY = "callwright.apiKey";

/** The API key of this browser tab (sessionStorage: gone when the tab closes). */
export function apiKey(): string | null {
  return sessionStorage.getItem(KEY);
}

export function setApiKey(key: string | null): void {
  if (key) sessionStorage.setItem(KEY, key);
  else sessionStorage.removeItem(KEY);
  window.dispatchEvent(new Event("callwright:auth"));
}

/** An error answer of the API, with its `{error: {code, message, field}}` body. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly field: string | null;

  constructor(status: number, body: Partial<ErrorBody> | null) {
    super(body?.error?.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = body?.error?.code ?? "http";
    this.field = body?.error?.field ?? null;
  }
}

/** Headers of an authenticated request. */
export function authHeaders(extra: Record<string, string> = {}): Record<string, string> {
  const key = apiKey();
  return key ? { ...extra, authorization: `Bearer ${key}` } : extra;
}

/** Throws an ApiError for a non-2xx answer; a 401 also forgets the key (back to login). */
export async function check(response: Response): Promise<Response> {
  if (response.ok) return response;
  const body = (await response.json().catch(() => null)) as Partial<ErrorBody> | null;
  if (response.status === 401) setApiKey(null);
  throw new ApiError(response.status, body);
}

/** A query string from the defined values of `params`. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== "") q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : "";
}

/** GET (or another method with a JSON body) on the API; the answer's JSON. */
export async function api<T>(path: string, init: { method?: string; body?: unknown; signal?: AbortSignal } = {}): Promise<T> {
  const response = await fetch(path, {
    method: init.method ?? "GET",
    headers: authHeaders(init.body === undefined ? {} : { "content-type": "application/json" }),
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    signal: init.signal,
  });
  await check(response);
  return (await response.json()) as T;
}

/** Checks a key by asking for one lead; true when the API takes it. */
export async function verifyKey(key: string): Promise<boolean> {
  const response = await fetch("/api/leads?limit=1", { headers: { authorization: `Bearer ${key}` } });
  if (response.status === 401) return false;
  await check(response);
  return true;
}

/** Whether the API documents `method path` (for buttons of endpoints that may not exist yet). */
let spec: Promise<Record<string, Record<string, unknown>>> | null = null;
export async function hasOperation(method: string, path: string): Promise<boolean> {
  spec ??= fetch("/openapi.json")
    .then((r) => (r.ok ? r.json() : { paths: {} }))
    .then((d: { paths?: Record<string, Record<string, unknown>> }) => d.paths ?? {})
    .catch(() => ({}));
  const paths = await spec;
  return Boolean(paths[path]?.[method.toLowerCase()]);
}
