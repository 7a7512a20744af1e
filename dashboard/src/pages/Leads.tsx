import { useEffect, useState } from "react";
import { Link, useNavigate } from "react-router-dom";
import { api, query } from "../api/client";
import type { ImportReport, LeadPage, LeadSummary } from "../api/types";
import { uploadLeads } from "../api/upload";
import { ErrorLine, PageHead } from "../components/Layout";
import { dateTime, label, language } from "../format";
import { useSettings } from "../settings";

const OUTCOMES = ["none", "interested", "not_interested", "callback_requested", "opted_out", "voicemail", "no_answer", "busy", "failed", "hung_up", "no_response", "undecided", "do_not_call"];
const LANGS = ["en", "he", "ar", "fr", "de", "es", "it", "pt", "nl", "ru", "pl", "tr", "ja", "hi", "zh"];

export function Leads() {
  const { tz } = useSettings();
  const navigate = useNavigate();
  const [q, setQ] = useState("");
  const [lang, setLang] = useState("");
  const [outcome, setOutcome] = useState("");
  const [leads, setLeads] = useState<LeadSummary[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [version, setVersion] = useState(0);

  const filters = { q: q.trim(), language: lang, outcome, limit: 100 };
  const filterKey = JSON.stringify(filters);
  useEffect(() => {
    const abort = new AbortController();
    const t = setTimeout(() => {
      api<LeadPage>(`/api/leads${query(JSON.parse(filterKey) as Record<string, string>)}`, { signal: abort.signal }).then(
        (p) => {
          setLeads(p.leads);
          setCursor(p.next_cursor ?? null);
          setError(null);
        },
        (e: unknown) => !abort.signal.aborted && setError(String(e instanceof Error ? e.message : e)),
      );
    }, 200);
    return () => {
      clearTimeout(t);
      abort.abort();
    };
  }, [filterKey, version]);

  const more = async () => {
    if (!cursor) return;
    const p = await api<LeadPage>(`/api/leads${query({ ...filters, cursor })}`);
    setLeads((l) => [...l, ...p.leads]);
    setCursor(p.next_cursor ?? null);
  };
  const toggle = (id: string) =>
    setSelected((s) => {
      const n = new Set(s);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });
  const allShown = leads.length > 0 && leads.every((l) => selected.has(l.id));

  return (
    <>
      <PageHead title="Leads">
        <button disabled={!selected.size} onClick={() => navigate("/campaigns/new", { state: { leadIds: [...selected] } })}>
          New campaign with {selected.size} selected
        </button>
      </PageHead>
      <Upload onDone={() => setVersion((v) => v + 1)} />
      <section className="card">
        <div className="filters">
          <input type="search" placeholder="Search name, phone or email" value={q} onChange={(e) => setQ(e.target.value)} aria-label="Search leads" dir="auto" />
          <select value={lang} onChange={(e) => setLang(e.target.value)} aria-label="Language">
            <option value="">All languages</option>
            {LANGS.map((l) => (
              <option key={l} value={l}>
                {language(l)}
              </option>
            ))}
          </select>
          <select value={outcome} onChange={(e) => setOutcome(e.target.value)} aria-label="Outcome">
            <option value="">All outcomes</option>
            {OUTCOMES.map((o) => (
              <option key={o} value={o}>
                {o === "none" ? "Never called" : label(o)}
              </option>
            ))}
          </select>
        </div>
        <ErrorLine error={error} />
        <LeadTable
          leads={leads}
          tz={tz}
          selected={selected}
          onToggle={toggle}
          allSelected={allShown}
          onToggleAll={() => setSelected(allShown ? new Set() : new Set(leads.map((l) => l.id)))}
        />
        {cursor && (
          <button className="secondary" onClick={() => void more()}>
            Load more
          </button>
        )}
      </section>
    </>
  );
}

export function LeadTable({
  leads,
  tz,
  selected,
  onToggle,
  allSelected,
  onToggleAll,
}: {
  leads: LeadSummary[];
  tz: string;
  selected: Set<string>;
  onToggle: (id: string) => void;
  allSelected: boolean;
  onToggleAll: () => void;
}) {
  if (!leads.length) return <p className="muted">No leads match.</p>;
  return (
    <table className="table">
      <thead>
        <tr>
          <th>
            <input type="checkbox" checked={allSelected} onChange={onToggleAll} aria-label="Select all shown" />
          </th>
          <th>Name</th>
          <th>Phone</th>
          <th>Language</th>
          <th>Attempts</th>
          <th>Last outcome</th>
          <th>Added</th>
        </tr>
      </thead>
      <tbody>
        {leads.map((l) => (
          <tr key={l.id}>
            <td>
              <input type="checkbox" checked={selected.has(l.id)} onChange={() => onToggle(l.id)} aria-label={`Select ${l.name}`} />
            </td>
            <td className="name">
              <Link to={`/leads/${l.id}`} dir="auto">
                {l.name}
              </Link>
              {l.company && (
                <small>
                  {" · "}
                  <span dir="auto">{l.company}</span>
                </small>
              )}
            </td>
            <td dir="ltr">{l.phone}</td>
            <td>{language(l.language)}</td>
            <td>{l.attempts}</td>
            <td>{l.last_outcome ? <span className={`outcome o-${l.last_outcome}`}>{label(l.last_outcome)}</span> : <span className="muted">Never called</span>}</td>
            <td>{dateTime(l.created_at, tz)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** CSV upload with a progress bar and the import report. */
export function Upload({ onDone, onReport }: { onDone?: () => void; onReport?: (r: ImportReport) => void }) {
  const [file, setFile] = useState<File | null>(null);
  const [region, setRegion] = useState("");
  const [progress, setProgress] = useState<number | null>(null);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const send = async () => {
    if (!file) return;
    setError(null);
    setReport(null);
    setProgress(0);
    try {
      const r = await uploadLeads(file, region.trim().toUpperCase(), setProgress);
      setReport(r);
      onReport?.(r);
      onDone?.();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      setProgress(null);
    }
  };
  return (
    <section className="card">
      <h2>Upload leads (CSV)</h2>
      <p className="muted">Columns: name, phone (required); email, company, language, timezone, notes, region. Any other column is kept with each lead as a field.</p>
      <div className="filters">
        <input type="file" accept=".csv,text/csv" onChange={(e) => setFile(e.target.files?.[0] ?? null)} aria-label="CSV file" />
        <input placeholder="Region for national numbers (e.g. US)" value={region} onChange={(e) => setRegion(e.target.value)} aria-label="Region" size={30} />
        <button disabled={!file || (progress !== null && progress < 1 && !report && !error)} onClick={() => void send()}>
          Upload
        </button>
      </div>
      {progress !== null && (
        <div className="progress" role="progressbar" aria-valuenow={Math.round(progress * 100)} aria-valuemin={0} aria-valuemax={100}>
          <span style={{ width: `${progress * 100}%` }} />
          <em>{report ? "Imported" : progress < 1 ? `Uploading ${Math.round(progress * 100)}%` : "Importing…"}</em>
        </div>
      )}
      <ErrorLine error={error} />
      {report && <ImportReportView report={report} />}
    </section>
  );
}

export function ImportReportView({ report }: { report: ImportReport }) {
  return (
    <div className="report" data-testid="import-report">
      <div className="tiles small">
        <div className="tile">
          <div className="tile-name">Rows</div>
          <div className="tile-value">{report.rows}</div>
        </div>
        <div className="tile good">
          <div className="tile-name">Accepted</div>
          <div className="tile-value">{report.accepted}</div>
        </div>
        <div className="tile bad">
          <div className="tile-name">Rejected</div>
          <div className="tile-value">{report.rejected}</div>
        </div>
        <div className="tile warn">
          <div className="tile-name">Duplicates</div>
          <div className="tile-value">{report.duplicates}</div>
        </div>
      </div>
      {report.field_columns.length > 0 && (
        <p className="muted" data-testid="field-columns">
          Kept as lead fields: {report.field_columns.join(", ")} (for the agent's templates: <code>{`{{ lead.fields.${report.field_columns[0]} }}`}</code>)
        </p>
      )}
      {report.rejected_rows.length > 0 && (
        <details open>
          <summary>Rejected rows</summary>
          <ul className="plain">
            {report.rejected_rows.map((r) => (
              <li key={r.line}>
                Line {r.line}: <span dir="auto">{r.reason}</span>
              </li>
            ))}
          </ul>
          {report.rejected > report.rejected_rows.length && <p className="muted">…and {report.rejected - report.rejected_rows.length} more.</p>}
        </details>
      )}
      {report.duplicate_rows.length > 0 && (
        <details>
          <summary>Duplicates</summary>
          <ul className="plain">
            {report.duplicate_rows.map((d) => (
              <li key={d.line}>
                Line {d.line}: <span dir="ltr">{d.phone}</span>{" "}
                {d.first_line ? `repeats line ${d.first_line}` : d.existing_lead_id ? <Link to={`/leads/${d.existing_lead_id}`}>already a lead</Link> : null}
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}
