import { useEffect, useRef } from "react";
import type { TurnRow } from "../api/types";
import { label, language } from "../format";

/**
 * A call's turns, agent and callee. Every line is `dir="auto"`, so Hebrew or Arabic reads
 * right to left while the layout stays put; a live one keeps the newest line in view. Where the
 * agent went over to another language (the lead answered in it), the first line in the new
 * language is marked.
 */
export function Transcript({ turns, live = false }: { turns: TurnRow[]; live?: boolean }) {
  const end = useRef<HTMLLIElement>(null);
  useEffect(() => {
    if (live) end.current?.scrollIntoView?.({ block: "nearest" });
  }, [turns.length, live]);
  if (!turns.length) return <p className="muted">{live ? "Waiting for the first words…" : "No transcript."}</p>;
  return (
    <ol className="transcript" aria-live={live ? "polite" : undefined}>
      {turns.map((t, i) => {
        const to = switchedTo(turns, i);
        return (
          <li key={t.idx} className={`turn ${t.speaker}`}>
            {to && (
              <span className="switch" role="note">
                Now in {language(to)}
              </span>
            )}
            <span className="who">{t.speaker === "agent" ? "Agent" : "Lead"}</span>
            <p dir="auto">{t.text}</p>
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
