import { useEffect, useState } from "react";
import { api, query } from "../api/client";
import type { LeadPage, LeadSummary } from "../api/types";

/** Finds a lead by name, phone or email (`GET /api/leads?q=`) and picks it; or none. */
export function LeadPicker({ lead, onPick, label = "Lead" }: { lead: LeadSummary | null; onPick: (l: LeadSummary | null) => void; label?: string }) {
  const [q, setQ] = useState("");
  const [found, setFound] = useState<LeadSummary[]>([]);
  useEffect(() => {
    const text = q.trim();
    if (!text) return;
    const abort = new AbortController();
    const t = setTimeout(() => {
      api<LeadPage>(`/api/leads${query({ q: text, limit: 8 })}`, { signal: abort.signal }).then(
        (p) => setFound(p.leads),
        () => undefined,
      );
    }, 200);
    return () => {
      clearTimeout(t);
      abort.abort();
    };
  }, [q]);
  if (lead) {
    return (
      <span className="picked">
        <span dir="auto">{lead.name}</span> <small dir="ltr">{lead.phone}</small>{" "}
        <button type="button" className="small secondary" onClick={() => onPick(null)}>
          Change
        </button>
      </span>
    );
  }
  return (
    <span className="lead-picker">
      <input type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder="Search name, phone or email" aria-label={label} dir="auto" />
      {q.trim() !== "" && found.length > 0 && (
        <ul className="picker-list" role="listbox" aria-label={`${label} results`}>
          {found.map((l) => (
            <li key={l.id}>
              <button
                type="button"
                role="option"
                aria-selected={false}
                className="link"
                onClick={() => {
                  onPick(l);
                  setQ("");
                  setFound([]);
                }}
              >
                <span dir="auto">{l.name}</span> <small dir="ltr">{l.phone}</small>
              </button>
            </li>
          ))}
        </ul>
      )}
    </span>
  );
}
