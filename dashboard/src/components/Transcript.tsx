import { useEffect, useRef } from "react";
import type { TurnRow } from "../api/types";
import { label } from "../format";

/**
 * A call's turns, agent and callee. Every line is `dir="auto"`, so Hebrew or Arabic reads
 * right to left while the layout stays put; a live one keeps the newest line in view.
 */
export function Transcript({ turns, live = false }: { turns: TurnRow[]; live?: boolean }) {
  const end = useRef<HTMLLIElement>(null);
  useEffect(() => {
    if (live) end.current?.scrollIntoView?.({ block: "nearest" });
  }, [turns.length, live]);
  if (!turns.length) return <p className="muted">{live ? "Waiting for the first words…" : "No transcript."}</p>;
  return (
    <ol className="transcript" aria-live={live ? "polite" : undefined}>
      {turns.map((t) => (
        <li key={t.idx} className={`turn ${t.speaker}`}>
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
      ))}
      <li ref={end} className="turn-end" aria-hidden />
    </ol>
  );
}
