import { Link } from "react-router-dom";
import type { AgentDetail, AgentSummary, CampaignAgent, Variant } from "../api/types";
import { ErrorLine } from "../components/Layout";
import { useApi } from "../useApi";
import { Field, FieldError, FieldErrorContext, type ControlProps, type FieldProblem } from "./fields";
import { nearestField } from "./spec";

/** How a campaign uses its agent: the latest version, one pinned version, or an A/B split. */
export type AgentMode = "latest" | "pinned" | "split";

export interface AgentChoice {
  id: string;
  mode: AgentMode;
  /** The pinned version. */
  version: number;
  /** The split's versions and weights. */
  variants: Variant[];
}

/** The `agent` of `POST /api/campaigns/start`. */
export function agentBody(c: AgentChoice): CampaignAgent {
  if (c.mode === "pinned") return { id: c.id, version: c.version };
  if (c.mode === "split") return { id: c.id, variants: c.variants };
  return { id: c.id };
}

/** A fresh choice of agent `a`: its latest version; a split starts as the last two, half each. */
export function chooseAgent(a: AgentSummary): AgentChoice {
  const latest = a.latest_version;
  return {
    id: a.id,
    mode: "latest",
    version: latest,
    variants: latest > 1 ? [
      { version: latest - 1, weight: 50 },
      { version: latest, weight: 50 },
    ] : [{ version: latest, weight: 100 }],
  };
}

/** The field of the picker a refusal (`agent.variants[1].weight`) belongs to, or null. */
export function pickerField(field: string | null | undefined, c: AgentChoice | null): string | null {
  if (!field?.startsWith("agent")) return null;
  const known = new Set(["agent", "agent.id", "agent.version", "agent.variants"]);
  c?.variants.forEach((_, i) => ["", ".version", ".weight"].forEach((s) => known.add(`agent.variants[${i}]${s}`)));
  return nearestField(field, known);
}

const MODES: [AgentMode, string][] = [
  ["latest", "Its latest version"],
  ["pinned", "A pinned version"],
  ["split", "An A/B split"],
];

/** Picks a campaign's agent (required) and the version(s) it calls with. */
export function AgentPlanPicker({ choice, onChange, problem }: { choice: AgentChoice | null; onChange: (c: AgentChoice | null) => void; problem: FieldProblem | null }) {
  const agents = useApi<AgentSummary[]>("/api/agents");
  const detail = useApi<AgentDetail>(choice ? `/api/agents/${choice.id}` : null);
  const versions = detail.data?.id === choice?.id ? (detail.data?.versions.map((v) => v.version) ?? []) : [];
  const set = (c: Partial<AgentChoice>) => choice && onChange({ ...choice, ...c });
  const setVariant = (i: number, v: Partial<Variant>) => set({ variants: choice?.variants.map((x, k) => (k === i ? { ...x, ...v } : x)) });
  const total = choice?.variants.reduce((n, v) => n + (v.weight > 0 ? v.weight : 0), 0) ?? 0;
  const versionSelect = (value: number, onPick: (n: number) => void, p: ControlProps) => (
    <select {...p} value={value} onChange={(e) => onPick(Number(e.target.value))}>
      {(versions.length ? versions : [value]).map((n) => (
        <option key={n} value={n}>
          Version {n}
        </option>
      ))}
    </select>
  );
  return (
    <FieldErrorContext.Provider value={problem}>
      <section className="card form" data-testid="campaign-agent">
        <h2>Agent</h2>
        <ErrorLine error={agents.error} />
        {agents.data?.length === 0 && (
          <p className="notice">
            No agents yet: <Link to="/agents/new">create one</Link> first. It is what the calls say, and the business they call for.
          </p>
        )}
        <Field label="Agent" path="agent.id">
          {(p) => (
            <select
              {...p}
              value={choice?.id ?? ""}
              onChange={(e) => {
                const a = agents.data?.find((x) => x.id === e.target.value);
                onChange(a ? chooseAgent(a) : null);
              }}
            >
              <option value="">Choose an agent…</option>
              {agents.data?.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name} (v{a.latest_version})
                </option>
              ))}
            </select>
          )}
        </Field>
        {choice && (
          <fieldset>
            <legend>Calls with</legend>
            {MODES.map(([m, name]) => (
              <label key={m} className="check">
                <input type="radio" name="agent-mode" checked={choice.mode === m} onChange={() => set({ mode: m })} disabled={m === "split" && versions.length < 2} />
                {name}
              </label>
            ))}
            {versions.length < 2 && <small className="muted"> (an A/B split needs two saved versions)</small>}
            {choice.mode === "pinned" && (
              <Field label="Pinned version" path="agent.version">
                {(p) => versionSelect(choice.version, (version) => set({ version }), p)}
              </Field>
            )}
            {choice.mode === "split" && (
              <div className="variants" data-field="agent.variants">
                {choice.variants.map((v, i) => (
                  <div key={i} className="row" data-field={`agent.variants[${i}]`}>
                    <Field label={`Variant ${i + 1} version`} path={`agent.variants[${i}].version`}>
                      {(p) => versionSelect(v.version, (version) => setVariant(i, { version }), p)}
                    </Field>
                    <Field label={`Variant ${i + 1} weight`} path={`agent.variants[${i}].weight`}>
                      {(p) => <input {...p} type="number" min={1} value={v.weight} onChange={(e) => setVariant(i, { weight: Number(e.target.value) })} />}
                    </Field>
                    <span className="muted share">{total && v.weight > 0 ? `${Math.round((v.weight / total) * 100)}% of leads` : ""}</span>
                    <button type="button" className="small secondary" disabled={choice.variants.length < 2} onClick={() => set({ variants: choice.variants.filter((_, k) => k !== i) })}>
                      Remove
                    </button>
                    <FieldError path={`agent.variants[${i}]`} />
                  </div>
                ))}
                <button
                  type="button"
                  className="small secondary"
                  disabled={choice.variants.length >= versions.length}
                  onClick={() => set({ variants: [...choice.variants, { version: versions.find((n) => !choice.variants.some((v) => v.version === n)) ?? 1, weight: 50 }] })}
                >
                  Add a variant
                </button>
                <FieldError path="agent.variants" />
              </div>
            )}
          </fieldset>
        )}
        <FieldError path="agent" />
      </section>
    </FieldErrorContext.Provider>
  );
}
