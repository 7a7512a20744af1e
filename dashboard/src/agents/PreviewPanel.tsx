import { useState } from "react";
import { api, ApiError } from "../api/client";
import type { AgentPreview, AgentSpec, LeadSummary, PreviewRequest } from "../api/types";
import { ErrorLine } from "../components/Layout";
import { dirOf, language, LANGUAGE_CODES } from "../format";
import { LeadPicker } from "./LeadPicker";
import { cleanSpec } from "./spec";

/**
 * Renders the agent as edited (unsaved) for a lead and a language: the opening line, the
 * meeting's title and the system prompt, with the template values the lead lacks. A refusal
 * naming a field of the agent goes to the editor (`onRefused`).
 */
export function PreviewPanel({ spec, onRefused }: { spec: AgentSpec; onRefused: (field: string, message: string) => boolean }) {
  const [lead, setLead] = useState<LeadSummary | null>(null);
  const [lang, setLang] = useState("");
  const [preview, setPreview] = useState<AgentPreview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setBusy(true);
    setError(null);
    const body: PreviewRequest = { spec: cleanSpec(spec), ...(lead ? { lead_id: lead.id } : {}), ...(lang ? { language: lang } : {}) };
    try {
      setPreview(await api<AgentPreview>("/api/agents/preview", { method: "POST", body }));
    } catch (e) {
      setPreview(null);
      if (!(e instanceof ApiError && e.field?.startsWith("spec") && onRefused(e.field, e.message))) setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  const shownLang = lang || lead?.language || spec.language;
  return (
    <section className="card preview" data-testid="agent-preview">
      <h2>Preview</h2>
      <div className="filters">
        <LeadPicker lead={lead} onPick={setLead} label="Preview lead" />
        {!lead && <small className="muted">or a sample lead (Dana Levi, no company)</small>}
        <select value={lang} onChange={(e) => setLang(e.target.value)} aria-label="Preview language">
          <option value="">{lead ? "The lead's language" : "The agent's language"}</option>
          {LANGUAGE_CODES.map((l) => (
            <option key={l} value={l}>
              {language(l)}
            </option>
          ))}
        </select>
        <button type="button" onClick={() => void run()} disabled={busy}>
          Preview
        </button>
      </div>
      <ErrorLine error={error} />
      {preview && <PreviewView preview={preview} lang={shownLang} />}
    </section>
  );
}

export function PreviewView({ preview, lang }: { preview: AgentPreview; lang: string }) {
  return (
    <div className="preview-result">
      {preview.problems.length > 0 && (
        <div className="notice warn" role="status">
          <b>Values this lead lacks</b> (empty on a call; write a <code>default(…)</code>):
          <ul className="plain">
            {preview.problems.map((p) => (
              <li key={p.field}>
                <code>{p.field}</code>: {p.message}
              </li>
            ))}
          </ul>
        </div>
      )}
      <h3>Opening line</h3>
      <p className="quote" dir={dirOf(lang)} data-testid="preview-greeting">
        {preview.greeting}
      </p>
      <h3>Meeting</h3>
      <p dir={dirOf(lang)}>
        <b>{preview.meeting_title}</b>
        {preview.meeting_description && <span className="muted"> · {preview.meeting_description}</span>}
      </p>
      <p className="muted">Knowledge: {preview.knowledge_mode === "none" ? "none" : preview.knowledge_mode === "inline" ? "whole, in every prompt" : "searched on each turn"}</p>
      <details>
        <summary>System prompt ({language(lang)})</summary>
        <pre className="prompt" dir="auto">
          {preview.system_prompt}
        </pre>
      </details>
    </div>
  );
}
