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
  const series = fillBuckets(buckets.data ?? [], bucket, from, tz);
  return (
    <>
      <PageHead title="Overview" />
      <ErrorLine error={overview.error ?? outcomes.error ?? languages.error ?? buckets.error} />
      <Kpis o={overview.data} dialsLabel={range === "today" ? "Dials today" : "Dials"} />
      <section className="card">
        <h2>Calls over time</h2>
        <ColumnChart
          labels={series.map((b) => bucketLabel(b.start, bucket))}
          series={[
            { name: "Dials", color: "var(--c1)", values: series.map((b) => b.dials) },
            { name: "Connected", color: "var(--c2)", values: series.map((b) => b.connected) },
            { name: "Conversations", color: "var(--c3)", values: series.map((b) => b.conversations) },
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

/**
 * Every bucket of the range, empty ones included (the API leaves them out): the 24 hours of
 * the day by hour, each day from `from` to today by day; wall times in `tz`.
 */
export function fillBuckets(rows: CallsBucket[], bucket: "hour" | "day", from: string, tz: string, now = new Date()): CallsBucket[] {
  const key = (start: string) => (bucket === "hour" ? start.slice(0, 13) : start.slice(0, 10));
  const have = new Map(rows.map((r) => [key(r.start), r]));
  const wall = (d: Date) => new Date(d.toLocaleString("sv-SE", { timeZone: tz }).replace(" ", "T") + "Z");
  const first = wall(new Date(from));
  const last = wall(now);
  const step = bucket === "hour" ? 3600_000 : 86_400_000;
  const out: CallsBucket[] = [];
  const end = bucket === "hour" ? first.getTime() + 23 * step : last.getTime();
  for (let t = first.getTime(); t <= end && out.length < 400; t += step) {
    const start = new Date(t).toISOString().slice(0, 19);
    out.push(have.get(key(start)) ?? { start, dials: 0, connected: 0, conversations: 0 });
  }
  return out;
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
        ["Conversion", pct(o.conversion), "conversations ending in a meeting"],
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
