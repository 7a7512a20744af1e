import { useEffect, useRef } from "react";
import type { TurnRow } from "../api/types";
import { label, language } from "../format";
import { ToolCalls } from "./ToolCalls";

/**
 * A call's turns, agent and callee. Every line is `dir="auto"`, so Hebrew or Arabic reads
 * right to left while the layout stays put; a live one keeps the newest line in view. Where the
 * agent went over to another language (the lead answered in it), the first line in the new
 * language is marked. An agent line shows the tools the model used for it (`check_availability`,
 * ...), each opening to its arguments and result. A trial chat in Hebrew or Arabic passes
 * `dir="rtl"` and its own speaker names. An agent line the lead cut off (a realtime call) shows
 * what the lead heard, marked, with the whole line on hover.
 */
export function Transcript({
  turns,
  live = false,
  dir,
  names = { agent: "Agent", callee: "Lead" },
}: {
  turns: TurnRow[];
  live?: boolean;
  dir?: "rtl" | "ltr";
  names?: { agent: string; callee: string };
}) {
  const end = useRef<HTMLLIElement>(null);
  useEffect(() => {
    if (live) end.current?.scrollIntoView?.({ block: "nearest" });
  }, [turns.length, live]);
  if (!turns.length) return <p className="muted">{live ? "Waiting for the first words…" : "No transcript."}</p>;
  return (
    <ol className="transcript" aria-live={live ? "polite" : undefined} dir={dir}>
      {turns.map((t, i) => {
        const to = switchedTo(turns, i);
        return (
          <li key={t.idx} className={`turn ${t.speaker}`}>
            {to && (
              <span className="switch" role="note">
                Now in {language(to)}
              </span>
            )}
            <span className="who">{t.speaker === "agent" ? names.agent : names.callee}</span>
            {t.heard != null ? (
              // Cut off on a realtime call: what the lead heard, with the whole line on hover.
              <p dir="auto" title={`The whole line: ${t.text}`}>
                {t.heard}
                <span className="cut"> (cut off by the lead)</span>
              </p>
            ) : (
              <p dir="auto">{t.text}</p>
            )}
            {t.intent && t.speaker !== "agent" && (
              <span className={`intent i-${t.intent}`} title="What the agent understood">
                {label(t.intent)}
              </span>
            )}
            {t.confidence !== null && t.confidence !== undefined && t.speaker !== "agent" && (
              <span className="conf" title="Speech recognition confidence">
                {Math.round(t.confidence * 100)}%
              </span>
            )}
            {t.speaker === "agent" && <ToolCalls tools={t.tools} />}
          </li>
        );
      })}
      <li ref={end} className="turn-end" aria-hidden />
    </ol>
  );
}

/** The language the agent speaks from turn `i` on, when it is not the one of its line before. */
export function switchedTo(turns: TurnRow[], i: number): string | null {
  const t = turns[i];
  if (t?.speaker !== "agent" || !t.language) return null;
  const before = turns.slice(0, i).reverse().find((p) => p.speaker === "agent" && p.language);
  return before && before.language !== t.language ? t.language : null;
}
