import { useCallback, useEffect, useRef, useState, type FormEvent } from "react";
import { api } from "../api/client";
import type { AgentDetail, LeadSummary, Meeting, NewTrial, TrialLine, TrialReply, TrialView } from "../api/types";
import { ErrorLine } from "../components/Layout";
import { AnswersTable } from "../components/KeyValues";
import { Transcript } from "../components/Transcript";
import { dateTime, isRtl, label, language, LANGUAGE_CODES } from "../format";
import { useSettings } from "../settings";
import { LeadPicker } from "./LeadPicker";

/** Polls after a trial ends, until its meetings are released and its answers are in. */
const SETTLE_POLLS = 20;
const SETTLE_EVERY_MS = 1500;
/** How often a trial is read while its greeting is not recorded yet. */
const GREETING_POLL_MS = 700;
/** A reply's meeting is read again this long after the reply. */
const REREAD_AFTER_MS = 2000;

/**
 * "Try it": a chat with a saved version of the agent, the operator playing the callee. The
 * agent greets first; each reply shows the tools it used; meetings it books are trial ones,
 * released when the trial ends, after which the extracted answers appear.
 */
export function TrialChat({ agent, dirty }: { agent: AgentDetail; dirty: boolean }) {
  const [trial, setTrial] = useState<TrialView | null>(null);
  const [lines, setLines] = useState<TrialLine[]>([]);
  const [ended, setEnded] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const show = useCallback((view: TrialView) => {
    setTrial(view);
    setLines((mine) => mergeLines(mine, view.transcript));
    if (view.ended_at) setEnded(true);
  }, []);
  // The greeting may be recorded a moment after the trial starts: read until it is there.
  const greetingPending = trial !== null && !ended && lines.length === 0;
  const trialId = trial?.id;
  useEffect(() => {
    if (!greetingPending || !trialId) return;
    const t = setInterval(() => void api<TrialView>(`/api/trials/${trialId}`).then(show, () => undefined), GREETING_POLL_MS);
    return () => clearInterval(t);
  }, [greetingPending, trialId, show]);
  const reset = () => {
    setTrial(null);
    setLines([]);
    setEnded(false);
    setError(null);
  };
  if (!trial) {
    return (
      <TrialSetup
        agent={agent}
        dirty={dirty}
        onStarted={(view) => {
          setLines(view.transcript);
          show(view);
        }}
      />
    );
  }
  return (
    <section className="card trial" data-testid="trial">
      <div className="panel-head">
        <div>
          <h2>
            Trial of version {trial.version} in {language(trial.language)}
          </h2>
          <span className="muted">Nothing is dialled; a meeting it books is held for the trial and released when it ends.</span>
        </div>
        <div className="actions">
          {ended ? (
            <>
              <span className="status s-completed">Ended</span>
              <button type="button" className="secondary" onClick={reset}>
                New trial
              </button>
            </>
          ) : (
            <EndButton trialId={trial.id} onEnded={show} onError={setError} />
          )}
        </div>
      </div>
      <Transcript turns={lines} live={!ended} dir={isRtl(trial.language) ? "rtl" : undefined} names={{ agent: "Agent", callee: "You" }} />
      {!ended && (
        <Composer
          trialId={trial.id}
          rtl={isRtl(trial.language)}
          onSaid={(text) => setLines((l) => [...l, { idx: l.length, speaker: "callee", text, spoken_at: new Date().toISOString() }])}
          onReply={(reply) => {
            setLines((l) => [...l, { idx: l.length, speaker: "agent", text: reply.reply, tools: reply.tools, spoken_at: new Date().toISOString() }]);
            if (reply.ended) setEnded(true);
            // The meetings it booked: read now, and again once the booking has been recorded.
            const reread = () => void api<TrialView>(`/api/trials/${trial.id}`).then(show, () => undefined);
            reread();
            setTimeout(reread, REREAD_AFTER_MS);
          }}
          onError={setError}
        />
      )}
      <ErrorLine error={error} />
      {ended && <Settle trialId={trial.id} view={trial} onView={show} />}
      <TrialMeetings meetings={trial.meetings} />
      {ended && <AnswersTable answers={trial.answers} />}
    </section>
  );
}

