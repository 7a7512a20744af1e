/** Server settings the API injects into index.html's <meta> tags. */
function meta(name: string): string {
  return document.querySelector<HTMLMetaElement>(`meta[name="${name}"]`)?.content ?? "";
}

/**
 * Link to a workflow in the Temporal Web UI (its runs, newest first), or null when the API has
 * no TEMPORAL_UI_URL.
 */
export function temporalLink(workflowId: string): string | null {
  const base = meta("callwright-temporal-ui");
  if (!base) return null;
  const ns = meta("callwright-temporal-namespace") || "default";
  return `${base}/namespaces/${encodeURIComponent(ns)}/workflows?query=${encodeURIComponent(`WorkflowId="${workflowId}"`)}`;
}
