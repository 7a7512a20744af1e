import { query } from "../api/client";
import type { AnalyticsOverview, CallsBucket, KeyCount, LiveEvent } from "../api/types";
import { BarList, ColumnChart } from "../components/charts";
import { ErrorLine, PageHead } from "../components/Layout";
import { count, duration, label, language, pct } from "../format";
import { useSettings } from "../settings";
import { useApi } from "../useApi";

/** KPIs change when a call ends or a meeting is booked. */
const kpiEvent = (e: LiveEvent) => e.type === "call_ended" || e.type === "meeting_booked" || e.type === "call_started";

export function Overview() {
  const { from, tz, range } = useSettings();
  const q = query({ from });
  const overview = useApi<AnalyticsOverview>(`/api/analytics/overview${q}`, kpiEvent);
  const outcomes = useApi<KeyCount[]>(`/api/analytics/call-outcomes${q}`, kpiEvent);
  const languages = useApi<KeyCount[]>(`/api/analytics/language-distribution${q}`, kpiEvent);
  const bucket = range === "today" ? "hour" : "day";
  const buckets = useApi<CallsBucket[]>(`/api/analytics/calls-over-time${query({ from, tz, bucket })}`, kpiEvent);
  return (
    <>
      <PageHead title="Overview" />
      <ErrorLine error={overview.error ?? outcomes.error ?? languages.error ?? buckets.error} />
      <Kpis o={overview.data} dialsLabel={range === "today" ? "Dials today" : "Dials"} />
      <section className="card">
        <h2>Calls over time</h2>
        <ColumnChart
          labels={(buckets.data ?? []).map((b) => bucketLabel(b.start, bucket))}
          series={[
            { name: "Dials", color: "var(--c1)", values: (buckets.data ?? []).map((b) => b.dials) },
            { name: "Connected", color: "var(--c2)", values: (buckets.data ?? []).map((b) => b.connected) },
            { name: "Conversations", color: "var(--c3)", values: (buckets.data ?? []).map((b) => b.conversations) },
          ]}
        />
      </section>
      <div className="grid2">
        <section className="card">
          <h2>Outcomes</h2>
          <BarList rows={(outcomes.data ?? []).map((r) => ({ label: label(r.key), value: r.count }))} />
        </section>
        <section className="card">
          <h2>Languages</h2>
          <BarList rows={(languages.data ?? []).map((r) => ({ label: language(r.key), value: r.count }))} color="var(--c3)" />
        </section>
      </div>
    </>
  );
}

/** `2026-11-24T13:00:00` (wall time in the zone) → "13:00" by hour, "24 Nov" by day. */
export function bucketLabel(start: string, bucket: "hour" | "day"): string {
  if (bucket === "hour") return start.slice(11, 16);
  const [, m, d] = start.slice(0, 10).split("-");
  const month = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][Number(m) - 1] ?? m;
  return `${Number(d)} ${month}`;
}

export function Kpis({ o, dialsLabel }: { o: AnalyticsOverview | null; dialsLabel: string }) {
  const tiles: [string, string, string?][] = o
    ? [
        [dialsLabel, count(o.dials), `${count(o.connected)} connected`],
        ["Connect rate", pct(o.connect_rate), `avg call ${duration(o.avg_call_secs)}`],
        ["Conversations", count(o.conversations), `avg talk ${duration(o.avg_talk_secs)}`],
        ["Meetings booked", count(o.meetings_booked)],
        ["Conversion", pct(o.conversion), "meetings per conversation"],
        ["Opt-outs", count(o.opt_outs)],
      ]
    : [];
  return (
    <div className="tiles" aria-busy={!o}>
      {tiles.map(([name, value, sub]) => (
        <div className="tile" key={name} data-kpi={name}>
          <div className="tile-name">{name}</div>
          <div className="tile-value">{value}</div>
          {sub && <div className="tile-sub">{sub}</div>}
        </div>
      ))}
    </div>
  );
}
