import { useState } from "react";
import { Link } from "react-router-dom";
import { api, query } from "../api/client";
import type { LiveEvent, Meeting, MeetingPage } from "../api/types";
import { ErrorLine, PageHead } from "../components/Layout";
import { dateTime, label, language } from "../format";
import { useSettings } from "../settings";
import { useApi } from "../useApi";

const meetingEvent = (e: LiveEvent) => e.type === "meeting_booked" || e.type === "meeting_changed";

export function Meetings() {
  const { tz } = useSettings();
  const [when, setWhen] = useState<"upcoming" | "past">("upcoming");
  // Read once per page view: "now" moves on only when the page is re-opened or switched.
  const [now] = useState(() => new Date().toISOString());
  const path = when === "upcoming" ? `/api/meetings${query({ from: now, limit: 200 })}` : `/api/meetings${query({ to: now, limit: 200 })}`;
  const page = useApi<MeetingPage>(path, meetingEvent);
  const meetings = page.data?.meetings ?? [];
  return (
    <>
      <PageHead title="Meetings">
        <div className="segmented">
          {(["upcoming", "past"] as const).map((w) => (
            <button key={w} className={w === when ? "on" : "secondary"} onClick={() => setWhen(w)}>
              {label(w)}
            </button>
          ))}
        </div>
      </PageHead>
      <ErrorLine error={page.error} />
      <section className="card">
        <MeetingList meetings={when === "past" ? [...meetings].reverse() : meetings} tz={tz} onChanged={page.reload} />
      </section>
    </>
  );
}

/** What an operator can do to a meeting in each status. */
const NEXT: Record<string, string[]> = {
  confirmed: ["completed", "no_show", "cancelled"],
  reserved: ["cancelled"],
};

export function MeetingList({ meetings, tz, onChanged }: { meetings: Meeting[]; tz: string; onChanged: () => void }) {
  const [error, setError] = useState<string | null>(null);
  const change = async (m: Meeting, status: string) => {
    setError(null);
    try {
      await api(`/api/meetings/${m.id}/status`, { method: "PATCH", body: { status } });
      onChanged();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  if (!meetings.length) return <p className="muted">No meetings.</p>;
  return (
    <>
      <ErrorLine error={error} />
      <table className="table">
        <thead>
          <tr>
            <th>When</th>
            <th>With</th>
            <th>Language</th>
            <th>Status</th>
            <th>Link</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {meetings.map((m) => (
            <tr key={m.id} data-meeting={m.id}>
              <td>
                {dateTime(m.starts_at, tz)}
                <small className="muted"> ({m.timezone})</small>
              </td>
              <td className="name">
                <Link to={`/leads/${m.lead_id}`} dir="auto">
                  {m.attendee_name}
                </Link>{" "}
                <small>{m.attendee_email}</small>
              </td>
              <td>{language(m.language)}</td>
              <td>
                <span className={`status s-${m.status}`}>{label(m.status)}</span>
                {m.failure && <small className="error"> {m.failure}</small>}
              </td>
              <td>{m.video_url ? <a href={m.video_url} target="_blank" rel="noreferrer">Join</a> : "–"}</td>
              <td className="row-actions">
                {(NEXT[m.status] ?? []).map((s) => (
                  <button key={s} className="small secondary" onClick={() => void change(m, s)}>
                    {label(s)}
                  </button>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