function TrialSetup({ agent, dirty, onStarted }: { agent: AgentDetail; dirty: boolean; onStarted: (v: TrialView) => void }) {
  const [version, setVersion] = useState(agent.latest_version);
  const [lang, setLang] = useState("");
  const [lead, setLead] = useState<LeadSummary | null>(null);
  const [caller, setCaller] = useState({ name: "", email: "", company: "" });
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const start = async () => {
    setBusy(true);
    setError(null);
    const made = Object.fromEntries(Object.entries(caller).filter(([, v]) => v.trim() !== ""));
    const body: NewTrial = {
      version,
      ...(lang ? { language: lang } : {}),
      ...(lead ? { lead_id: lead.id } : Object.keys(made).length ? { lead: made } : {}),
    };
    try {
      onStarted(await api<TrialView>(`/api/agents/${agent.id}/trials`, { method: "POST", body }));
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      setBusy(false);
    }
  };
  return (
    <section className="card trial form" data-testid="trial">
      <h2>Try it</h2>
      <p className="muted">Chat with the agent as the person it calls: the same greeting, prompt, tools and calendar as on a call, typed instead of spoken.</p>
      {dirty && <p className="notice">A trial uses a saved version: save to try your latest edits.</p>}
      <div className="row">
        <label>
          Version{" "}
          <select value={version} onChange={(e) => setVersion(Number(e.target.value))} aria-label="Trial version">
            {agent.versions.map((v) => (
              <option key={v.version} value={v.version}>
                {v.version}
              </option>
            ))}
          </select>
        </label>
        <label>
          Language{" "}
          <select value={lang} onChange={(e) => setLang(e.target.value)} aria-label="Trial language">
            <option value="">{lead ? "The lead's" : `The agent's (${language(agent.latest.spec.language)})`}</option>
            {LANGUAGE_CODES.map((l) => (
              <option key={l} value={l}>
                {language(l)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <fieldset>
        <legend>Who you play</legend>
        <LeadPicker lead={lead} onPick={setLead} label="Trial lead" />
        {!lead && (
          <div className="row">
            <span className="muted">or a made-up caller:</span>
            {(["name", "email", "company"] as const).map((k) => (
              <input key={k} value={caller[k]} placeholder={label(k)} aria-label={`Caller ${k}`} dir="auto" onChange={(e) => setCaller({ ...caller, [k]: e.target.value })} />
            ))}
          </div>
        )}
        <small className="muted">Without an email, the agent asks for one before it books.</small>
      </fieldset>
      <ErrorLine error={error} />
      <button type="button" onClick={() => void start()} disabled={busy}>
        Start trial
      </button>
    </section>
  );
}

function Composer({
  trialId,
  rtl,
  onSaid,
  onReply,
  onError,
}: {
  trialId: string;
  rtl: boolean;
  onSaid: (text: string) => void;
  onReply: (r: TrialReply) => void;
  onError: (e: string | null) => void;
}) {
  const [text, setText] = useState("");
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const send = async (e: FormEvent) => {
    e.preventDefault();
    const said = text.trim();
    if (!said || busy) return;
    setBusy(true);
    onError(null);
    onSaid(said);
    setText("");
    try {
      onReply(await api<TrialReply>(`/api/trials/${trialId}/messages`, { method: "POST", body: { text: said } }));
    } catch (err) {
      onError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
      input.current?.focus();
    }
  };
  return (
    <form className="composer" onSubmit={(e) => void send(e)}>
      <input ref={input} value={text} onChange={(e) => setText(e.target.value)} placeholder="Say something as the callee…" aria-label="Your message" dir={rtl ? "rtl" : "auto"} maxLength={2000} autoFocus />
      <button disabled={busy || !text.trim()}>Send</button>
      {busy && <span className="muted">The agent is answering…</span>}
    </form>
  );
}

function EndButton({ trialId, onEnded, onError }: { trialId: string; onEnded: (v: TrialView) => void; onError: (e: string | null) => void }) {
  const [busy, setBusy] = useState(false);
  const end = async () => {
    setBusy(true);
    try {
      onEnded(await api<TrialView>(`/api/trials/${trialId}/end`, { method: "POST", body: {} }));
    } catch (e) {
      onError(e instanceof Error ? e.message : String(e));
      setBusy(false);
    }
  };
  return (
    <button type="button" className="danger" onClick={() => void end()} disabled={busy}>
      End trial
    </button>
  );
}

/**
 * The server's transcript once it has caught up with the lines this page has shown, keeping
 * the tools of a reply on its line while the server's copy of it has none yet (a line read
 * from the running workflow, before it is written).
 */
export function mergeLines(mine: TrialLine[], server: TrialLine[]): TrialLine[] {
  if (server.length < mine.length) return mine;
  return server.map((line, i) => {
    const tools = mine[i]?.speaker === line.speaker ? mine[i]?.tools : null;
    return !line.tools?.length && tools?.length ? { ...line, tools } : line;
  });
}

/** Whether an ended trial has nothing left to change: no meeting still held, answers in. */
export function settled(view: TrialView): boolean {
  return !view.meetings.some((m) => m.status === "reserved" || m.status === "confirmed") && view.answers !== null && view.answers !== undefined;
}

/** Re-reads an ended trial a few times: the meeting is released and the answers extracted within moments. */
function Settle({ trialId, view, onView }: { trialId: string; view: TrialView; onView: (v: TrialView) => void }) {
  const [polls, setPolls] = useState(0);
  const done = settled(view) || polls >= SETTLE_POLLS;
  const callback = useRef(onView);
  useEffect(() => {
    callback.current = onView;
  });
  useEffect(() => {
    if (done) return;
    const t = setTimeout(() => {
      api<TrialView>(`/api/trials/${trialId}`).then((v) => callback.current(v), () => undefined);
      setPolls((p) => p + 1);
    }, SETTLE_EVERY_MS);
    return () => clearTimeout(t);
  }, [done, polls, trialId]);
  return done ? null : <p className="muted">Releasing the trial's meeting and extracting the answers…</p>;
}

export function TrialMeetings({ meetings }: { meetings: Meeting[] }) {
  const { tz } = useSettings();
  if (!meetings.length) return null;
  return (
    <div className="trial-meetings" data-testid="trial-meetings">
      <h3>Meetings booked</h3>
      <ul className="plain">
        {meetings.map((m) => (
          <li key={m.id} data-meeting={m.id}>
            {dateTime(m.starts_at, tz)} · <span dir="auto">{m.title}</span> · <span className="badge">Trial</span>{" "}
            <span className={`status s-${m.status}`}>{m.trial && m.status === "cancelled" ? "Released" : label(m.status)}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
