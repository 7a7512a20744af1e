import { useEffect, useState } from "react";
import { Link, useLocation, useNavigate, useParams, useSearchParams } from "react-router-dom";
import { api, ApiError } from "../api/client";
import type { AgentDetail, AgentRules, AgentSpec, AgentSummary, AgentVersionView } from "../api/types";
import { AgentEditor } from "../agents/AgentEditor";
import { AgentResults } from "../agents/AgentResults";
import { FieldErrorContext, focusField, type FieldProblem } from "../agents/fields";
import { PreviewPanel } from "../agents/PreviewPanel";
import { blankSpec, cleanSpec, editorField } from "../agents/spec";
import { TrialChat } from "../agents/TrialChat";
import { VersionHistory } from "../agents/VersionHistory";
import { ErrorLine, PageHead } from "../components/Layout";
import { dateTime } from "../format";
import { useSettings } from "../settings";
import { useApi } from "../useApi";

export function Agents() {
  const { tz } = useSettings();
  const list = useApi<AgentSummary[]>("/api/agents");
  return (
    <>
      <PageHead title="Agents">
        <Link className="button" to="/agents/new">
          New agent
        </Link>
      </PageHead>
      <ErrorLine error={list.error} />
      <section className="card">
        <AgentTable agents={list.data} tz={tz} />
      </section>
    </>
  );
}

export function AgentTable({ agents, tz }: { agents: AgentSummary[] | null; tz: string }) {
  if (!agents) return null;
  if (!agents.length) return <p className="muted">No agents yet. An agent is what your calls say: the offer, the questions, the knowledge, the meeting.</p>;
  return (
    <table className="table">
      <thead>
        <tr>
          <th>Agent</th>
          <th>Latest version</th>
          <th>Last saved</th>
          <th>Created</th>
        </tr>
      </thead>
      <tbody>
        {agents.map((a) => (
          <tr key={a.id}>
            <td className="name">
              <Link to={`/agents/${a.id}`} dir="auto">
                {a.name}
              </Link>
            </td>
            <td>v{a.latest_version}</td>
            <td>{dateTime(a.updated_at, tz)}</td>
            <td>{dateTime(a.created_at, tz)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function NewAgent() {
  return <AgentWorkspace agent={null} />;
}

export function AgentPage() {
  const { id = "" } = useParams();
  const agent = useApi<AgentDetail>(`/api/agents/${id}`);
  if (!agent.data) return <ErrorLine error={agent.error} />;
  return <AgentWorkspace key={id} agent={agent.data} onSaved={agent.reload} />;
}

const TABS = { edit: "Edit", try: "Try it", versions: "Versions", results: "Results" } as const;
type Tab = keyof typeof TABS;

/**
 * An agent being edited (new, or a saved one and its versions): the editor with its preview,
 * the trial chat, the version history and the results. The draft outlives tab changes.
 */
export function AgentWorkspace({ agent, onSaved }: { agent: AgentDetail | null; onSaved?: () => void }) {
  const navigate = useNavigate();
  const notice = (useLocation().state as { notice?: string } | null)?.notice ?? null;
  const [params, setParams] = useSearchParams();
  const asked = params.get("tab") ?? "";
  const tab: Tab = agent && asked in TABS ? (asked as Tab) : "edit";
  const rules = useApi<AgentRules>("/api/agents/rules");
  const [draft, setDraft] = useState<AgentSpec>(() => agent?.latest.spec ?? blankSpec());
  const [problem, setProblem] = useState<FieldProblem | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(notice);
  const [busy, setBusy] = useState(false);
  const dirty = !agent || JSON.stringify(cleanSpec(draft)) !== JSON.stringify(cleanSpec(agent.latest.spec));

  useEffect(() => {
    if (problem) focusField(problem.field);
  }, [problem]);

  /** Places a refusal on its field; false when it names none the editor has. */
  const refuse = (field: string | null, message: string, what = "Not saved"): boolean => {
    const target = editorField(field, draft);
    setProblem(target ? { field: target, message } : null);
    setError(target ? `${what}: see the field marked below.` : message);
    if (target) setParams({}, { replace: true });
    return target !== null;
  };

  const save = async () => {
    setBusy(true);
    setProblem(null);
    setError(null);
    setSaved(null);
    try {
      const body = cleanSpec(draft);
      const v = agent
        ? await api<AgentVersionView>(`/api/agents/${agent.id}`, { method: "PUT", body })
        : await api<AgentVersionView>("/api/agents", { method: "POST", body });
      if (!agent) {
        navigate(`/agents/${v.agent_id}`, { state: { notice: `Saved as version ${v.version}.` } });
        return;
      }
      setSaved(`Saved as version ${v.version}.`);
      onSaved?.();
    } catch (e) {
      if (e instanceof ApiError && e.status === 422) refuse(e.field, e.message);
      else setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <FieldErrorContext.Provider value={problem}>
      <PageHead title={agent ? agent.name : "New agent"}>
        {agent && <span className="badge">Version {agent.latest_version}</span>}
        {agent && dirty && <span className="status s-paused">Unsaved changes</span>}
        <button onClick={() => void save()} disabled={busy || (agent !== null && !dirty)}>
          {agent ? `Save as version ${agent.latest_version + 1}` : "Save"}
        </button>
      </PageHead>
      {agent && (
        <div className="segmented tabs" role="tablist">
          {(Object.keys(TABS) as Tab[]).map((t) => (
            <button key={t} role="tab" aria-selected={t === tab} className={t === tab ? "on" : "secondary"} onClick={() => setParams(t === "edit" ? {} : { tab: t }, { replace: true })}>
              {TABS[t]}
            </button>
          ))}
        </div>
      )}
      {saved && (
        <p className="notice" role="status">
          {saved}
        </p>
      )}
      <ErrorLine error={error} />
      {tab === "edit" && (
        <>
          <AgentEditor spec={draft} onChange={setDraft} rules={rules.data} />
          <PreviewPanel spec={draft} onRefused={(field, message) => refuse(field, message, "No preview")} />
        </>
      )}
      {agent && tab === "try" && <TrialChat agent={agent} dirty={dirty} />}
      {agent && tab === "versions" && (
        <VersionHistory
          key={agent.latest_version}
          agentId={agent.id}
          versions={agent.versions}
          onRestore={(spec, version) => {
            setDraft(spec);
            setSaved(`Version ${version} is in the editor: save it to make it the latest.`);
            setParams({}, { replace: true });
          }}
        />
      )}
      {agent && tab === "results" && <AgentResults agentId={agent.id} />}
    </FieldErrorContext.Provider>
  );
}
