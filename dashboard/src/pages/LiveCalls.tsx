import { memo, useEffect, useState, useSyncExternalStore } from "react";
import { Link } from "react-router-dom";
import { api } from "../api/client";
import type { CallDetail } from "../api/types";
import { PageHead } from "../components/Layout";
import { temporalLink } from "../config";
import { duration, label, language } from "../format";
import { hub } from "../live/hub";
import type { LiveCall, LiveStore } from "../live/store";
import { Transcript } from "../components/Transcript";

/** Calls in progress, with the selected call's transcript streaming turn by turn. */
export function LiveCalls({ store = hub.store }: { store?: LiveStore }) {
  const calls = useSyncExternalStore(store.subscribe, store.snapshot);
  const [selected, setSelected] = useState<string | null>(null);
  const now = useNow();
  const current = calls.find((c) => c.id === selected) ?? calls.find((c) => c.endedAt === null) ?? calls[0] ?? null;
  const live = calls.filter((c) => c.endedAt === null).length;

  // A call that started before the page opened: read the turns said so far.
  const currentId = current?.id;
  useEffect(() => {
    if (!currentId) return;
    const abort = new AbortController();
    api<CallDetail>(`/api/calls/${currentId}`, { signal: abort.signal }).then(
      (d) => store.addTranscript(currentId, d.transcript),
      () => undefined,
    );
    return () => abort.abort();
  }, [currentId, store]);

  return (
    <>
      <PageHead title="Live calls">
        <span className="badge" data-testid="live-count">
          {live} in progress
        </span>
      </PageHead>
      <div className="live">
        <section className="card live-list">
          {calls.length === 0 && <p className="muted">No calls in progress. Start a campaign to see calls here as they happen.</p>}
          <ul>
            {calls.map((c) => (
              <CallRowItem key={c.id} call={c} now={now} active={c.id === current?.id} onSelect={setSelected} />
            ))}
          </ul>
        </section>
        <section className="card live-detail">{current ? <CallPanel call={current} now={now} /> : <p className="muted">Select a call.</p>}</section>
      </div>
    </>
  );
}

const CallRowItem = memo(function CallRowItem({
  call,
  now,
  active,
  onSelect,
}: {
  call: LiveCall;
  now: number;
  active: boolean;
  onSelect: (id: string) => void;
}) {
  const last = call.turns[call.turns.length - 1];
  return (
    <li className={active ? "active" : undefined}>
      <button className="call-row" onClick={() => onSelect(call.id)} data-call={call.id}>
        <span className="call-name" dir="auto">
          {call.leadName ?? "…"}
        </span>
        <span className="call-meta">
          {language(call.language)} · {duration(((call.endedAt ?? now) - call.startedAt) / 1000)}
          {call.outcome ? <b className={`outcome o-${call.outcome}`}>{label(call.outcome)}</b> : <i className="dot on" />}
        </span>
        <span className="call-last" dir="auto">
          {last ? last.text : "Dialling…"}
        </span>
      </button>
    </li>
  );
});

function CallPanel({ call, now }: { call: LiveCall; now: number }) {
  const link = call.workflowId ? temporalLink(call.workflowId) : null;
  return (
    <>
      <div className="panel-head">
        <div>
          <h2 dir="auto">
            <Link to={`/leads/${call.leadId}`}>{call.leadName ?? "Lead"}</Link>
          </h2>
          <div className="muted">
            <span dir="ltr">{call.phone}</span> · {language(call.language)} · attempt {call.attempt} ·{" "}
            {duration(((call.endedAt ?? now) - call.startedAt) / 1000)}
            {call.outcome && <> · {label(call.outcome)}</>}
          </div>
        </div>
        {link && (
          <a href={link} target="_blank" rel="noreferrer" className="button secondary">
            Workflow in Temporal ↗
          </a>
        )}
      </div>
      <Transcript turns={call.turns} live={call.endedAt === null} />
    </>
  );
}

/** The current time, advancing every second. */
function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  return now;
}
