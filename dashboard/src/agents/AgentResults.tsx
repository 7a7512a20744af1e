import { query } from "../api/client";
import type { AgentResults as Results, LiveEvent } from "../api/types";
import { ErrorLine } from "../components/Layout";
import { count, duration, percent, rateWithInterval } from "../format";
import { useApi } from "../useApi";

/**
 * How each agent version does (`GET /api/analytics/agents`) in a campaign or for an agent:
 * the verdict of the comparison in words a sales manager reads at a glance, then a row per
 * version. Re-read shortly after calls end and meetings change.
 */
export function AgentResults({ campaignId, agentId, from }: { campaignId?: string; agentId?: string; from?: string }) {
  const mine = (e: LiveEvent) =>
    (e.type === "call_ended" || e.type === "meeting_booked" || e.type === "meeting_changed") && (!campaignId || e.campaign_id === campaignId);
  const r = useApi<Results>(`/api/analytics/agents${query({ campaign_id: campaignId, agent_id: agentId, from })}`, mine);
  return (
    <section className="card" data-testid="agent-results">
      <h2>Agents</h2>
      <ErrorLine error={r.error} />
      {r.data && <ResultsView results={r.data} />}
    </section>
  );
}

/** The one sentence a sales manager reads first. */
export function verdict({ versions, comparison }: Results): string {
  if (comparison) return comparison.summary;
  const [only] = versions;
  if (versions.length > 1 || !only) return "Too early to compare: each version needs conversations first.";
  return only.booking_rate === null || only.booking_rate === undefined
    ? `Version ${only.version}: no conversations yet.`
    : `Version ${only.version} booked a meeting in ${percent(only.booking_rate)} of conversations.`;
}

export function ResultsView({ results }: { results: Results }) {
  const { versions } = results;
  if (!versions.length) return <p className="muted">No calls by an agent yet.</p>;
  return (
    <>
      <p className={results.comparison?.significant ? "verdict good" : "verdict"} data-testid="verdict">
        {verdict(results)}
      </p>
      <table className="table numbers">
        <thead>
          <tr>
            <th>Version</th>
            <th>Leads</th>
            <th>Conversations</th>
            <th>Booked</th>
            <th title="Meetings booked per conversation, with its 95% interval">Booking rate</th>
            <th>Held</th>
            <th>No-shows</th>
            <th>Opt-out rate</th>
            <th>Mean call</th>
          </tr>
        </thead>
        <tbody>
          {versions.map((v) => (
            <tr key={`${v.agent_id}:${v.version}`} data-version={v.version}>
              <td className="name">
                <span dir="auto">{v.agent_name}</span> v{v.version}
              </td>
              <td>{count(v.leads)}</td>
              <td>{count(v.conversations)}</td>
              <td>{count(v.meetings_booked)}</td>
              <td>{rateWithInterval(v.booking_rate, v.booking_rate_low, v.booking_rate_high)}</td>
              <td>{count(v.meetings_held)}</td>
              <td>{count(v.no_shows)}</td>
              <td>{percent(v.opt_out_rate)}</td>
              <td>{duration(v.mean_call_secs)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
