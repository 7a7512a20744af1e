import { useState } from "react";
import { api } from "../api/client";
import type { AgentSpec, AgentVersionView, VersionSummary } from "../api/types";
import { ErrorLine } from "../components/Layout";
import { dateTime, label } from "../format";
import { useSettings } from "../settings";
import { useApi } from "../useApi";
import { changed, collapse, diffLines } from "./diff";
import { specSections } from "./spec";

/** An agent's versions, and what changed between any two of them. */
export function VersionHistory({ agentId, versions, onRestore }: { agentId: string; versions: VersionSummary[]; onRestore: (spec: AgentSpec, version: number) => void }) {
  const { tz } = useSettings();
  const newest = versions[0]?.version ?? 1;
  const [a, setA] = useState(Math.max(1, newest - 1));
  const [b, setB] = useState(newest);
  const before = useApi<AgentVersionView>(`/api/agents/${agentId}/versions/${a}`);
  const after = useApi<AgentVersionView>(`/api/agents/${agentId}/versions/${b}`);
  const pick = (value: number, set: (n: number) => void, name: string) => (
    <select value={value} onChange={(e) => set(Number(e.target.value))} aria-label={name}>
      {versions.map((v) => (
        <option key={v.version} value={v.version}>
          Version {v.version}
        </option>
      ))}
    </select>
  );
  return (
    <>
      <section className="card">
        <h2>Versions</h2>
        <table className="table">
          <thead>
            <tr>
              <th>Version</th>
              <th>Name</th>
              <th>Knowledge</th>
              <th>Saved</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {versions.map((v) => (
              <tr key={v.version} data-version={v.version}>
                <td>{v.version}</td>
                <td dir="auto">{v.name}</td>
                <td>{label(v.knowledge_mode)}</td>
                <td>{dateTime(v.created_at, tz)}</td>
                <td className="row-actions">
                  <RestoreButton agentId={agentId} version={v.version} onRestore={onRestore} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section className="card" data-testid="version-diff">
        <div className="filters">
          <h2>Compare</h2>
          {pick(a, setA, "Compare version")} with {pick(b, setB, "With version")}
        </div>
        <ErrorLine error={before.error ?? after.error} />
        {before.data && after.data && <SpecDiff before={before.data.spec} after={after.data.spec} />}
      </section>
    </>
  );
}

function RestoreButton({ agentId, version, onRestore }: { agentId: string; version: number; onRestore: (spec: AgentSpec, version: number) => void }) {
  const [error, setError] = useState<string | null>(null);
  const restore = async () => {
    setError(null);
    try {
      onRestore((await api<AgentVersionView>(`/api/agents/${agentId}/versions/${version}`)).spec, version);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  return (
    <>
      {error && <small className="error">{error}</small>}
      <button type="button" className="small secondary" onClick={() => void restore()} title="Load this version into the editor; saving it makes a new version">
        Edit from here
      </button>
    </>
  );
}

/** Instructions, greetings, questions and knowledge (and the settings) diffed line by line. */
export function SpecDiff({ before, after }: { before: AgentSpec; after: AgentSpec }) {
  const old = specSections(before);
  const sections = specSections(after).map((s, i) => ({ title: s.title, diff: diffLines(old[i]?.text ?? "", s.text) }));
  const shown = sections.filter((s) => changed(s.diff));
  if (!shown.length) return <p className="muted">No differences.</p>;
  return (
    <>
      {shown.map((s) => (
        <div key={s.title} className="diff">
          <h3>{s.title}</h3>
          <pre dir="auto">
            {collapse(s.diff, 2).map((l, i) =>
              "skipped" in l ? (
                <span key={i} className="diff-skip">
                  {`… ${l.skipped} unchanged line${l.skipped === 1 ? "" : "s"}\n`}
                </span>
              ) : (
                <span key={i} className={`diff-${l.op}`}>
                  {`${l.op === "add" ? "+ " : l.op === "del" ? "- " : "  "}${l.text}\n`}
                </span>
              ),
            )}
          </pre>
        </div>
      ))}
    </>
  );
}
