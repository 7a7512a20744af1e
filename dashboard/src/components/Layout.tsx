import { useSyncExternalStore, type ReactNode } from "react";
import { NavLink } from "react-router-dom";
import { setApiKey } from "../api/client";
import { hub } from "../live/hub";
import { RANGES, TIME_ZONES, useSettings, type RangeKey } from "../settings";

const NAV = [
  ["/", "Overview"],
  ["/live", "Live calls"],
  ["/leads", "Leads"],
  ["/agents", "Agents"],
  ["/campaigns", "Campaigns"],
  ["/meetings", "Meetings"],
] as const;

export function Layout({ children }: { children: ReactNode }) {
  const connected = useSyncExternalStore(hub.onState, hub.isConnected);
  const { tz, setTz, range, setRange } = useSettings();
  const zones = TIME_ZONES.includes(tz) ? TIME_ZONES : [tz, ...TIME_ZONES];
  return (
    <div className="shell">
      <nav className="sidebar">
        <div className="brand">Callwright</div>
        {NAV.map(([to, name]) => (
          <NavLink key={to} to={to} end={to === "/"}>
            {name}
          </NavLink>
        ))}
        <div className="sidebar-foot">
          <span className={connected ? "dot on" : "dot"} title={connected ? "Live events connected" : "Live events reconnecting"} />
          {connected ? "Live" : "Reconnecting…"}
          <button className="link" onClick={() => setApiKey(null)}>
            Sign out
          </button>
        </div>
      </nav>
      <div className="main">
        <header className="topbar">
          <label>
            Range{" "}
            <select value={range} onChange={(e) => setRange(e.target.value as RangeKey)} aria-label="Date range">
              {Object.entries(RANGES).map(([k, v]) => (
                <option key={k} value={k}>
                  {v}
                </option>
              ))}
            </select>
          </label>
          <label>
            Time zone{" "}
            <select value={tz} onChange={(e) => setTz(e.target.value)} aria-label="Time zone">
              {zones.map((z) => (
                <option key={z}>{z}</option>
              ))}
            </select>
          </label>
        </header>
        <main>{children}</main>
      </div>
    </div>
  );
}

/** A page's title row. */
export function PageHead({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="pagehead">
      <h1 dir="auto">{title}</h1>
      <div className="actions">{children}</div>
    </div>
  );
}

/** An error line, or nothing. */
export function ErrorLine({ error }: { error: string | null | undefined }) {
  return error ? (
    <p className="error" role="alert">
      {error}
    </p>
  ) : null;
}
