/** Formatting shared by the views; dates in the time zone chosen in the top bar. */

export function pct(ratio: number | null | undefined): string {
  return ratio === null || ratio === undefined ? "–" : `${(ratio * 100).toFixed(1)}%`;
}

export function count(n: number): string {
  return n.toLocaleString("en-US");
}

/** 75 → "1:15", 3725 → "1:02:05". */
export function duration(secs: number | null | undefined): string {
  if (secs === null || secs === undefined) return "–";
  const s = Math.max(0, Math.round(secs));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
}

/** An instant as a short date and time in `tz`. */
export function dateTime(iso: string | null | undefined, tz: string): string {
  if (!iso) return "–";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString("en-GB", {
    timeZone: tz,
    day: "2-digit",
    month: "short",
    hour: "2-digit",
    minute: "2-digit",
  });
}

/** "no_answer" → "No answer". */
export function label(code: string | null | undefined): string {
  if (!code) return "–";
  const s = code.replace(/_/g, " ");
  return s.charAt(0).toUpperCase() + s.slice(1);
}

const LANGUAGES: Record<string, string> = {
  en: "English",
  he: "Hebrew",
  ar: "Arabic",
  fr: "French",
  de: "German",
  es: "Spanish",
  it: "Italian",
  pt: "Portuguese",
  nl: "Dutch",
  ru: "Russian",
  pl: "Polish",
  tr: "Turkish",
  ja: "Japanese",
  hi: "Hindi",
  zh: "Chinese",
};

export function language(code: string): string {
  return LANGUAGES[code] ?? code;
}

/** Every language an agent can speak, in the API's order. */
export const LANGUAGE_CODES = ["en", "he", "fr", "de", "es", "ar", "it", "pt", "nl", "ru", "pl", "tr", "ja", "hi", "zh"];

/** Hebrew and Arabic read right to left. */
export function isRtl(code: string | null | undefined): boolean {
  return code === "he" || code === "ar";
}

/** The `dir` of text written in `code`: "rtl" for Hebrew and Arabic, else "auto". */
export function dirOf(code: string | null | undefined): "rtl" | "auto" {
  return isRtl(code) ? "rtl" : "auto";
}

/** A rate as a whole percentage: 0.183 → "18%". */
export function percent(ratio: number | null | undefined): string {
  return ratio === null || ratio === undefined ? "–" : `${Math.round(ratio * 100)}%`;
}

/** A rate with its 95% interval: "18% (12–25%)". */
export function rateWithInterval(rate: number | null | undefined, low: number, high: number): string {
  if (rate === null || rate === undefined) return "–";
  return `${percent(rate)} (${Math.round(low * 100)}–${percent(high)})`;
}

/** Local midnight `days` days ago in `tz`, as an instant (for date range presets). */
export function startOfDay(tz: string, daysAgo = 0, now = new Date()): Date {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: tz,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hourCycle: "h23",
  }).formatToParts(now);
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  const wallNow = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
  const offset = wallNow - Math.floor(now.getTime() / 1000) * 1000;
  const midnight = Date.UTC(get("year"), get("month") - 1, get("day") - daysAgo);
  return new Date(midnight - offset);
}
