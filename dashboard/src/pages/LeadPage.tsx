import { useEffect, useState } from "react";
import { Link, useParams } from "react-router-dom";
import { api, hasOperation } from "../api/client";
import type { CallDetail, CallRow, CallSummaryNote, LeadDetail, LiveEvent, RecordingLink } from "../api/types";
import { AnswersTable, LeadFieldsTable } from "../components/KeyValues";
import { ErrorLine, PageHead } from "../components/Layout";
import { Transcript } from "../components/Transcript";
import { temporalLink } from "../config";
import { dateTime, duration, label, language } from "../format";
import { useSettings } from "../settings";
import { useApi } from "../useApi";
import { MeetingList } from "./Meetings";

export function LeadPage() {
  const { id = "" } = useParams();
  const { tz } = useSettings();
  const mine = (e: LiveEvent) => "lead_id" in e && e.lead_id === id;
  const lead = useApi<LeadDetail>(`/api/leads/${id}`, mine);
  const [action, setAction] = useState<string | null>(null);
  const [canReset, setCanReset] = useState(false);
  useEffect(() => {
    void hasOperation("post", "/api/leads/{id}/reset").then(setCanReset);
  }, []);
  const run = async (what: "retry" | "reset") => {
    setAction(null);
    try {
      await api(`/api/leads/${id}/${what}`, { method: "POST", body: {} });
      setAction(what === "retry" ? "A new run started." : "The workflow was reset.");
      lead.reload();
    } catch (e) {
      setAction(e instanceof Error ? e.message : String(e));
    }
  };
  const l = lead.data;
  if (!l) return <ErrorLine error={lead.error} />;
  const wf = l.workflow;
  const link = l.workflow_id ? temporalLink(l.workflow_id) : null;
  return (
    <>
      <PageHead title={l.name}>
        {link && (
          <a className="button secondary" href={link} target="_blank" rel="noreferrer">
            Workflow in Temporal ↗
          </a>
        )}
        {canReset && (
          <button className="secondary" onClick={() => void run("reset")}>
            Reset
          </button>
        )}
        <button onClick={() => void run("retry")} disabled={Boolean(wf && wf.phase !== "done")} title={wf && wf.phase !== "done" ? "A run is still live" : "Start a fresh run in the lead's latest campaign"}>
          Retry
        </button>
      </PageHead>
      {action && <p className="notice">{action}</p>}
      <ErrorLine error={lead.error} />
      <section className="card facts">
        <dl>
          <dt>Phone</dt>
          <dd dir="ltr">{l.phone}</dd>
          <dt>Email</dt>
          <dd>{l.email ?? "–"}</dd>
          <dt>Company</dt>
          <dd dir="auto">{l.company ?? "–"}</dd>
          <dt>Language</dt>
          <dd>{language(l.language)}</dd>
          <dt>Time zone</dt>
          <dd>{l.timezone}</dd>
          <dt>Status</dt>
          <dd>{wf ? label(wf.phase) : l.last_outcome ? label(l.last_outcome) : "Never called"}</dd>
          <dt>Next action</dt>
          <dd>{wf?.next_action_at ? `${label(wf.phase)} until ${dateTime(wf.next_action_at, tz)}` : "–"}</dd>
        </dl>
      </section>
      <section className="card">
        <h2>Fields</h2>
        <LeadFieldsTable fields={l.fields} />
      </section>
      <section className="card">
        <h2>Attempts</h2>
        {l.calls.length === 0 && <p className="muted">Not called yet.</p>}
        {[...l.calls].reverse().map((c) => (
          <Attempt key={c.id} call={c} tz={tz} />
        ))}
      </section>
      <section className="card">
        <h2>Meetings</h2>
        <MeetingList meetings={l.meetings} tz={tz} onChanged={lead.reload} />
      </section>
      <p>
        <Link to="/leads">← All leads</Link>
      </p>
    </>
  );
}

/** The post-call summary of an attempt, when the model wrote one. */
export function SummaryNote({ summary }: { summary: CallSummaryNote }) {
  return (
    <div className="call-summary" data-testid="call-summary">
      <b>Interest {summary.interest_level}/5</b> · next step: <span dir="auto">{summary.next_step}</span>
      {summary.questions.length > 0 && (
        <p>
          Asked:{" "}
          {summary.questions.map((q, i) => (
            <q key={i} dir="auto">
              {q}
            </q>
          ))}
        </p>
      )}
      {summary.objections.length > 0 && (
        <p>
          Objections:{" "}
          {summary.objections.map((o, i) => (
            <q key={i} dir="auto">
              {o}
            </q>
          ))}
        </p>
      )}
    </div>
  );
}

export function Attempt({ call, tz }: { call: CallRow; tz: string }) {
  const [open, setOpen] = useState(false);
  const detail = useApi<CallDetail>(open ? `/api/calls/${call.id}` : null);
  // Recordings play through a short-lived signed link: the provider's URL needs its credentials.
  const link = useApi<RecordingLink>(open && call.recording_url ? `/api/calls/${call.id}/recording` : null);
  return (
    <details className="attempt" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>
        <b>Attempt {call.attempt}</b> · {dateTime(call.dialed_at, tz)} · {duration(call.duration_secs)} ·{" "}
        {call.outcome ? <span className={`outcome o-${call.outcome}`}>{label(call.outcome)}</span> : label(call.status)}
        {call.agent_id && (
          <>
            {" · "}
            <Link to={`/agents/${call.agent_id}`} className="agent-version" onClick={(e) => e.stopPropagation()}>
              Agent v{call.agent_version ?? "?"}
            </Link>
          </>
        )}
      </summary>
      {call.summary && <SummaryNote summary={call.summary} />}
      <AnswersTable answers={call.answers} />
      <div className="recording">
        {call.recording_url ? (
          link.data ? (
            <audio controls preload="none" src={link.data.url} />
          ) : (
            <span className="muted">{link.error ?? "Recording…"}</span>
          )
        ) : (
          <span className="muted">Recording: {call.ended_at ? "none for this call" : "after the call ends"}</span>
        )}
      </div>
      {open && (detail.data ? <Transcript turns={detail.data.transcript} /> : <ErrorLine error={detail.error} />)}
    </details>
  );
}
