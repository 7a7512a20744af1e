import { useState } from "react";
import { Link, useLocation, useNavigate, useParams } from "react-router-dom";
import { agentBody, AgentPlanPicker, pickerField, type AgentChoice } from "../agents/AgentPlanPicker";
import { AgentResults } from "../agents/AgentResults";
import type { FieldProblem } from "../agents/fields";
import { api, ApiError, query } from "../api/client";
import { download } from "../api/download";
import type { CampaignDetail, CampaignPage, CampaignState, ImportReport, LiveEvent, StartCampaign, StartedCampaign } from "../api/types";
import { BarList } from "../components/charts";
import { ErrorLine, PageHead } from "../components/Layout";
import { temporalLink } from "../config";
import { count, dateTime, label, language } from "../format";
import { useSettings } from "../settings";
import { useApi } from "../useApi";
import { Upload } from "./Leads";

const callEvent = (e: LiveEvent) => e.type !== "turn" && e.type !== "lagged";

export function Campaigns() {
  const { tz } = useSettings();
  const page = useApi<CampaignPage>(`/api/campaigns/status${query({ limit: 100 })}`, callEvent);
  return (
    <>
      <PageHead title="Campaigns">
        <Link className="button" to="/campaigns/new">
          New campaign
        </Link>
      </PageHead>
      <ErrorLine error={page.error} />
      <section className="card">
        {page.data?.campaigns.length === 0 && <p className="muted">No campaigns yet.</p>}
        {!!page.data?.campaigns.length && (
          <table className="table">
            <thead>
              <tr>
                <th>Campaign</th>
                <th>Started</th>
                <th>Progress</th>
                <th>Meetings</th>
              </tr>
            </thead>
            <tbody>
              {page.data.campaigns.map((c) => (
                <tr key={c.id}>
                  <td className="name">
                    <Link to={`/campaigns/${c.id}`} dir="auto">
                      {c.name}
                    </Link>
                  </td>
                  <td>{dateTime(c.created_at, tz)}</td>
                  <td>
                    <Progress done={c.settled} total={c.lead_count} />
                  </td>
                  <td>{c.meetings_booked}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}

export function Progress({ done, total }: { done: number; total: number }) {
  const f = total ? done / total : 0;
  return (
    <div className="progress compact" role="progressbar" aria-valuenow={done} aria-valuemax={total} aria-label="Leads settled">
      <span style={{ width: `${f * 100}%` }} />
      <em>
        {count(done)} / {count(total)}
      </em>
    </div>
  );
}

const CONTROLS: Record<CampaignState, ("pause" | "resume" | "cancel")[]> = {
  running: ["pause", "cancel"],
  paused: ["resume", "cancel"],
  cancelling: [],
  completed: [],
};

export function CampaignPage() {
  const { id = "" } = useParams();
  const { tz } = useSettings();
  const mine = (e: LiveEvent) => "campaign_id" in e && e.campaign_id === id && e.type !== "turn";
  const c = useApi<CampaignDetail>(`/api/campaigns/${id}`, mine);
  const [error, setError] = useState<string | null>(null);
  const control = async (action: string) => {
    setError(null);
    try {
      await api(`/api/campaigns/${id}/${action}`, { method: "POST", body: {} });
      c.reload();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  const d = c.data;
  if (!d) return <ErrorLine error={c.error} />;
  const status = d.progress?.status;
  const settled = d.progress?.settled ?? d.leads.filter((l) => l.settled_at).length;
  const link = temporalLink(d.workflow_id);
  return (
    <>
      <PageHead title={d.name}>
        {status && <span className={`status s-${status}`} data-testid="campaign-status">{label(status)}</span>}
        {(status ? CONTROLS[status] : []).map((a) => (
          <button key={a} className={a === "cancel" ? "danger" : undefined} onClick={() => void control(a)}>
            {label(a)}
          </button>
        ))}
        <ExportButton campaignId={d.id} name={d.name} onError={setError} />
        {link && (
          <a className="button secondary" href={link} target="_blank" rel="noreferrer">
            Workflow in Temporal ↗
          </a>
        )}
      </PageHead>
      <ErrorLine error={error ?? c.error} />
      <section className="card">
        <Progress done={settled} total={d.lead_count} />
        <div className="tiles small">
          {(
            [
              ["Dialling", d.live.dialing],
              ["In a call", d.live.in_call],
              ["Waiting", d.live.waiting],
              ["Settled", settled],
            ] as const
          ).map(([n, v]) => (
            <div className="tile" key={n}>
              <div className="tile-name">{n}</div>
              <div className="tile-value">{v}</div>
            </div>
          ))}
        </div>
      </section>
      <AgentResults campaignId={d.id} from={d.created_at} />
      <div className="grid2">
        <section className="card">
          <h2>Outcomes</h2>
          <BarList rows={Object.entries(d.outcomes).map(([k, v]) => ({ label: label(k), value: v }))} empty="No outcomes yet." />
        </section>
        <section className="card">
          <h2>Leads</h2>
          <table className="table">
            <tbody>
              {d.leads.map((l) => (
                <tr key={l.lead_id}>
                  <td className="name">
                    <Link to={`/leads/${l.lead_id}`} dir="auto">
                      {l.name}
                    </Link>
                  </td>
                  <td>{language(l.language)}</td>
                  <td>{l.outcome ? <span className={`outcome o-${l.outcome}`}>{label(l.outcome)}</span> : <span className="muted">…</span>}</td>
                  <td>{l.settled_at ? dateTime(l.settled_at, tz) : ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      </div>
    </>
  );
}

/** Downloads the campaign's calls as CSV (the API needs the key: fetched, then saved from a Blob). */
function ExportButton({ campaignId, name, onError }: { campaignId: string; name: string; onError: (e: string | null) => void }) {
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setBusy(true);
    onError(null);
    try {
      await download(`/api/calls/export${query({ campaign_id: campaignId })}`, `calls-${name.replace(/[^\p{L}\p{N}]+/gu, "-").replace(/^-|-$/g, "") || campaignId}.csv`);
    } catch (e) {
      onError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <button className="secondary" onClick={() => void run()} disabled={busy}>
      {busy ? "Exporting…" : "Export calls (CSV)"}
    </button>
  );
}

const DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/** The form's fields, in the units a manager thinks in. */
export interface CampaignForm {
  name: string;
  maxConcurrent: number;
  maxAttempts: number;
  windowStart: string;
  windowEnd: string;
  days: number[];
  retryMinutes: { no_answer: number; busy: number; voicemail: number; failed: number; incomplete: number };
}

export const DEFAULT_FORM: CampaignForm = {
  name: "",
  maxConcurrent: 10,
  maxAttempts: 3,
  windowStart: "08:00",
  windowEnd: "21:00",
  days: [1, 2, 3, 4, 5, 6, 7],
  retryMinutes: { no_answer: 240, busy: 30, voicemail: 1440, failed: 15, incomplete: 1440 },
};

const minutes = (hhmm: string) => {
  const [h = 0, m = 0] = hhmm.split(":").map(Number);
  return h * 60 + m;
};

/** Which leads a campaign calls: a selection, or every lead an upload created. */
export type LeadPick = { lead_ids: string[] } | { import_id: string };

/** The `POST /api/campaigns/start` body of a form (the business is the agent's). */
export function startBody(form: CampaignForm, leads: LeadPick, agent: AgentChoice): StartCampaign {
  const r = form.retryMinutes;
  return {
    ...(form.name.trim() ? { name: form.name.trim() } : {}),
    ...leads,
    max_concurrent: form.maxConcurrent,
    agent: agentBody(agent),
    settings: {
      max_attempts: form.maxAttempts,
      retry: {
        no_answer_secs: r.no_answer * 60,
        busy_secs: r.busy * 60,
        voicemail_secs: r.voicemail * 60,
        failed_secs: r.failed * 60,
        incomplete_secs: r.incomplete * 60,
      },
      calling_window: {
        start_minute: minutes(form.windowStart),
        end_minute: form.windowEnd === "00:00" ? 1440 : minutes(form.windowEnd),
        days: [...form.days].sort(),
      },
    },
  };
}

export function NewCampaign() {
  const navigate = useNavigate();
  const state = useLocation().state as { leadIds?: string[] } | null;
  const leadIds = state?.leadIds ?? [];
  const [source, setSource] = useState<"selection" | "upload">(state?.leadIds?.length ? "selection" : "upload");
  const [upload, setUpload] = useState<ImportReport | null>(null);
  const [form, setForm] = useState<CampaignForm>(DEFAULT_FORM);
  const [agent, setAgent] = useState<AgentChoice | null>(null);
  const [problem, setProblem] = useState<FieldProblem | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = <K extends keyof CampaignForm>(k: K, v: CampaignForm[K]) => setForm((f) => ({ ...f, [k]: v }));

  // An upload's campaign calls exactly the leads that file created (its `import_id`).
  const pick: LeadPick | null =
    source === "upload" ? (upload?.accepted ? { import_id: upload.import_id } : null) : leadIds.length ? { lead_ids: leadIds } : null;
  const leadCount = source === "upload" ? (upload?.accepted ?? 0) : leadIds.length;
  const start = async () => {
    if (!pick || !agent) return;
    setBusy(true);
    setError(null);
    setProblem(null);
    try {
      const started = await api<StartedCampaign>("/api/campaigns/start", { method: "POST", body: startBody(form, pick, agent) });
      navigate(`/campaigns/${started.campaign_id}`);
    } catch (e) {
      // A refusal of the agent's versions or weights shows next to them.
      const field = e instanceof ApiError ? pickerField(e.field, agent) : null;
      if (field) setProblem({ field, message: e instanceof Error ? e.message : String(e) });
      else setError(e instanceof Error ? e.message : String(e));
      setBusy(false);
    }
  };
  return (
    <>
      <PageHead title="New campaign" />
      <section className="card">
        <h2>Leads</h2>
        <div className="segmented">
          <button className={source === "selection" ? "on" : "secondary"} onClick={() => setSource("selection")}>
            Selected on the Leads page
          </button>
          <button className={source === "upload" ? "on" : "secondary"} onClick={() => setSource("upload")}>
            Upload a CSV
          </button>
        </div>
        {source === "selection" && (
          <p>
            {leadIds.length ? `${leadIds.length} leads selected. ` : "No leads selected: "}
            <Link to="/leads">{leadIds.length ? "Change the selection" : "select them on the Leads page"}</Link>
          </p>
        )}
        {source === "upload" && <Upload onReport={setUpload} />}
        <p data-testid="lead-count">
          <b>{leadCount}</b> leads will be called.
        </p>
      </section>
      <AgentPlanPicker choice={agent} onChange={setAgent} problem={problem} />
      <section className="card form">
        <h2>Settings</h2>
        <label>
          Name <input value={form.name} onChange={(e) => set("name", e.target.value)} placeholder="Campaign and the start time" dir="auto" />
        </label>
        <label>
          Calls at once <input type="number" min={1} value={form.maxConcurrent} onChange={(e) => set("maxConcurrent", Number(e.target.value))} />
        </label>
        <label>
          Attempts per lead <input type="number" min={1} value={form.maxAttempts} onChange={(e) => set("maxAttempts", Number(e.target.value))} />
        </label>
        <fieldset>
          <legend>Calling window (the lead's local time)</legend>
          <input type="time" value={form.windowStart} onChange={(e) => set("windowStart", e.target.value)} aria-label="Window opens" /> to{" "}
          <input type="time" value={form.windowEnd} onChange={(e) => set("windowEnd", e.target.value)} aria-label="Window closes" />
          <small> (a closing time of 00:00 is midnight)</small>
          <span className="days">
            {DAYS.map((d, i) => (
              <label key={d} className="check">
                <input
                  type="checkbox"
                  checked={form.days.includes(i + 1)}
                  onChange={(e) => set("days", e.target.checked ? [...form.days, i + 1] : form.days.filter((x) => x !== i + 1))}
                />
                {d}
              </label>
            ))}
          </span>
        </fieldset>
        <fieldset>
          <legend>Retry after (minutes)</legend>
          {(Object.keys(form.retryMinutes) as (keyof CampaignForm["retryMinutes"])[]).map((k) => (
            <label key={k}>
              {label(k)}{" "}
              <input type="number" min={0} value={form.retryMinutes[k]} onChange={(e) => set("retryMinutes", { ...form.retryMinutes, [k]: Number(e.target.value) })} />
            </label>
          ))}
        </fieldset>
        <ErrorLine error={error} />
        {problem && <p className="error">Not started: see the agent above.</p>}
        <button disabled={!pick || !agent || busy || !form.days.length} onClick={() => void start()} title={agent ? undefined : "Choose an agent first"}>
          Start campaign
        </button>
      </section>
    </>
  );
}
