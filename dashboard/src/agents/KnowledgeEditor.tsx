import { useState } from "react";
import type { AgentRules, KnowledgeDoc } from "../api/types";
import { ErrorLine } from "../components/Layout";
import { count } from "../format";
import { Field, FieldError } from "./fields";
import { readKnowledgeFile } from "./spec";

/**
 * Knowledge documents: pasted, or read from .md / .txt files into the agent's JSON. Tells
 * whether they fit the inline budget (whole in every prompt) or will be searched per turn.
 */
export function KnowledgeEditor({ docs, onChange, rules }: { docs: KnowledgeDoc[]; onChange: (d: KnowledgeDoc[]) => void; rules: AgentRules | null }) {
  const [error, setError] = useState<string | null>(null);
  const set = (i: number, d: KnowledgeDoc) => onChange(docs.map((x, k) => (k === i ? d : x)));
  const upload = async (files: File[]) => {
    setError(null);
    try {
      const read = await Promise.all(files.map(readKnowledgeFile));
      onChange([...docs, ...read]);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  const total = docs.reduce((n, d) => n + [...d.content].length, 0);
  return (
    <div data-field="knowledge">
      {docs.length === 0 && <p className="muted">No documents: the agent answers questions about the offer with "I don't know".</p>}
      {docs.map((d, i) => (
        <fieldset key={i} className="doc" data-field={`knowledge[${i}]`}>
          <legend>Document {i + 1}</legend>
          <div className="row">
            <Field label="Title" path={`knowledge[${i}].title`}>
              {(p) => <input {...p} dir="auto" value={d.title} size={36} onChange={(e) => set(i, { ...d, title: e.target.value })} />}
            </Field>
            <Field label="Format" path={`knowledge[${i}].format`}>
              {(p) => (
                <select {...p} value={d.format} onChange={(e) => set(i, { ...d, format: e.target.value as KnowledgeDoc["format"] })}>
                  <option value="markdown">Markdown</option>
                  <option value="text">Plain text</option>
                </select>
              )}
            </Field>
            <span className="row-actions">
              <button type="button" className="small secondary" onClick={() => onChange(docs.filter((_, k) => k !== i))}>
                Remove
              </button>
            </span>
          </div>
          <Field label="Content" path={`knowledge[${i}].content`} hint={`${count([...d.content].length)} characters`}>
            {(p) => <textarea {...p} rows={6} dir="auto" value={d.content} onChange={(e) => set(i, { ...d, content: e.target.value })} />}
          </Field>
        </fieldset>
      ))}
      <FieldError path="knowledge" />
      <div className="filters">
        <button type="button" className="secondary" onClick={() => onChange([...docs, { title: "", format: "markdown", content: "" }])}>
          Paste a document
        </button>
        <label className="button secondary">
          Upload .md or .txt files
          <input type="file" hidden multiple accept=".md,.markdown,.txt,text/plain,text/markdown" aria-label="Knowledge files"
            onChange={(e) => {
              const files = [...(e.target.files ?? [])];
              e.target.value = "";
              void upload(files);
            }}
          />
        </label>
      </div>
      <ErrorLine error={error} />
      {rules && docs.length > 0 && (
        <p className={total > rules.inline_knowledge_chars && !rules.search_available ? "error" : "muted"} data-testid="knowledge-budget">
          {count(total)} characters in all.{" "}
          {total <= rules.inline_knowledge_chars
            ? `Within the inline budget of ${count(rules.inline_knowledge_chars)}: the model reads all of it on every turn.`
            : rules.search_available
              ? `Over the inline budget of ${count(rules.inline_knowledge_chars)}: the agent searches it on each turn.`
              : `Over the inline budget of ${count(rules.inline_knowledge_chars)}, and this server cannot search knowledge: shorten it to save.`}
        </p>
      )}
    </div>
  );
}
