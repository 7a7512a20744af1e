import { createContext, useContext, useMemo, useState, type ReactNode } from "react";
import { startOfDay } from "./format";

/** Date range presets of the top bar. */
export const RANGES = {
  today: "Today",
  "7d": "Last 7 days",
  "30d": "Last 30 days",
} as const;
export type RangeKey = keyof typeof RANGES;

export const TIME_ZONES = [
  "UTC",
  "America/New_York",
  "America/Los_Angeles",
  "Europe/London",
  "Europe/Paris",
  "Asia/Jerusalem",
  "Asia/Dubai",
  "Asia/Tokyo",
];

interface Settings {
  tz: string;
  setTz: (tz: string) => void;
  range: RangeKey;
  setRange: (r: RangeKey) => void;
  /** The range as instants (`to` is null: now). */
  from: string;
}

const Ctx = createContext<Settings | null>(null);

export function browserZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

export function SettingsProvider({ children }: { children: ReactNode }) {
  const [tz, setTz] = useState(() => localStorage.getItem("callwright.tz") ?? browserZone());
  const [range, setRange] = useState<RangeKey>("today");
  const value = useMemo<Settings>(() => {
    const days = range === "today" ? 0 : range === "7d" ? 6 : 29;
    return {
      tz,
      setTz: (z) => {
        localStorage.setItem("callwright.tz", z);
        setTz(z);
      },
      range,
      setRange,
      from: startOfDay(tz, days).toISOString(),
    };
  }, [tz, range]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useSettings(): Settings {
  const s = useContext(Ctx);
  if (!s) throw new Error("useSettings outside SettingsProvider");
  return s;
}
